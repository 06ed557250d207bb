import { inTx } from '../../db/database.js';
import { newId } from '../../core/ids.js';
import { actorLabel, assertReadable, type Ctx } from '../../core/context.js';
import { AppError, notFound } from '../../core/errors.js';
import type { Executor } from '../../db/database.js';
import * as accountStore from '../account/store.js';
import * as store from './store.js';
import { recordAudit } from '../../audit/record.js';
import {
  toTimelineEntry,
  type ManualKind,
  type TimelineEntry,
  type TimelineKind,
} from './model.js';

export interface SystemEvent {
  kind: TimelineKind;
  title: string;
  body?: string | null;
  occurredAt?: string;
  contactId?: string | null;
  data?: Record<string, unknown>;
}

/** Write system events inside the caller's transaction; services call this, never routes. */
export async function record(
  ctx: Ctx,
  db: Executor,
  accountId: string,
  events: SystemEvent | SystemEvent[],
): Promise<void> {
  const list = Array.isArray(events) ? events : [events];
  const now = ctx.now();
  const at = now.toISOString();
  await store.insertEntries(
    db,
    list.map((e) => ({
      id: newId('tle', now.getTime()),
      account_id: accountId,
      kind: e.kind,
      occurred_at: e.occurredAt ?? at,
      title: e.title,
      body: e.body ?? null,
      contact_id: e.contactId ?? null,
      actor: actorLabel(ctx.actor),
      data: JSON.stringify(e.data ?? {}),
      created_at: at,
    })),
  );
}

export interface ActivityInput {
  kind: ManualKind;
  title: string;
  body?: string | null;
  occurredAt?: string;
  contactId?: string | null;
  data?: Record<string, unknown>;
}

/** A note, call, meeting or email logged by a person or an integration. */
export async function addActivity(
  ctx: Ctx,
  accountId: string,
  input: ActivityInput,
): Promise<TimelineEntry> {
  return inTx(ctx.db, async (trx) => {
    const account = await accountStore.getAccount(trx, accountId);
    if (!account) throw notFound('account', accountId);
    ctx.can('write', 'account', { ownerId: account.owner_id });
    if (input.contactId) {
      const c = await trx
        .selectFrom('contacts')
        .select('account_id')
        .where('id', '=', input.contactId)
        .executeTakeFirst();
      if (!c || c.account_id !== accountId) {
        throw new AppError('validation', 'contactId: no such contact on this account', {
          issues: [{ path: 'contactId', message: 'not a contact of this account' }],
        });
      }
    }
    const now = ctx.now();
    const row = {
      id: newId('tle', now.getTime()),
      account_id: accountId,
      kind: input.kind,
      occurred_at: input.occurredAt ? new Date(input.occurredAt).toISOString() : now.toISOString(),
      title: input.title,
      body: input.body ?? null,
      contact_id: input.contactId ?? null,
      actor: actorLabel(ctx.actor),
      data: JSON.stringify(input.data ?? {}),
      created_at: now.toISOString(),
    };
    await store.insertEntries(trx, [row]);
    await recordAudit(ctx, trx, {
      entity: 'timeline_entry',
      entityId: row.id,
      action: 'create',
      after: row,
    });
    return toTimelineEntry(row);
  });
}

export async function listTimeline(
  ctx: Ctx,
  accountId: string,
  opts: { limit: number; cursor?: string; kinds?: string[]; before?: string; after?: string },
) {
  assertReadable(ctx, 'account', 'account', accountId);
  const account = await accountStore.getAccount(ctx.db, accountId);
  if (!account) throw notFound('account', accountId);
  const page = await store.listEntries(ctx.db, accountId, opts);
  return { items: page.items.map(toTimelineEntry), nextCursor: page.nextCursor };
}
