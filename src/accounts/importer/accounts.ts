import { toIsoDate } from '../../core/clock.js';
import { actorLabel } from '../../core/context.js';
import type { AccountRow, TimelineRow } from '../../db/schema.js';
import { accountInput, mergeAccount, newAccountRow, type AccountInput } from './account-model.js';
import { rowClaimer, timelineEntries, type HandlerFactory, type PassEnv } from './engine.js';
import { isTenureId } from './fields.js';
import { columnOf } from './rows.js';
import { KeySet, NS, type Claim } from './keyset.js';
import { ParentLinks } from './parents.js';
import * as store from './store.js';

/**
 * Accounts are imported set-based: per batch of 500 rows one SELECT finds every account a
 * row could match, then multi-row INSERTs and one upsert write the batch. Matching is by
 * Tenure id, then CRM id, then billing id; rows with none of them match by domain, or by
 * name when they have no domain either, so a plain list of names re-imports without
 * duplicating anything.
 */

interface StageRow {
  id: string;
  account_id: string;
  from_stage: string | null;
  to_stage: string;
  changed_at: string;
  actor: string;
  reason: string | null;
}

function indexBy(
  rows: AccountRow[],
  key: (r: AccountRow) => string | null,
): Map<string, AccountRow> {
  const m = new Map<string, AccountRow>();
  for (const r of rows) {
    const k = key(r);
    if (k !== null) m.set(k, r);
  }
  return m;
}

const hasKey = (i: AccountInput) => Boolean(i.id || i.crmId || i.billingId);

/** What a row without ids is matched by: its domain, else its name. */
function fallbackOf(i: AccountInput): { field: 'domain' | 'name'; value: string } | null {
  if (hasKey(i)) return null;
  if (i.domain) return { field: 'domain', value: i.domain };
  return i.name ? { field: 'name', value: i.name } : null;
}

