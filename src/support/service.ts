import { inTx, type Executor } from '../db/database.js';
import type { SurveyResponseRow, TicketRow } from '../db/schema.js';
import { mapped } from '../db/errors.js';
import { assertReadable, type Ctx } from '../core/context.js';
import { AppError, invalid, notFound } from '../core/errors.js';
import { recordAudit } from '../audit/record.js';
import * as accountStore from '../accounts/account/store.js';
import * as contactStore from '../accounts/contact/store.js';
import * as timeline from '../accounts/timeline/service.js';
import { supportId } from './ids.js';
import * as store from './store.js';
import {
  checkScore,
  checkTicket,
  resolvedAtFor,
  surveyEvent,
  ticketEvents,
  toSurveyResponse,
  toTicket,
  type FieldProblem,
  type SupportEvent,
  type SurveyResponse,
  type Ticket,
} from './model.js';
import { summarize, windowStart, WINDOWS, type SupportSummary } from './summary.js';
import type {
  SurveyListInput,
  SurveyResponseCreateInput,
  TicketCreateInput,
  TicketListInput,
  TicketPatchInput,
} from './schemas.js';

/** Instants are stored as UTC ISO text whatever offset they arrive with. */
function utc(instant: string | null | undefined): string | null {
  return instant ? new Date(instant).toISOString() : null;
}
/** Like utc, but keeps "not sent" (undefined) apart from "cleared" (null). */
function utcOpt(instant: string | null | undefined): string | null | undefined {
  return instant === undefined ? undefined : utc(instant);
}

function refuse(p: FieldProblem | null): void {
  if (p) throw invalid(p.field, p.reason);
}

function duplicate(entity: string, other: { id: string }, externalId: string): AppError {
  return new AppError(
    'conflict',
    `externalId: ${entity} ${other.id} already has externalId ${externalId}`,
    { field: 'externalId', existingId: other.id },
  );
}

/** The contact's name, after checking it is a contact of the account. */
async function contactOn(
  db: Executor,
  accountId: string,
  contactId: string | null | undefined,
): Promise<string | null> {
  if (!contactId) return null;
  const c = await contactStore.getContact(db, contactId);
  if (!c || c.account_id !== accountId)
    throw invalid('contactId', `${contactId} is not a contact of account ${accountId}`);
  return c.name;
}

async function recordEvents(ctx: Ctx, db: Executor, accountId: string, events: SupportEvent[]) {
  if (events.length) await timeline.record(ctx, db, accountId, events);
}

export async function createTicket(ctx: Ctx, input: TicketCreateInput): Promise<Ticket> {
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const account = await accountStore.getAccount(trx, input.accountId);
      if (!account) throw invalid('accountId', `no account ${input.accountId}`);
      ctx.can('write', 'account', { ownerId: account.owner_id });
      await contactOn(trx, account.id, input.contactId);
      if (input.externalId) {
        const other = await store.findTicketByExternalId(trx, input.externalId);
        if (other) throw duplicate('ticket', other, input.externalId);
      }
      const at = ctx.now().toISOString();
      const status = input.status ?? 'open';
      const row: TicketRow = {
        id: supportId('tkt', ctx.now().getTime()),
        account_id: account.id,
        external_id: input.externalId ?? null,
        subject: input.subject,
        priority: input.priority ?? 'normal',
        status,
        opened_at: utc(input.openedAt) ?? at,
        first_response_at: utc(input.firstResponseAt),
        resolved_at: resolvedAtFor(null, status, utcOpt(input.resolvedAt), at),
        csat: input.csat ?? null,
        escalated: input.escalated ? 1 : 0,
        contact_id: input.contactId ?? null,
        created_at: at,
        updated_at: at,
      };
      refuse(checkTicket(row));
      await store.insertTicket(trx, row);
      await recordAudit(ctx, trx, {
        entity: 'ticket',
        entityId: row.id,
        action: 'create',
        after: row,
      });
      await recordEvents(ctx, trx, account.id, ticketEvents(null, row));
      return toTicket(row);
    }),
  );
}

export async function updateTicket(ctx: Ctx, id: string, input: TicketPatchInput): Promise<Ticket> {
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const row = await store.getTicket(trx, id);
      if (!row) throw notFound('ticket', id);
      const account = await accountStore.getAccount(trx, row.account_id);
      ctx.can('write', 'account', { ownerId: account?.owner_id ?? null });
      await contactOn(trx, row.account_id, input.contactId);
      if (input.externalId) {
        const other = await store.findTicketByExternalId(trx, input.externalId);
        if (other && other.id !== id) throw duplicate('ticket', other, input.externalId);
      }
      const at = ctx.now().toISOString();
      const status = input.status ?? row.status;
      const patch: Partial<TicketRow> = { updated_at: at };
      if (input.externalId !== undefined) patch.external_id = input.externalId ?? null;
      if (input.subject !== undefined) patch.subject = input.subject;
      if (input.priority !== undefined) patch.priority = input.priority;
      if (input.status !== undefined) patch.status = input.status;
      if (input.openedAt !== undefined) patch.opened_at = utc(input.openedAt)!;
      if (input.firstResponseAt !== undefined) patch.first_response_at = utc(input.firstResponseAt);
      const resolvedAt = resolvedAtFor(row, status, utcOpt(input.resolvedAt), at);
      if (resolvedAt !== row.resolved_at) patch.resolved_at = resolvedAt;
      if (input.csat !== undefined) patch.csat = input.csat ?? null;
      if (input.escalated !== undefined) patch.escalated = input.escalated ? 1 : 0;
      if (input.contactId !== undefined) patch.contact_id = input.contactId ?? null;
      const after: TicketRow = { ...row, ...patch };
      refuse(checkTicket(after));
      await store.updateTicket(trx, id, patch);
      await recordAudit(ctx, trx, {
        entity: 'ticket',
        entityId: id,
        action: 'update',
        before: row,
        after,
      });
      await recordEvents(ctx, trx, row.account_id, ticketEvents(row, after));
      return toTicket(after);
    }),
  );
}

