import { addDays, addMonths, toIsoDate } from '../core/clock.js';
import { actorLabel, type Ctx } from '../core/context.js';
import { AppError, invalid, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { formatMinor } from '../core/money.js';
import { inTx, type Executor } from '../db/database.js';
import { mapped } from '../db/errors.js';
import type { SubscriptionRow } from '../db/schema.js';
import { recordAudit } from '../audit/record.js';
import * as accountStore from '../accounts/account/store.js';
import * as subscriptionStore from '../accounts/subscription/store.js';
import * as timeline from '../accounts/timeline/service.js';
import type { QuoteDocument } from './document.js';
import { recordOutcome } from './outcomes.js';
import { checkQuote, quoteTotals, type QuoteInput } from './quote.js';
import { readRenewalSettings } from './settings.js';
import * as qs from './quote-store.js';

export const QUOTE_STATUSES = ['draft', 'sent', 'signed', 'lost'] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

export interface QuoteDraftInput {
  subscriptionId: string;
  upliftBp?: number;
  seats?: number;
  termMonths?: number;
  discountBp?: number;
  /** Price per seat per month before uplift; defaults to today's MRR ÷ seats. */
  unitMinor?: number;
  /** Must be the subscription's when given: quotes are in its currency. */
  currency?: string;
  notes?: string | null;
}

/** What signing checks has not changed since the quote was made. */
interface BasedOn {
  mrrMinor: number;
  seats: number | null;
  currency: string;
  endDate: string | null;
  status: string;
  plan: string;
}

const basedOn = (s: SubscriptionRow): BasedOn => ({
  mrrMinor: Number(s.mrr_minor),
  seats: s.seats === null ? null : Number(s.seats),
  currency: s.currency,
  endDate: s.end_date,
  status: s.status,
  plan: s.plan,
});

/** Today's price of one seat for one month: MRR ÷ seats, rounded to the minor unit. */
export function unitPriceOf(s: Pick<SubscriptionRow, 'mrr_minor' | 'seats'>): number {
  const seats = s.seats && Number(s.seats) > 0 ? Number(s.seats) : 1;
  return Math.round(Number(s.mrr_minor) / seats);
}

/** The priced inputs of a quote from its subscription and the form; field-named refusals. */
export function priceInputs(
  sub: SubscriptionRow,
  input: Omit<QuoteDraftInput, 'subscriptionId'>,
): QuoteInput {
  if (input.currency !== undefined && input.currency !== sub.currency)
    throw invalid('currency', `the subscription bills in ${sub.currency}, not ${input.currency}`);
  const q: QuoteInput = {
    unitMinor: input.unitMinor ?? unitPriceOf(sub),
    seats: input.seats ?? (sub.seats && Number(sub.seats) > 0 ? Number(sub.seats) : 1),
    termMonths: input.termMonths ?? 12,
    upliftBp: input.upliftBp ?? 0,
    discountBp: input.discountBp ?? 0,
  };
  const problems = checkQuote(q);
  if (problems.length > 0) {
    // Every bad field at once, so a form can mark them all.
    throw new AppError('validation', problems.map((p) => `${p.path}: ${p.message}`).join('; '), {
      issues: problems.map((p) => ({ path: p.path, message: p.message })),
    });
  }
  try {
    quoteTotals(q);
  } catch (err) {
    throw invalid('seats', err instanceof Error ? err.message : 'cannot be priced');
  }
  return q;
}

/** A quote's number as people say it: Q-0042. */
const quoteNumber = (n: number) => `Q-${String(n).padStart(4, '0')}`;

export function toQuote(r: qs.QuoteRow & { account_name?: string }) {
  return {
    id: r.id,
    number: quoteNumber(r.number),
    accountId: r.account_id,
    accountName: r.account_name ?? null,
    subscriptionId: r.subscription_id,
    status: r.status as QuoteStatus,
    currency: r.currency,
    plan: r.plan,
    unitMinor: Number(r.unit_minor),
    seats: Number(r.seats),
    termMonths: Number(r.term_months),
    upliftBp: Number(r.uplift_bp),
    discountBp: Number(r.discount_bp),
    notes: r.notes,
    totals: {
      unitAfterUpliftMinor: quoteTotals({
        unitMinor: Number(r.unit_minor),
        seats: Number(r.seats),
        termMonths: Number(r.term_months),
        upliftBp: Number(r.uplift_bp),
        discountBp: Number(r.discount_bp),
      }).unitAfterUpliftMinor,
      subtotalMinor: Number(r.subtotal_minor),
      discountMinor: Number(r.discount_minor),
      totalMinor: Number(r.total_minor),
      monthlyMinor: Number(r.monthly_minor),
    },
    termStart: r.term_start,
    termEnd: r.term_end,
    basedOn: JSON.parse(r.based_on) as BasedOn,
    lostReason: r.lost_reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
    decidedAt: r.decided_at,
  };
}
export type Quote = ReturnType<typeof toQuote>;

async function loadSub(ctx: Ctx, db: Executor, subscriptionId: string, forUpdate = false) {
  const sub = forUpdate
    ? await subscriptionStore.getSubscriptionForUpdate(db, ctx.dialect, subscriptionId)
    : await subscriptionStore.getSubscription(db, subscriptionId);
  if (!sub) throw invalid('subscriptionId', `no subscription ${subscriptionId}`);
  const account = await accountStore.getAccount(db, sub.account_id);
  if (!account) throw notFound('account', sub.account_id);
  ctx.can('write', 'account', { ownerId: account.owner_id });
  return { sub, account };
}

async function event(
  ctx: Ctx,
  db: Executor,
  quoteId: string,
  action: string,
  note: string | null,
  data: object,
) {
  await qs.insertEvent(db, {
    id: newId('qev', ctx.now().getTime()),
    quote_id: quoteId,
    action,
    actor: actorLabel(ctx.actor),
    note,
    data: JSON.stringify(data),
    at: ctx.now().toISOString(),
  });
}

function termOf(sub: SubscriptionRow, months: number) {
  if (!sub.end_date)
    throw invalid('subscriptionId', 'the subscription has no renewal date to quote from');
  if (sub.status !== 'active' && sub.status !== 'past_due')
    throw invalid('subscriptionId', `the subscription is ${sub.status}`);
  return { start: sub.end_date, end: addMonths(sub.end_date, months) };
}

/** Price a quote without saving it (the editor's live preview). */
export async function previewQuote(ctx: Ctx, input: QuoteDraftInput) {
  const { sub, account } = await loadSub(ctx, ctx.db, input.subscriptionId);
  const q = priceInputs(sub, input);
  const term = termOf(sub, q.termMonths);
  return {
    input: q,
    totals: quoteTotals(q),
    termStart: term.start,
    termEnd: term.end,
    currency: sub.currency,
    accountName: account.name,
  };
}

export async function createQuote(ctx: Ctx, input: QuoteDraftInput): Promise<Quote> {
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const { sub, account } = await loadSub(ctx, trx, input.subscriptionId);
      const q = priceInputs(sub, input);
      const t = quoteTotals(q);
      const term = termOf(sub, q.termMonths);
      const at = ctx.now().toISOString();
      const row: qs.QuoteRow = {
        id: newId('quo', ctx.now().getTime()),
        number: await qs.nextNumber(trx),
        account_id: sub.account_id,
        subscription_id: sub.id,
        status: 'draft',
        currency: sub.currency,
        plan: sub.plan,
        unit_minor: q.unitMinor,
        seats: q.seats,
        term_months: q.termMonths,
        uplift_bp: q.upliftBp,
        discount_bp: q.discountBp,
        notes: input.notes ?? null,
        subtotal_minor: t.subtotalMinor,
        discount_minor: t.discountMinor,
        total_minor: t.totalMinor,
        monthly_minor: t.monthlyMinor,
        term_start: term.start,
        term_end: term.end,
        based_on: JSON.stringify(basedOn(sub)),
        lost_reason: null,
        created_by: actorLabel(ctx.actor),
        created_at: at,
        updated_at: at,
        sent_at: null,
        decided_at: null,
      };
      await qs.insertQuote(trx, row);
      await event(ctx, trx, row.id, 'created', null, { totals: t, input: q });
      await recordAudit(ctx, trx, {
        entity: 'quote',
        entityId: row.id,
        action: 'create',
        after: row,
      });
      return toQuote({ ...row, account_name: account.name });
    }),
  );
}

