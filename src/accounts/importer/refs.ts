import type { AccountRow } from '../../db/schema.js';
import type { PassEnv } from './engine.js';
import { columnOf, read, type ConvertedRow } from './rows.js';
import * as store from './store.js';

/** How contact and subscription rows name their account. */
export interface AccountRef {
  accountId?: string;
  accountCrmId?: string;
  accountBillingId?: string;
  accountName?: string;
}

export function accountRef(r: ConvertedRow): AccountRef {
  return {
    accountId: read.str(r, 'accountId'),
    accountCrmId: read.str(r, 'accountCrmId'),
    accountBillingId: read.str(r, 'accountBillingId'),
    accountName: read.str(r, 'accountName'),
  };
}

const hasIdRef = (r: AccountRef) => Boolean(r.accountId || r.accountCrmId || r.accountBillingId);

export type RefResult =
  | { ok: true; account: AccountRow | null }
  | { ok: false; column: string; value: string; reason: string };

export interface RefResolver {
  resolve(ref: AccountRef): RefResult;
  byId(id: string): AccountRow | undefined;
}

/**
 * Look up every account a batch refers to in one query. A row's reference resolves by
 * Tenure id, then CRM id, then billing id; an export's Tenure id that this database does
 * not know falls through to the external ids, which is what makes re-imports portable.
 * Without any id, a unique account name will do.
 */
export async function resolveAccounts(
  env: PassEnv,
  refs: AccountRef[],
  extraIds: string[] = [],
): Promise<RefResolver> {
  const keys: store.AccountKeys = {
    ids: [...extraIds],
    crmIds: [],
    billingIds: [],
    domains: [],
    names: [],
  };
  for (const r of refs) {
    if (r.accountId) keys.ids.push(r.accountId);
    if (r.accountCrmId) keys.crmIds.push(r.accountCrmId);
    if (r.accountBillingId) keys.billingIds.push(r.accountBillingId);
    if (!hasIdRef(r) && r.accountName) keys.names.push(r.accountName);
  }
  const rows = await store.findAccounts(env.db, env.ctx.dialect, keys, false);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const byCrm = new Map(rows.filter((r) => r.crm_id).map((r) => [r.crm_id!, r]));
  const byBilling = new Map(rows.filter((r) => r.billing_id).map((r) => [r.billing_id!, r]));
  const byName = new Map<string, AccountRow[]>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const col = (k: string) => columnOf(env.analysis, k);
  return {
    byId: (id) => byId.get(id),
    resolve(ref) {
      const found =
        (ref.accountId ? byId.get(ref.accountId) : undefined) ??
        (ref.accountCrmId ? byCrm.get(ref.accountCrmId) : undefined) ??
        (ref.accountBillingId ? byBilling.get(ref.accountBillingId) : undefined);
      if (found) {
        // Two references that name different accounts are a mistake in the file.
        const crm = ref.accountCrmId ? byCrm.get(ref.accountCrmId) : undefined;
        const billing = ref.accountBillingId ? byBilling.get(ref.accountBillingId) : undefined;
        if (crm && crm.id !== found.id)
          return {
            ok: false,
            column: col('accountCrmId'),
            value: ref.accountCrmId!,
            reason: `names account ${crm.id}, but another column names ${found.id}`,
          };
        if (billing && billing.id !== found.id)
          return {
            ok: false,
            column: col('accountBillingId'),
            value: ref.accountBillingId!,
            reason: `names account ${billing.id}, but another column names ${found.id}`,
          };
        return { ok: true, account: found };
      }
      if (!hasIdRef(ref)) {
        if (!ref.accountName) return { ok: true, account: null };
        const named = byName.get(ref.accountName) ?? [];
        if (named.length === 1) return { ok: true, account: named[0]! };
        return {
          ok: false,
          column: col('accountName'),
          value: ref.accountName,
          reason: named.length
            ? `${named.length} accounts have this name; add an account CRM ID column`
            : 'no account has this name',
        };
      }
      const [key, value, what] = ref.accountCrmId
        ? ['accountCrmId', ref.accountCrmId, 'CRM ID']
        : ref.accountBillingId
          ? ['accountBillingId', ref.accountBillingId, 'billing ID']
          : ['accountId', ref.accountId!, 'Tenure ID'];
      return { ok: false, column: col(key), value, reason: `no account has this ${what}` };
    },
  };
}

/** Per-account tallies for the one `imported` timeline entry each touched account gets. */
export class Touched {
  private readonly map = new Map<string, { created: number; updated: number }>();
  add(accountId: string, action: 'created' | 'updated'): void {
    const t = this.map.get(accountId) ?? { created: 0, updated: 0 };
    t[action]++;
    this.map.set(accountId, t);
  }
  entries(): [string, { created: number; updated: number }][] {
    return [...this.map.entries()];
  }
}
