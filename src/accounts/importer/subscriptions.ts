import { toIsoDate } from '../../core/clock.js';
import type { AccountRow, SubscriptionRow } from '../../db/schema.js';
import { applyRevenueChange } from '../subscription/service.js';
import { contribution } from '../subscription/model.js';
import { rowClaimer, timelineEntries, type HandlerFactory, type PassEnv } from './engine.js';
import { isTenureId } from './fields.js';
import { resolveAccounts, Touched } from './refs.js';
import { columnOf } from './rows.js';
import { externalIdClaims, KeySet } from './keyset.js';
import * as store from './store.js';
import {
  checkSubscription,
  effectiveDate,
  mergeSubscription,
  mrrOf,
  newSubscriptionRow,
  subscriptionInput,
  type SubscriptionInput,
} from './subscription-model.js';

/**
 * Subscriptions match by Tenure id, then external id. Every change goes through
 * applyRevenueChange, so movements, account MRR, renewal dates and churn stage moves are
 * exactly what the API would record. A dry run tracks each account's MRR and currency as
 * the file changes them, so it refuses what the apply would.
 */
export const subscriptionsHandler: HandlerFactory = async (env: PassEnv) => {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const claims = new KeySet();
  const touched = new Touched();
  const accounts = new Map<string, { mrr: number; currency: string }>();
  const at = env.now.toISOString();
  const today = toIsoDate(env.now);
  const source = `import:${env.importId}`;
  const col = (k: string) => columnOf(env.analysis, k);
  const txCtx = { ...env.ctx, db: env.db };
  let rounded = 0;
  const state = (a: AccountRow) => {
    let s = accounts.get(a.id);
    if (!s) accounts.set(a.id, (s = { mrr: Number(a.mrr_minor), currency: a.currency }));
    return s;
  };
  const claim = rowClaimer(env, claims, 'subscription');
  const entry = timelineEntries(env);
  const refColumn = (i: SubscriptionInput) =>
    col(
      i.accountCrmId
        ? 'accountCrmId'
        : i.accountBillingId
          ? 'accountBillingId'
          : i.accountId
            ? 'accountId'
            : 'accountCrmId',
    );

  return {
    counts,
    async batch(rows) {
      const inputs = rows.map(subscriptionInput);
      const found = await store.findSubscriptions(
        env.db,
        env.ctx.dialect,
        {
          ids: inputs.flatMap((i) => (i.id ? [i.id] : [])),
          externalIds: inputs.flatMap((i) => (i.externalId ? [i.externalId] : [])),
        },
        env.mode === 'apply',
      );
      const byId = new Map(found.map((s) => [s.id, s]));
      const byExt = new Map(found.filter((s) => s.external_id).map((s) => [s.external_id!, s]));
      const refs = await resolveAccounts(
        env,
        inputs,
        found.map((s) => s.account_id),
      );

      for (const i of inputs) {
        const line = i.line;
        const problem = (p: { field: string; value: string; reason: string }) =>
          env.issue({ line, column: col(p.field), value: p.value, reason: p.reason });
        const ref = refs.resolve(i);
        if (!ref.ok) {
          env.issue({ line, column: ref.column, value: ref.value, reason: ref.reason });
          continue;
        }
        const idRow = i.id ? byId.get(i.id) : undefined;
        if (i.id && !idRow && !isTenureId('subscriptions', i.id)) {
          problem({
            field: 'id',
            value: i.id,
            reason:
              'no subscription has this Tenure ID (they look like sub_…; map other ids to externalId)',
          });
          continue;
        }
        const extRow = i.externalId ? byExt.get(i.externalId) : undefined;
        const before = idRow ?? extRow;
        if (extRow && before && extRow.id !== before.id) {
          problem({
            field: 'externalId',
            value: i.externalId!,
            reason: `subscription ${extRow.id} already has this external ID`,
          });
          continue;
        }
        if (before && ref.account && before.account_id !== ref.account.id) {
          env.issue({
            line,
            column: refColumn(i),
            value: i.accountCrmId ?? i.accountBillingId ?? i.accountId ?? '',
            reason: `the subscription belongs to account ${before.account_id}; subscriptions cannot move between accounts`,
          });
          continue;
        }
        const account = before ? refs.byId(before.account_id) : ref.account;
        if (!account) {
          env.issue({
            line,
            column: refColumn(i),
            value: '',
            reason:
              'a new subscription needs its account (map an account CRM ID, billing ID or Tenure ID column)',
          });
          continue;
        }
        const sim = state(account);
        const currency = i.currency ?? before?.currency ?? sim.currency;
        if (before && i.currency && i.currency !== before.currency) {
          problem({
            field: 'currency',
            value: i.currency,
            reason: `the subscription bills in ${before.currency}; its currency cannot change`,
          });
          continue;
        }
        const bad = checkSubscription(i);
        if (bad) {
          problem(bad);
          continue;
        }
        const money = mrrOf(i, currency);
        if (!money.ok) {
          problem(money);
          continue;
        }
        let after: SubscriptionRow;
        if (!before) {
          const missing = !i.plan
            ? 'plan'
            : !i.startDate
              ? 'startDate'
              : money.mrr === undefined
                ? 'mrr'
                : null;
          if (missing) {
            problem({
              field: missing,
              value: '',
              reason: `a new subscription needs ${missing === 'mrr' ? 'MRR (or ARR)' : missing}`,
            });
            continue;
          }
          if (sim.mrr !== 0 && currency !== sim.currency) {
            problem({
              field: 'currency',
              value: currency,
              reason: `account ${account.id} bills in ${sim.currency}`,
            });
            continue;
          }
          after = newSubscriptionRow(
            i,
            i.id ?? env.newId('sub'),
            account.id,
            currency,
            money.mrr!,
            at,
          );
        } else {
          const merged = mergeSubscription(before, i, money.mrr, at, today);
          if (!merged.changed.length) {
            counts.unchanged++;
            continue;
          }
          after = merged.row;
        }
        if (after.end_date && after.end_date < after.start_date) {
          problem({
            field: 'endDate',
            value: after.end_date,
            reason: `is before the start date ${after.start_date}`,
          });
          continue;
        }
        const keys = externalIdClaims(after.id, i, before?.external_id);
        if (!claim(i, keys)) continue;
        if (money.rounded) rounded++;
        const delta = contribution(after) - contribution(before);
        if (sim.mrr === 0 && delta !== 0) sim.currency = after.currency;
        sim.mrr += delta;
        touched.add(account.id, before ? 'updated' : 'created');
        if (before) counts.updated++;
        else counts.created++;
        if (!env.writing()) continue;
        if (before) await store.updateSubscriptionRow(env.db, after);
        else await store.bulkWrite(env.db, env.ctx.dialect, 'subscriptions', [after]);
        // Re-read: earlier rows of this file may have moved the account's MRR.
        const current = (await store.getAccountRow(env.db, account.id))!;
        const effective = before ? effectiveDate(after, today) : after.start_date;
        await applyRevenueChange(txCtx, env.db, current, before ?? null, after, effective, source);
      }
    },
    async finish() {
      if (rounded)
        env.analysis.warnings.push(
          `${rounded} ARR values were not divisible by 12; their MRR was rounded to the nearest cent`,
        );
      if (!env.writing()) return;
      const name = env.analysis.fileName ?? 'a CSV file';
      await store.bulkWrite(
        env.db,
        env.ctx.dialect,
        'timeline_entries',
        touched
          .entries()
          .map(([accountId, t]) =>
            entry(
              accountId,
              'imported',
              `Subscriptions imported from ${name}: ${t.created} added, ${t.updated} updated`,
              { importId: env.importId, ...t },
            ),
          ),
      );
    },
  };
};