async function loadQuote(ctx: Ctx, db: Executor, id: string) {
  const row = await qs.quoteById(db, id);
  if (!row) throw notFound('quote', id);
  const account = await accountStore.getAccount(db, row.account_id);
  return { row, account };
}

export async function getQuote(ctx: Ctx, id: string) {
  ctx.can('read', 'account');
  const { row, account } = await loadQuote(ctx, ctx.db, id);
  const events = await qs.eventsOf(ctx.db, id);
  return {
    ...toQuote({ ...row, account_name: account?.name ?? '' }),
    history: events.map((e) => ({
      action: e.action,
      actor: e.actor,
      note: e.note,
      at: e.at,
      data: JSON.parse(e.data) as Record<string, unknown>,
    })),
  };
}

export async function listQuotes(
  ctx: Ctx,
  f: { accountId?: string; subscriptionId?: string; status?: string; limit?: number },
) {
  ctx.can('read', 'account');
  return (await qs.listQuotes(ctx.db, f, f.limit ?? 100)).map(toQuote);
}

/** Change a draft's terms; sent and decided quotes are fixed (make a new one). */
export async function updateQuote(
  ctx: Ctx,
  id: string,
  input: Omit<QuoteDraftInput, 'subscriptionId'>,
) {
  return inTx(ctx.db, async (trx) => {
    const { row, account } = await loadQuote(ctx, trx, id);
    ctx.can('write', 'account', { ownerId: account?.owner_id });
    if (row.status !== 'draft')
      throw invalid('status', `a ${row.status} quote cannot be edited; make a new one`);
    const sub = await subscriptionStore.getSubscription(trx, row.subscription_id);
    if (!sub) throw notFound('subscription', row.subscription_id);
    const q = priceInputs(sub, {
      unitMinor: input.unitMinor ?? Number(row.unit_minor),
      seats: input.seats ?? Number(row.seats),
      termMonths: input.termMonths ?? Number(row.term_months),
      upliftBp: input.upliftBp ?? Number(row.uplift_bp),
      discountBp: input.discountBp ?? Number(row.discount_bp),
      currency: input.currency,
    });
    const t = quoteTotals(q);
    const term = termOf(sub, q.termMonths);
    const patch: Partial<qs.QuoteRow> = {
      unit_minor: q.unitMinor,
      seats: q.seats,
      term_months: q.termMonths,
      uplift_bp: q.upliftBp,
      discount_bp: q.discountBp,
      notes: input.notes === undefined ? row.notes : input.notes,
      subtotal_minor: t.subtotalMinor,
      discount_minor: t.discountMinor,
      total_minor: t.totalMinor,
      monthly_minor: t.monthlyMinor,
      term_start: term.start,
      term_end: term.end,
      // Editing re-bases the quote on the subscription as it is now.
      based_on: JSON.stringify(basedOn(sub)),
      plan: sub.plan,
      updated_at: ctx.now().toISOString(),
    };
    await qs.updateQuote(trx, id, patch);
    await event(ctx, trx, id, 'edited', null, { totals: t, input: q });
    await recordAudit(ctx, trx, {
      entity: 'quote',
      entityId: id,
      action: 'update',
      before: row,
      after: { ...row, ...patch },
    });
    return toQuote({ ...row, ...patch, account_name: account?.name });
  });
}

