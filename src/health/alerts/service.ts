import { actorLabel, assertReadable, type Ctx } from '../../core/context.js';
import { isIsoDate } from '../../core/clock.js';
import { AppError, invalid, notFound } from '../../core/errors.js';
import type { Page } from '../../core/pagination.js';
import { inTx } from '../../db/database.js';
import { recordAudit } from '../../audit/record.js';
import { getAccount } from '../../accounts/account/service.js';
import * as timeline from '../../accounts/timeline/service.js';
import { resolveUserRef } from '../../identity/service.js';
import {
  actionProblem,
  effectiveStatus,
  type AlertAction,
  type AlertKind,
  type AlertStatus,
  type Severity,
} from './kinds.js';
import * as store from './store.js';

export { evaluateAlerts, type AlertRun } from './evaluate.js';

/**
 * The alert inbox (C3): list and filter, and the three things a CSM does with an alert —
 * acknowledge it (someone is on it), snooze it until a moment (it comes back open), resolve
 * it (final; an optional note goes on the timeline). Each is audited and needs write access
 * to the alert's account.
 */

export interface Alert {
  id: string;
  accountId: string;
  accountName: string | null;
  ownerId: string | null;
  kind: AlertKind;
  severity: Severity;
  /** As a reader sees it: a snooze that has run out reads as open. */
  status: AlertStatus;
  title: string;
  reason: string;
  evidence: Record<string, unknown>;
  /** The day evaluated when the alert was raised. */
  day: string;
  causeKey: string;
  createdAt: string;
  updatedAt: string;
  snoozedUntil: string | null;
  resolvedAt: string | null;
  updatedBy: string | null;
}

export function toAlert(row: store.AlertListRow, nowIso: string): Alert {
  const status = effectiveStatus(row.status, row.snoozed_until, nowIso);
  return {
    id: row.id,
    accountId: row.account_id,
    accountName: row.account_name,
    ownerId: row.owner_id,
    kind: row.kind as AlertKind,
    severity: row.severity as Severity,
    status,
    title: row.title,
    reason: row.reason,
    evidence: JSON.parse(row.evidence) as Record<string, unknown>,
    day: row.day,
    causeKey: row.cause_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    snoozedUntil: status === 'snoozed' ? row.snoozed_until : null,
    resolvedAt: row.resolved_at,
    updatedBy: row.updated_by,
  };
}

export interface AlertListInput {
  /** Left out or 'all': every status. */
  status?: AlertStatus | 'all';
  kind?: AlertKind;
  severity?: Severity;
  /** 'me' (the signed-in user), 'none' (nobody's accounts), or a user id or email. */
  owner?: string;
  accountId?: string;
  sort?: store.AlertSort;
  limit: number;
  cursor?: string;
}

async function ownerOf(ctx: Ctx, owner: string | undefined): Promise<string | null | undefined> {
  if (owner === undefined) return undefined;
  if (owner === 'none') return null;
  if (owner === 'me') {
    if (ctx.actor.kind !== 'user')
      throw invalid('owner', 'only a signed-in user has accounts of their own; name the user');
    return ctx.actor.id;
  }
  return resolveUserRef(ctx, owner, 'owner');
}

/** The inbox: newest first unless asked otherwise. */
export async function listAlerts(ctx: Ctx, q: AlertListInput): Promise<Page<Alert>> {
  ctx.can('read', 'account');
  const nowIso = ctx.now().toISOString();
  const page = await store.listAlerts(
    ctx.db,
    ctx.dialect,
    {
      status: q.status === 'all' ? undefined : q.status,
      kind: q.kind,
      severity: q.severity,
      ownerId: await ownerOf(ctx, q.owner),
      accountId: q.accountId,
      nowIso,
    },
    q.sort ?? '-createdAt',
    q.limit,
    q.cursor,
  );
  return { items: page.items.map((r) => toAlert(r, nowIso)), nextCursor: page.nextCursor };
}

