import { inTx } from '../../db/database.js';
import { newId } from '../../core/ids.js';
import { assertReadable, type Ctx } from '../../core/context.js';
import { AppError, invalid, notFound } from '../../core/errors.js';
import { toIsoDate } from '../../core/clock.js';
import type { Executor } from '../../db/database.js';
import type { ContactRow } from '../../db/schema.js';
import { mapped } from '../../db/errors.js';
import { recordAudit } from '../../audit/record.js';
import * as accountStore from '../account/store.js';
import * as timeline from '../timeline/service.js';
import * as store from './store.js';
import { contactLeftEvent, roleColumns, toContact, type Contact } from './model.js';
import type { ContactCreateInput, ContactListInput, ContactPatchInput } from './schemas.js';

/** Instants are stored as UTC ISO text whatever offset they arrive with. */
function utc(instant: string | null | undefined): string | null {
  return instant ? new Date(instant).toISOString() : null;
}

async function checkUnique(
  db: Executor,
  accountId: string,
  c: { externalId?: string | null; email?: string | null },
  selfId?: string,
) {
  if (c.externalId) {
    const other = await store.findByExternalId(db, c.externalId);
    if (other && other.id !== selfId) {
      throw new AppError(
        'conflict',
        `externalId: contact ${other.id} already has externalId ${c.externalId}`,
        {
          field: 'externalId',
          existingId: other.id,
        },
      );
    }
  }
  if (c.email) {
    const other = await store.findByEmail(db, accountId, c.email);
    if (other && other.id !== selfId) {
      throw new AppError(
        'conflict',
        `email: contact ${other.id} on this account already has email ${c.email}`,
        {
          field: 'email',
          existingId: other.id,
        },
      );
    }
  }
}

export async function createContact(ctx: Ctx, input: ContactCreateInput): Promise<Contact> {
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const account = await accountStore.getAccount(trx, input.accountId);
      if (!account) throw invalid('accountId', `no account ${input.accountId}`);
      ctx.can('write', 'account', { ownerId: account.owner_id });
      const email = input.email ? input.email.toLowerCase() : null;
      await checkUnique(trx, account.id, { externalId: input.externalId, email });
      const at = ctx.now().toISOString();
      const row: ContactRow = {
        id: newId('con', ctx.now().getTime()),
        account_id: account.id,
        external_id: input.externalId ?? null,
        name: input.name,
        email,
        title: input.title ?? null,
        phone: input.phone ?? null,
        ...roleColumns(input.roles ?? []),
        last_seen_at: utc(input.lastSeenAt),
        latest_nps: input.latestNps ?? null,
        left_on: null,
        left_reason: null,
        archived_at: null,
        created_at: at,
        updated_at: at,
      };
      await store.insertContact(trx, row);
      await recordAudit(ctx, trx, {
        entity: 'contact',
        entityId: row.id,
        action: 'create',
        after: row,
      });
      await timeline.record(ctx, trx, account.id, {
        kind: 'contact_added',
        title: `Contact added: ${row.name}${row.title ? `, ${row.title}` : ''}`,
        contactId: row.id,
        data: { roles: input.roles ?? [] },
      });
      return toContact(row);
    }),
  );
}

export async function updateContact(
  ctx: Ctx,
  id: string,
  input: ContactPatchInput,
): Promise<Contact> {
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const row = await store.getContact(trx, id);
      if (!row) throw notFound('contact', id);
      const account = await accountStore.getAccount(trx, row.account_id);
      ctx.can('write', 'account', { ownerId: account?.owner_id ?? null });
      const email =
        input.email === undefined ? undefined : input.email ? input.email.toLowerCase() : null;
      await checkUnique(trx, row.account_id, { externalId: input.externalId, email }, id);
      const patch: Partial<ContactRow> = { updated_at: ctx.now().toISOString() };
      if (input.externalId !== undefined) patch.external_id = input.externalId ?? null;
      if (input.name !== undefined) patch.name = input.name;
      if (email !== undefined) patch.email = email;
      if (input.title !== undefined) patch.title = input.title ?? null;
      if (input.phone !== undefined) patch.phone = input.phone ?? null;
      if (input.roles !== undefined) Object.assign(patch, roleColumns(input.roles));
      if (input.lastSeenAt !== undefined) patch.last_seen_at = utc(input.lastSeenAt);
      if (input.latestNps !== undefined) patch.latest_nps = input.latestNps ?? null;
      await store.updateContact(trx, id, patch);
      const after = { ...row, ...patch };
      await recordAudit(ctx, trx, {
        entity: 'contact',
        entityId: id,
        action: 'update',
        before: row,
        after,
      });
      return toContact(after);
    }),
  );
}

/** A person left the customer. When they held a key role this is the "champion left" signal. */
export async function markContactLeft(
  ctx: Ctx,
  id: string,
  input: { leftOn?: string; reason?: string },
): Promise<Contact> {
  return inTx(ctx.db, async (trx) => {
    const row = await store.getContact(trx, id);
    if (!row) throw notFound('contact', id);
    const account = await accountStore.getAccount(trx, row.account_id);
    ctx.can('write', 'account', { ownerId: account?.owner_id ?? null });
    if (row.left_on) throw new AppError('conflict', `contact ${id} already left on ${row.left_on}`);
    const leftOn = input.leftOn ?? toIsoDate(ctx.now());
    const patch = {
      left_on: leftOn,
      left_reason: input.reason ?? null,
      updated_at: ctx.now().toISOString(),
    };
    await store.updateContact(trx, id, patch);
    await recordAudit(ctx, trx, {
      entity: 'contact',
      entityId: id,
      action: 'left',
      before: row,
      after: { ...row, ...patch },
    });
    const left = contactLeftEvent(row);
    await timeline.record(ctx, trx, row.account_id, {
      kind: 'contact_left',
      title: left.title,
      body: input.reason ?? null,
      occurredAt: `${leftOn}T00:00:00.000Z`,
      contactId: id,
      data: left.data,
    });
    return toContact({ ...row, ...patch });
  });
}

export async function getContact(ctx: Ctx, id: string): Promise<Contact> {
  assertReadable(ctx, 'account', 'contact', id);
  const row = await store.getContact(ctx.db, id);
  if (!row) throw notFound('contact', id);
  return toContact(row);
}

export async function listContacts(ctx: Ctx, q: ContactListInput) {
  ctx.can('read', 'account');
  const page = await store.listContacts(
    ctx.db,
    ctx.dialect,
    q,
    q.sort ?? 'createdAt',
    q.limit,
    q.cursor,
  );
  return { items: page.items.map(toContact), nextCursor: page.nextCursor };
}

/** Hide a contact from lists (entered by mistake, a duplicate); its history stays. */
export async function setContactArchived(
  ctx: Ctx,
  id: string,
  archived: boolean,
): Promise<Contact> {
  return inTx(ctx.db, async (trx) => {
    const row = await store.getContact(trx, id);
    if (!row) throw notFound('contact', id);
    const account = await accountStore.getAccount(trx, row.account_id);
    ctx.can('write', 'account', { ownerId: account?.owner_id ?? null });
    if (Boolean(row.archived_at) === archived) return toContact(row);
    const at = ctx.now().toISOString();
    const patch = { archived_at: archived ? at : null, updated_at: at };
    await store.updateContact(trx, id, patch);
    await recordAudit(ctx, trx, {
      entity: 'contact',
      entityId: id,
      action: archived ? 'archive' : 'restore',
      before: row,
      after: { ...row, ...patch },
    });
    return toContact({ ...row, ...patch });
  });
}