function changedFields(then: BasedOn, now: BasedOn): string[] {
  return (Object.keys(then) as (keyof BasedOn)[])
    .filter((k) => then[k] !== now[k])
    .map((k) => `${k} ${String(then[k])} → ${String(now[k])}`);
}

/** draft → sent → signed, or → lost; signing renews the subscription on the quoted terms. */
export async function decideQuote(
  ctx: Ctx,
  id: string,
  action: 'send' | 'sign' | 'lose',
  input: { note?: string; reason?: string } = {},
) {
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const { row, account } = await loadQuote(ctx, trx, id);
      ctx.can('write', 'account', { ownerId: account?.owner_id });
      const status = row.status as QuoteStatus;
      const allowed: Record<typeof action, QuoteStatus[]> = {
        send: ['draft'],
        sign: ['sent'],
        lose: ['draft', 'sent'],
      };
      if (!allowed[action].includes(status)) {
        const hint = action === 'sign' && status === 'draft' ? ': send it first' : '';
        throw new AppError(
          'conflict',
          `a ${status} quote cannot be ${action === 'lose' ? 'lost' : `${action === 'send' ? 'sent' : 'signed'}`}${hint}`,
          { field: 'status' },
        );
      }
      const at = ctx.now().toISOString();
      const patch: Partial<qs.QuoteRow> = { updated_at: at };
      const number = quoteNumber(row.number);
      if (action === 'send') {
        patch.status = 'sent';
        patch.sent_at = at;
      } else if (action === 'lose') {
        const reason = (input.reason ?? '').trim();
        if (reason.length < 3) throw invalid('reason', 'say why the quote was lost');
        patch.status = 'lost';
        patch.lost_reason = reason;
        patch.decided_at = at;
      } else {
        const sub = await subscriptionStore.getSubscriptionForUpdate(
          trx,
          ctx.dialect,
          row.subscription_id,
        );
        if (!sub) throw notFound('subscription', row.subscription_id);
        const changed = changedFields(JSON.parse(row.based_on) as BasedOn, basedOn(sub));
        if (changed.length > 0) {
          throw new AppError(
            'conflict',
            `the subscription changed since ${number} was made (${changed.join('; ')}): make a new quote`,
            { field: 'subscriptionId', changed },
          );
        }
        const newArr = Number(row.monthly_minor) * 12;
        await recordOutcome({ ...ctx, db: trx }, sub.id, {
          outcome: newArr < Number(sub.mrr_minor) * 12 ? 'downgraded' : 'renewed',
          arrMinor: newArr,
          termMonths: Number(row.term_months),
          seats: Number(row.seats),
          source: `quote:${number}`,
          note: input.note ?? `${number} signed`,
        });
        patch.status = 'signed';
        patch.decided_at = at;
      }
      await qs.updateQuote(trx, id, patch);
      await event(ctx, trx, id, patch.status!, input.note ?? input.reason ?? null, {});
      await recordAudit(ctx, trx, {
        entity: 'quote',
        entityId: id,
        action: patch.status!,
        before: row,
        after: { ...row, ...patch },
      });
      const money = `${formatMinor(Number(row.total_minor), row.currency)} ${row.currency}`;
      await timeline.record(ctx, trx, row.account_id, {
        kind: 'renewal_quote',
        title: `Quote ${number} ${patch.status} (${money} for ${row.term_months} months)`,
        body: patch.lost_reason ?? input.note ?? null,
        data: { quoteId: id, status: patch.status },
      });
      return toQuote({ ...row, ...patch, account_name: account?.name });
    }),
  );
}