export async function getTicket(ctx: Ctx, id: string): Promise<Ticket> {
  assertReadable(ctx, 'account', 'ticket', id);
  const row = await mapped(() => store.getTicket(ctx.db, id));
  if (!row) throw notFound('ticket', id);
  return toTicket(row);
}

export async function listTickets(ctx: Ctx, q: TicketListInput) {
  ctx.can('read', 'account');
  const page = await mapped(() =>
    store.listTickets(
      ctx.db,
      ctx.dialect,
      {
        ...q,
        openedAfter: utc(q.openedAfter) ?? undefined,
        openedBefore: utc(q.openedBefore) ?? undefined,
      },
      q.sort ?? '-openedAt',
      q.limit,
      q.cursor,
    ),
  );
  return { items: page.items.map(toTicket), nextCursor: page.nextCursor };
}

/** Keep the contact's "latest NPS" equal to their newest NPS response (audited when it moves). */
async function refreshContactNps(ctx: Ctx, db: Executor, contactId: string): Promise<void> {
  const latest = (await store.latestNpsByContact(db, [contactId])).get(contactId);
  const contact = await contactStore.getContact(db, contactId);
  if (latest === undefined || !contact) return;
  const current = contact.latest_nps === null ? null : Number(contact.latest_nps);
  if (current === latest) return;
  const patch = { latest_nps: latest, updated_at: ctx.now().toISOString() };
  await contactStore.updateContact(db, contactId, patch);
  await recordAudit(ctx, db, {
    entity: 'contact',
    entityId: contactId,
    action: 'update',
    before: contact,
    after: { ...contact, ...patch },
  });
}

export async function createSurveyResponse(
  ctx: Ctx,
  input: SurveyResponseCreateInput,
): Promise<SurveyResponse> {
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const account = await accountStore.getAccount(trx, input.accountId);
      if (!account) throw invalid('accountId', `no account ${input.accountId}`);
      ctx.can('write', 'account', { ownerId: account.owner_id });
      refuse(checkScore(input.kind, input.score));
      const contactName = await contactOn(trx, account.id, input.contactId);
      if (input.externalId) {
        const other = await store.findSurveyByExternalId(trx, input.externalId);
        if (other) throw duplicate('survey response', other, input.externalId);
      }
      const at = ctx.now().toISOString();
      const row: SurveyResponseRow = {
        id: supportId('svy', ctx.now().getTime()),
        account_id: account.id,
        contact_id: input.contactId ?? null,
        external_id: input.externalId ?? null,
        kind: input.kind,
        score: input.score,
        comment: input.comment || null,
        responded_at: utc(input.respondedAt) ?? at,
        created_at: at,
      };
      await store.insertSurveyResponse(trx, row);
      await recordAudit(ctx, trx, {
        entity: 'survey_response',
        entityId: row.id,
        action: 'create',
        after: row,
      });
      await recordEvents(ctx, trx, account.id, [surveyEvent(row, contactName)]);
      if (row.kind === 'nps' && row.contact_id) await refreshContactNps(ctx, trx, row.contact_id);
      return toSurveyResponse(row);
    }),
  );
}

export async function listSurveyResponses(ctx: Ctx, q: SurveyListInput) {
  ctx.can('read', 'account');
  const page = await mapped(() =>
    store.listSurveyResponses(
      ctx.db,
      ctx.dialect,
      { ...q, after: utc(q.after) ?? undefined, before: utc(q.before) ?? undefined },
      q.limit,
      q.cursor,
    ),
  );
  return { items: page.items.map(toSurveyResponse), nextCursor: page.nextCursor };
}

/** Open tickets, recent volume, service levels, CSAT and NPS of one account at `asOf`. */
export async function supportSummary(
  ctx: Ctx,
  accountId: string,
  asOf?: string,
): Promise<SupportSummary> {
  assertReadable(ctx, 'account', 'account', accountId);
  return mapped(async () => {
    const account = await accountStore.getAccount(ctx.db, accountId);
    if (!account) throw notFound('account', accountId);
    const end = asOf ? new Date(asOf) : ctx.now();
    const at = end.toISOString();
    const tickets = await store.summaryTickets(
      ctx.db,
      accountId,
      at,
      windowStart(end, 2 * WINDOWS.recentTickets),
      windowStart(end, WINDOWS.serviceLevels),
    );
    const responses = await store.summaryResponses(
      ctx.db,
      accountId,
      windowStart(end, Math.max(2 * WINDOWS.nps, WINDOWS.serviceLevels)),
      at,
    );
    const latest = await store.latestNps(ctx.db, accountId, at);
    return summarize(accountId, end, tickets, responses, latest);
  });
}
