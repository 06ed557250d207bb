import { randomBytes } from 'node:crypto';
import { recordAudit } from '../audit/record.js';
import type { Ctx } from '../core/context.js';
import { AppError, invalid, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Executor } from '../db/database.js';
import { backoffMs, type Backoff } from '../jobs/model.js';
import { messageIdOf, render, signature, variablesOf, type Channel } from './model.js';
import { accountValues } from './values.js';
import * as store from './store.js';
import { PermanentError, type MailSettings, type Transports } from './transports.js';

export const OUTBOX_BACKOFF: Backoff = { baseMs: 60_000, maxMs: 6 * 3_600_000 };
const MAX_ATTEMPTS = 8;

export interface OutboxMessage {
  id: string;
  channel: Channel;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  recipient: string;
  subject: string | null;
  body: string;
  accountId: string | null;
  source: string;
  sourceRef: string | null;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  response: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface Endpoint {
  id: string;
  kind: 'slack' | 'webhook';
  name: string;
  url: string;
  hasSecret: boolean;
  createdAt: string;
}

export function messageView(r: store.OutboxRow): OutboxMessage {
  return {
    id: r.id,
    channel: r.channel as Channel,
    status: r.status as OutboxMessage['status'],
    recipient: r.recipient,
    subject: r.subject,
    body: r.body,
    accountId: r.account_id,
    source: r.source,
    sourceRef: r.source_ref,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    response: r.response,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

const endpointView = (r: store.EndpointRow): Endpoint => ({
  id: r.id,
  kind: r.kind as Endpoint['kind'],
  name: r.name,
  url: r.url,
  hasSecret: r.secret !== null,
  createdAt: r.created_at,
});

interface Common {
  accountId?: string | null;
  source: string;
  sourceRef?: string | null;
  /** At most one message per key, ever (a rule firing, a reminder window). */
  dedupeKey?: string | null;
}

/**
 * Queue messages in the caller's transaction, so a message exists exactly when the action
 * that causes it commits. Returns the id, or null when the key was used before.
 */
async function enqueue(
  ctx: Ctx,
  db: Executor,
  m: Common & {
    channel: Channel;
    recipient: string;
    endpointId: string | null;
    subject: string | null;
    body: string;
  },
): Promise<string | null> {
  const now = ctx.now();
  const id = newId('out', now.getTime());
  const inserted = await store.insertOutbox(db, {
    id,
    channel: m.channel,
    status: 'pending',
    recipient: m.recipient,
    endpoint_id: m.endpointId,
    subject: m.subject,
    body: m.body,
    account_id: m.accountId ?? null,
    source: m.source,
    source_ref: m.sourceRef ?? null,
    dedupe_key: m.dedupeKey ?? null,
    attempts: 0,
    max_attempts: MAX_ATTEMPTS,
    next_attempt_at: now.toISOString(),
    lease_until: null,
    last_error: null,
    response: null,
    created_at: now.toISOString(),
    sent_at: null,
  });
  return inserted ? id : null;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export async function enqueueEmail(
  ctx: Ctx,
  db: Executor,
  m: Common & { to: string; subject: string; body: string },
): Promise<string | null> {
  if (!EMAIL.test(m.to)) throw invalid('to', `not an email address: ${m.to}`);
  return enqueue(ctx, db, { ...m, channel: 'email', recipient: m.to, endpointId: null });
}

/** A Slack message (text) or a webhook event (JSON payload) to a configured endpoint. */
export async function enqueueToEndpoint(
  ctx: Ctx,
  db: Executor,
  m: Common & {
    endpointId: string;
    text?: string;
    event?: { type: string; data: Record<string, unknown> };
  },
): Promise<string | null> {
  const ep = await store.endpointById(db, m.endpointId);
  if (!ep || ep.archived_at) throw invalid('endpointId', `no endpoint ${m.endpointId}`);
  const body =
    ep.kind === 'slack'
      ? JSON.stringify({ text: m.text ?? m.event?.type ?? '' })
      : JSON.stringify({
          type: m.event?.type ?? 'message',
          data: m.event?.data ?? { text: m.text ?? '' },
        });
  return enqueue(ctx, db, {
    ...m,
    channel: ep.kind as Channel,
    recipient: ep.name,
    endpointId: ep.id,
    subject: null,
    body,
  });
}

export interface DeliveryResult {
  sent: number;
  retrying: number;
  failed: number;
}

/**
 * Send what is due. Each message is claimed (status sending, with a lease) and committed
 * before it goes out, then recorded; a sender that dies between the provider's acceptance
 * and the record leaves the claim to lapse, and the message is sent again with the same
 * Message-ID or delivery id (docs/outbound.md says what that guarantees).
 */
export async function deliverDue(
  ctx: Ctx,
  transports: Transports,
  mail: MailSettings,
  o: { leaseMs?: number; batch?: number; maxBatches?: number; random?: () => number } = {},
): Promise<DeliveryResult> {
  const out: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
  await store.failAbandoned(ctx.db, ctx.now());
  for (let b = 0; b < (o.maxBatches ?? 20); b++) {
    const claimed = await store.claimDue(ctx.db, ctx.dialect, {
      now: ctx.now(),
      leaseMs: o.leaseMs ?? 120_000,
      limit: o.batch ?? 20,
    });
    if (claimed.length === 0) break;
    for (const m of claimed) {
      try {
        const response = await sendOne(ctx.db, m, transports, mail, ctx.now());
        await store.finish(ctx.db, m.id, { status: 'sent', response, at: ctx.now() });
        out.sent += 1;
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        const at = ctx.now();
        if (err instanceof PermanentError || m.attempts >= m.max_attempts) {
          await store.finish(ctx.db, m.id, { status: 'failed', error, response: null, at });
          out.failed += 1;
        } else {
          const wait = backoffMs(m.attempts, OUTBOX_BACKOFF, (o.random ?? Math.random)());
          await store.finish(ctx.db, m.id, {
            status: 'pending',
            error,
            response: null,
            retryAt: new Date(at.getTime() + wait),
          });
          out.retrying += 1;
        }
      }
    }
  }
  return out;
}

async function sendOne(
  db: Executor,
  m: store.OutboxRow,
  t: Transports,
  mail: MailSettings,
  now: Date,
): Promise<string> {
  if (m.channel === 'email')
    return t.email({
      from: mail.from,
      to: m.recipient,
      subject: m.subject ?? '',
      text: m.body,
      messageId: messageIdOf(m.id, mail.domain),
    });
  const ep = m.endpoint_id ? await store.endpointById(db, m.endpoint_id) : undefined;
  if (!ep) throw new PermanentError('the endpoint was removed');
  const headers: Record<string, string> = { 'user-agent': 'Tenure', 'x-tenure-delivery': m.id };
  if (ep.kind === 'webhook' && ep.secret) {
    const ts = Math.floor(now.getTime() / 1000);
    headers['x-tenure-timestamp'] = String(ts);
    headers['x-tenure-signature'] = signature(ep.secret, ts, m.body);
  }
  const r = await t.post(ep.url, m.body, headers);
  return `HTTP ${r.status}${r.text ? `: ${r.text}` : ''}`;
}

export async function listOutbox(
  ctx: Ctx,
  f: store.OutboxFilter & { limit?: number },
): Promise<OutboxMessage[]> {
  ctx.can('read', 'outbound');
  return (await store.listOutboxRows(ctx.db, f, f.limit ?? 100)).map(messageView);
}

export async function retryMessage(ctx: Ctx, id: string): Promise<OutboxMessage> {
  ctx.can('write', 'outbound');
  return ctx.db.transaction().execute(async (trx) => {
    const row = await store.getOutboxRow(trx, id);
    if (!row) throw notFound('message', id);
    if (!(await store.requeue(trx, id, ctx.now())))
      throw new AppError(
        'conflict',
        `message ${id} is ${row.status}: only a failed one can be retried`,
      );
    await recordAudit(ctx, trx, { entity: 'outbox', entityId: id, action: 'retry' });
    return messageView((await store.getOutboxRow(trx, id))!);
  });
}

export async function listEndpoints(ctx: Ctx): Promise<Endpoint[]> {
  ctx.can('read', 'outbound');
  return (await store.endpointRows(ctx.db)).map(endpointView);
}

/** Add a Slack incoming webhook or a signed webhook; a webhook's secret is shown once. */
export async function createEndpoint(
  ctx: Ctx,
  input: { kind: 'slack' | 'webhook'; name: string; url: string },
): Promise<Endpoint & { secret: string | null }> {
  ctx.can('write', 'outbound');
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw invalid('url', 'not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalid('url', 'must be http or https');
  const now = ctx.now();
  const secret = input.kind === 'webhook' ? `whsec_${randomBytes(24).toString('base64url')}` : null;
  const row = {
    id: newId('end', now.getTime()),
    kind: input.kind,
    name: input.name,
    url: url.toString(),
    secret,
    created_at: now.toISOString(),
    archived_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await store.insertEndpoint(trx, row);
    await recordAudit(ctx, trx, {
      entity: 'outbound_endpoint',
      entityId: row.id,
      action: 'create',
      changes: { kind: [null, row.kind], name: [null, row.name] },
    });
  });
  return { ...endpointView(row), secret };
}

export async function removeEndpoint(ctx: Ctx, id: string): Promise<void> {
  ctx.can('write', 'outbound');
  await ctx.db.transaction().execute(async (trx) => {
    const ep = await store.endpointById(trx, id);
    if (!ep || ep.archived_at) throw notFound('endpoint', id);
    await store.archiveEndpoint(trx, id, ctx.now().toISOString());
    await recordAudit(ctx, trx, { entity: 'outbound_endpoint', entityId: id, action: 'archive' });
  });
}

/**
 * A template filled in for one account, before anything is sent: the subject and body as the
 * recipient would read them, and the variables that had no value (shown blank).
 */
export async function previewTemplate(
  ctx: Ctx,
  input: { accountId: string; subject?: string; body: string },
): Promise<{ subject: string | null; body: string; missing: string[]; unknown: string[] }> {
  ctx.can('read', 'account');
  const account = await ctx.db
    .selectFrom('accounts')
    .select('id')
    .where('id', '=', input.accountId)
    .executeTakeFirst();
  if (!account) throw invalid('accountId', `no account ${input.accountId}`);
  const values = await accountValues(ctx.db, input.accountId);
  const subject = input.subject === undefined ? null : render(input.subject, values);
  const body = render(input.body, values);
  const used = [...variablesOf(input.subject ?? ''), ...variablesOf(input.body)];
  const unknown = [
    ...new Set(
      used.filter(
        (v) => !(v.split('.')[0]! in values) || !(v.split('.')[1]! in values[v.split('.')[0]!]!),
      ),
    ),
  ];
  return {
    subject: subject?.text ?? null,
    body: body.text,
    missing: [...new Set([...(subject?.missing ?? []), ...body.missing])].filter(
      (v) => !unknown.includes(v),
    ),
    unknown,
  };
}