/** One account's alerts; not found when the account is unknown. */
export async function listAccountAlerts(
  ctx: Ctx,
  accountId: string,
  q: Omit<AlertListInput, 'accountId' | 'owner'>,
): Promise<Page<Alert>> {
  await getAccount(ctx, accountId);
  return listAlerts(ctx, { ...q, accountId });
}

export async function getAlert(ctx: Ctx, id: string): Promise<Alert> {
  assertReadable(ctx, 'account', 'alert', id);
  const row = await store.getAlert(ctx.db, id);
  if (!row) throw notFound('alert', id);
  return toAlert(row, ctx.now().toISOString());
}

type Patch = Parameters<typeof store.updateAlert>[3];

async function change(
  ctx: Ctx,
  id: string,
  action: AlertAction,
  patchOf: (nowIso: string) => Omit<Patch, 'updated_at' | 'updated_by'>,
  note?: string,
): Promise<Alert> {
  assertReadable(ctx, 'account', 'alert', id);
  return inTx(ctx.db, async (trx) => {
    const row = await store.getAlert(trx, id);
    if (!row) throw notFound('alert', id);
    ctx.can('write', 'account', { ownerId: row.owner_id });
    const nowIso = ctx.now().toISOString();
    const problem = actionProblem(action, effectiveStatus(row.status, row.snoozed_until, nowIso));
    if (problem) throw new AppError('conflict', `alert ${id}: ${problem}`);
    const patch: Patch = {
      ...patchOf(nowIso),
      updated_at: nowIso,
      updated_by: actorLabel(ctx.actor),
    };
    if (!(await store.updateAlert(trx, id, row.updated_at, patch)))
      throw new AppError('conflict', `alert ${id} changed meanwhile; read it again`);
    const after = { ...row, ...patch };
    const fields = (r: store.AlertRow) => ({
      status: r.status,
      snoozed_until: r.snoozed_until,
      resolved_at: r.resolved_at,
    });
    await recordAudit(ctx, trx, {
      entity: 'health_alert',
      entityId: id,
      action,
      before: fields(row),
      after: fields(after),
      changes: note ? { note: [null, note] } : undefined,
    });
    if (action === 'resolve')
      await timeline.record(ctx, trx, row.account_id, {
        kind: 'alert',
        title: `Alert resolved: ${row.title}`,
        body: note ?? null,
        data: { alertId: id, kind: row.kind, status: 'resolved' },
      });
    return toAlert(after, nowIso);
  });
}

/** Someone is on it: the alert leaves the open list (and counts as an intervention). */
export async function acknowledgeAlert(ctx: Ctx, id: string): Promise<Alert> {
  return change(ctx, id, 'acknowledge', () => ({ status: 'acknowledged', snoozed_until: null }));
}

/** The longest snooze, so an alert cannot be hidden for good. */
export const MAX_SNOOZE_DAYS = 366;

/** Hide the alert until a moment (a date means its start, UTC); then it is open again. */
export async function snoozeAlert(ctx: Ctx, id: string, until: string): Promise<Alert> {
  const at = isIsoDate(until) ? `${until}T00:00:00.000Z` : until;
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw invalid('until', 'expected a date YYYY-MM-DD or an ISO instant');
  const now = ctx.now().getTime();
  if (ms <= now) throw invalid('until', 'must be in the future');
  if (ms > now + MAX_SNOOZE_DAYS * 86_400_000)
    throw invalid('until', `at most ${MAX_SNOOZE_DAYS} days ahead`);
  const iso = new Date(ms).toISOString();
  return change(ctx, id, 'snooze', () => ({ status: 'snoozed', snoozed_until: iso }));
}

/** Close the alert for good; the same cause never raises it again. */
export async function resolveAlert(ctx: Ctx, id: string, note?: string): Promise<Alert> {
  const text = note?.trim() || undefined;
  return change(
    ctx,
    id,
    'resolve',
    (nowIso) => ({ status: 'resolved', snoozed_until: null, resolved_at: nowIso }),
    text,
  );
}
