import type { z } from 'zod';
import { actorLabel, type Ctx } from '../../core/context.js';
import { addDays, toIsoDate, type IsoDate } from '../../core/clock.js';
import { invalid, isAppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { inTx } from '../../db/database.js';
import { recordAudit } from '../../audit/record.js';
import { getAccount } from '../../accounts/account/service.js';
import type { Account } from '../../accounts/account/model.js';
import { markDirty } from '../dirty.js';
import type { ManualMeasureId } from './model.js';
import { ManualMeasureCreate, type ManualMeasureInput, type ManualMeasureOut } from './schemas.js';
import * as store from './store.js';

/** Manual measures (C1): the CSM's read of an account, counted until its staleness date. */

/** How long an entry counts when no staleness date is given. */
export const DEFAULT_FRESH_DAYS = 90;

export type ManualMeasure = z.infer<typeof ManualMeasureOut>;

function toManualMeasure(row: store.ManualMeasureRow, today: IsoDate): ManualMeasure {
  return {
    id: row.id,
    accountId: row.account_id,
    measure: row.measure as ManualMeasureId,
    value: Number(row.value),
    note: row.note,
    recordedAt: row.recorded_at,
    recordedBy: row.recorded_by,
    staleAfter: row.stale_after,
    stale: row.stale_after < today,
  };
}

/** The account, or a validation error naming accountId (a body field, not the URL). */
async function accountFor(ctx: Ctx, id: string): Promise<Account> {
  try {
    return await getAccount(ctx, id);
  } catch (err) {
    if (isAppError(err) && err.code === 'not_found') throw invalid('accountId', `no account ${id}`);
    throw err;
  }
}

function parse(input: ManualMeasureInput): z.infer<typeof ManualMeasureCreate> {
  // Callers other than the HTTP API (CLI, jobs) get the same validation as a route would.
  const parsed = ManualMeasureCreate.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field =
    issue.code === 'unrecognized_keys'
      ? String(issue.keys[0])
      : issue.path.map(String).join('.') || 'measure';
  throw invalid(field, issue.message);
}

/**
 * Record a CSM's value for a manual measure: checked against the registry's range, counted
 * until `staleAfter` (default: 90 days from today), audited, and the account queued for
 * rescoring — all in one transaction.
 */
export async function recordManualMeasure(
  ctx: Ctx,
  input: ManualMeasureInput,
): Promise<ManualMeasure> {
  const v = parse(input);
  const now = ctx.now();
  const today = toIsoDate(now);
  const staleAfter = v.staleAfter ?? addDays(today, DEFAULT_FRESH_DAYS);
  if (staleAfter < today) throw invalid('staleAfter', `must not be before today (${today})`);
  return inTx(ctx.db, async (trx) => {
    const account = await accountFor({ ...ctx, db: trx }, v.accountId);
    ctx.can('write', 'account', { ownerId: account.ownerId });
    if (account.archivedAt) throw invalid('accountId', `account ${account.id} is archived`);
    const row: store.ManualMeasureRow = {
      id: newId('mms', now.getTime()),
      account_id: account.id,
      measure: v.measure,
      value: v.value,
      note: v.note ? v.note : null,
      recorded_at: now.toISOString(),
      recorded_by: actorLabel(ctx.actor),
      stale_after: staleAfter,
    };
    await store.insertManualMeasure(trx, row);
    await recordAudit(ctx, trx, {
      entity: 'health_manual_measure',
      entityId: row.id,
      action: 'create',
      after: { ...row },
    });
    await markDirty(trx, [account.id], now);
    return toManualMeasure(row, today);
  });
}

/** An account's manual entries, newest first, each marked stale once today is past it. */
export async function listManualMeasures(ctx: Ctx, accountId: string): Promise<ManualMeasure[]> {
  await getAccount(ctx, accountId);
  const today = toIsoDate(ctx.now());
  const rows = await store.listManualMeasures(ctx.db, accountId);
  return rows.map((r) => toManualMeasure(r, today));
}