export const accountsHandler: HandlerFactory = async (env: PassEnv) => {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  // Every key a row used (and every account it touched), so a key twice in a file is an error.
  const claims = new KeySet();
  const at = env.now.toISOString();
  const today = toIsoDate(env.now);
  const actor = actorLabel(env.ctx.actor);
  const col = (k: string) => columnOf(env.analysis, k);
  const source = env.analysis.fileName ?? 'a CSV file';
  const bookWasEmpty = !(await store.anyAccount(env.db));
  const hasParentColumn = env.analysis.columns.some(
    (c) => c.target.kind === 'field' && ['parentId', 'parentCrmId'].includes(c.target.field.key),
  );
  const parents = new ParentLinks(hasParentColumn, claims, col);

  const entry = timelineEntries(env);

  // A clash on the account itself names the account; on a key, the key's column.
  const claim = rowClaimer(env, claims, 'account', (clash, column) =>
    clash.ns === NS.record ? 'account' : column,
  );

  // Identical for every created account, so the row writer binds it once per batch.
  const createdData = JSON.stringify({ importId: env.importId, action: 'created' });
  const createdTitle = `Created by import of ${source}`;
  const createdEntry = (accountId: string): TimelineRow => ({
    ...entry(accountId, 'imported', createdTitle, {}),
    data: createdData,
  });

  const updatedEntry = (accountId: string, fields: string[], line: number): TimelineRow =>
    entry(accountId, 'imported', `Updated by import of ${source}: ${fields.join(', ')}`, {
      importId: env.importId,
      action: 'updated',
      fields,
      line,
    });

  return {
    counts,
    // Parents are linked once every row is known (and, in an apply, written).
    async finish() {
      const outcomes = await parents.resolve(env);
      const links: { id: string; parentId: string }[] = [];
      const entries: TimelineRow[] = [];
      const write = env.writing();
      for (const { record: p, parentNode } of outcomes) {
        const fields = p.changed ? [...p.changed] : null;
        if (parentNode !== null && fields) {
          fields.push('parentId');
          if (fields.length === 1) {
            counts.unchanged--;
            counts.updated++;
          }
        }
        if (!write) continue;
        if (parentNode !== null)
          links.push({ id: p.accountId, parentId: parents.accountIdOf(parentNode) });
        if (fields?.length) entries.push(updatedEntry(p.accountId, fields, p.line));
      }
      if (!write) return;
      await store.setParents(env.db, links, at);
      await store.bulkWrite(env.db, env.ctx.dialect, 'timeline_entries', entries);
    },
    async batch(rows) {
      const inputs = rows.map(accountInput);
      const keys: store.AccountKeys = {
        ids: [],
        crmIds: [],
        billingIds: [],
        domains: [],
        names: [],
      };
      for (const i of inputs) {
        if (i.id) keys.ids.push(i.id);
        if (i.crmId) keys.crmIds.push(i.crmId);
        if (i.billingId) keys.billingIds.push(i.billingId);
        const fb = fallbackOf(i);
        if (fb) (fb.field === 'domain' ? keys.domains : keys.names).push(fb.value);
      }
      // Rows created by this import are never looked up (the key set already refuses a key
      // used twice), so a first import into an empty book needs no lookups at all.
      const found = bookWasEmpty
        ? []
        : await store.findAccounts(env.db, env.ctx.dialect, keys, env.mode === 'apply');
      const byId = indexBy(found, (r) => r.id);
      const byCrm = indexBy(found, (r) => r.crm_id);
      const byBilling = indexBy(found, (r) => r.billing_id);
      const byFallback = new Map<string, AccountRow[]>();
      const addTo = (k: string, r: AccountRow) =>
        byFallback.set(k, [...(byFallback.get(k) ?? []), r]);
      for (const r of found) {
        if (r.domain) addTo(`domain:${r.domain}`, r);
        addTo(`name:${r.name}`, r);
      }

      const write = env.mode === 'apply';
      const inserts: AccountRow[] = [];
      const updates: AccountRow[] = [];
      const stages: StageRow[] = [];
      const entries: TimelineRow[] = [];

      for (const input of inputs) {
        const line = input.line;
        const idRow = input.id ? byId.get(input.id) : undefined;
        if (input.id && !idRow && !isTenureId('account', input.id)) {
          env.issue({
            line,
            column: col('id'),
            value: input.id,
            reason:
              'no account has this Tenure ID (Tenure IDs look like acc_…; map ids from other systems to crmId or billingId)',
          });
          continue;
        }
        const crmRow = input.crmId ? byCrm.get(input.crmId) : undefined;
        const billingRow = input.billingId ? byBilling.get(input.billingId) : undefined;
        // An export's Tenure id this database does not know falls through to the external ids.
        let target: AccountRow | undefined = idRow ?? crmRow ?? billingRow;
        const fallback = fallbackOf(input);
        if (fallback) {
          const same = byFallback.get(`${fallback.field}:${fallback.value}`) ?? [];
          if (same.length > 1) {
            env.issue({
              line,
              column: col(fallback.field),
              value: fallback.value,
              reason: `${same.length} accounts have this ${fallback.field}; add a CRM ID or Tenure ID column to tell them apart`,
            });
            continue;
          }
          target = same[0];
        } else {
          // A row without ids is matched by its domain or name; a row with ids may not share
          // one with an earlier such row, or the next import could not tell them apart.
          // (The reverse order is not checked: it would cost memory on million-row files.)
          const clash = (ns: number, field: 'domain' | 'name', v: string | undefined) => {
            const at = v ? claims.get(ns, v) : null;
            return at === null ? null : { field, value: v!, line: at };
          };
          const c = clash(NS.domain, 'domain', input.domain) ?? clash(NS.name, 'name', input.name);
          if (c) {
            env.issue({
              line,
              column: col(c.field),
              value: c.value,
              reason: `line ${c.line} has this ${c.field} and no id; give that row its CRM ID or Tenure ID`,
            });
            continue;
          }
        }
        const other = (r: AccountRow | undefined) => r !== undefined && r.id !== target?.id;
        if (other(crmRow)) {
          env.issue({
            line,
            column: col('crmId'),
            value: input.crmId!,
            reason: `account ${crmRow!.id} (${crmRow!.name}) already has this CRM ID`,
          });
          continue;
        }
        if (other(billingRow)) {
          env.issue({
            line,
            column: col('billingId'),
            value: input.billingId!,
            reason: `account ${billingRow!.id} (${billingRow!.name}) already has this billing ID`,
          });
          continue;
        }
        if (!target && !input.name) {
          env.issue({ line, column: col('name'), value: '', reason: 'a new account needs a name' });
          continue;
        }
        const accountId = target?.id ?? input.id ?? env.newId('acc');
        const claimKeys: Claim[] = [];
        if (target || input.id) {
          const by = input.id
            ? 'id'
            : crmRow
              ? 'crmId'
              : billingRow
                ? 'billingId'
                : (fallback?.field ?? 'name');
          const value =
            input.id ??
            (by === 'crmId' ? input.crmId : by === 'billingId' ? input.billingId : fallback?.value);
          claimKeys.push({ ns: NS.record, key: accountId, field: by, value: value ?? accountId });
        }
        if (input.crmId)
          claimKeys.push({ ns: NS.crm, key: input.crmId, field: 'crmId', value: input.crmId });
        if (input.billingId)
          claimKeys.push({
            ns: NS.billing,
            key: input.billingId,
            field: 'billingId',
            value: input.billingId,
          });
        // Keys an update releases count as used too, so the dry run and the apply agree.
        if (target?.crm_id && target.crm_id !== input.crmId)
          claimKeys.push({ ns: NS.crm, key: target.crm_id, field: 'crmId', value: target.crm_id });
        if (target?.billing_id && target.billing_id !== input.billingId)
          claimKeys.push({
            ns: NS.billing,
            key: target.billing_id,
            field: 'billingId',
            value: target.billing_id,
          });
        if (fallback)
          claimKeys.push({
            ns: fallback.field === 'domain' ? NS.domain : NS.name,
            key: fallback.value,
            field: fallback.field,
            value: fallback.value,
          });
        if (!claim(input, claimKeys)) continue;
        parents.crmChange(target, input);
        const parentRef = parents.wants(input);
        const pending = {
          line,
          accountId,
          dbId: target?.id ?? null,
          currentParent: target?.parent_id ?? null,
          refId: input.parentId,
          refCrm: input.parentCrmId,
        };

        if (!target) {
          counts.created++;
          if (parentRef) parents.add({ ...pending, changed: null });
          if (!write) continue;
          const row = newAccountRow(input, accountId, at, today);
          inserts.push(row);
          stages.push({
            id: env.newId('stg'),
            account_id: accountId,
            from_stage: null,
            to_stage: row.stage,
            changed_at: at,
            actor,
            reason: 'created by import',
          });
          entries.push(createdEntry(accountId));
          continue;
        }
        const merged = mergeAccount(target, input, at, today);
        if (!merged.ok) {
          env.issue({
            line,
            column: col(merged.field === 'owner' ? 'owner' : merged.field),
            value: merged.value,
            reason: merged.reason,
          });
          continue;
        }
        // A row naming a parent gets its timeline entry once the parent is known.
        if (parentRef) parents.add({ ...pending, changed: merged.changed });
        if (merged.changed.length === 0) {
          counts.unchanged++;
          continue;
        }
        counts.updated++;
        if (!write) continue;
        updates.push(merged.row);
        if (merged.stageFrom) {
          stages.push({
            id: env.newId('stg'),
            account_id: accountId,
            from_stage: merged.stageFrom,
            to_stage: merged.row.stage,
            changed_at: at,
            actor,
            reason: 'import',
          });
          entries.push(
            entry(
              accountId,
              'stage_changed',
              `Stage changed from ${merged.stageFrom} to ${merged.row.stage}`,
              {
                from: merged.stageFrom,
                to: merged.row.stage,
                reason: 'import',
                importId: env.importId,
              },
            ),
          );
        }
        if (merged.ownerFrom !== undefined) {
          entries.push(
            entry(accountId, 'owner_changed', 'Owner changed', {
              from: merged.ownerFrom,
              to: merged.row.owner_id,
              importId: env.importId,
            }),
          );
        }
        if (!parentRef) entries.push(updatedEntry(accountId, merged.changed, line));
      }

      if (!env.writing()) return;
      const { db } = env;
      const dialect = env.ctx.dialect;
      await store.bulkWrite(db, dialect, 'accounts', inserts);
      await store.bulkWrite(db, dialect, 'accounts', updates, store.ACCOUNT_UPDATE_COLUMNS);
      await store.bulkWrite(db, dialect, 'account_stage_history', stages);
      await store.bulkWrite(db, dialect, 'timeline_entries', entries);
    },
  };
};