/** The quote as a document, ready to render as HTML or PDF. */
export async function quoteDocument(ctx: Ctx, id: string): Promise<QuoteDocument> {
  const q = await getQuote(ctx, id);
  const settings = await readRenewalSettings(ctx.db);
  const issued = q.sentAt ?? q.createdAt;
  const t = q.totals;
  return {
    number: q.number,
    status: q.status,
    issuedOn: issued.slice(0, 10),
    validUntil: addDays(toIsoDate(new Date(issued)), settings.quotes.validDays),
    seller: settings.quotes.seller,
    customer: q.accountName ?? '',
    plan: q.plan,
    currency: q.currency,
    termStart: q.termStart,
    termEnd: q.termEnd,
    termMonths: q.termMonths,
    seats: q.seats,
    previousSeats: q.basedOn.seats,
    unitMinor: q.unitMinor,
    unitAfterUpliftMinor: t.unitAfterUpliftMinor,
    upliftBp: q.upliftBp,
    discountBp: q.discountBp,
    subtotalMinor: t.subtotalMinor,
    discountMinor: t.discountMinor,
    totalMinor: t.totalMinor,
    monthlyMinor: t.monthlyMinor,
    currentArrMinor: q.basedOn.mrrMinor * 12,
    newArrMinor: t.monthlyMinor * 12,
    notes: q.notes,
  };
}
