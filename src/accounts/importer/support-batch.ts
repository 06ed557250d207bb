import type { Dialect, Executor } from '../../db/database.js';
import { resolveContacts, type ContactRef, type ContactResolver } from './contact-refs.js';
import type { PassEnv } from './engine.js';
import { resolveAccounts, type AccountRef, type RefResolver } from './refs.js';

interface KnownRow {
  id: string;
  external_id: string | null;
  account_id: string;
}

type Finder<R> = (
  db: Executor,
  dialect: Dialect,
  keys: { ids: string[]; externalIds: string[] },
  lock: boolean,
) => Promise<R[]>;

export interface SupportBatch<R> {
  byId: Map<string, R>;
  byExt: Map<string, R>;
  refs: RefResolver;
  /** Each row's account: a known record stays on its account; a new one goes where the row says. */
  owners: (string | undefined)[];
  people: ContactResolver;
}

/**
 * What tickets and survey responses both look up for a batch of rows: the records they
 * already match (by Tenure id, then external id), their accounts, and the people named.
 */
export async function lookupSupportBatch<
  R extends KnownRow,
  I extends AccountRef & ContactRef & { id?: string | null; externalId?: string | null },
>(env: PassEnv, inputs: I[], find: Finder<R>): Promise<SupportBatch<R>> {
  const found = await find(
    env.db,
    env.ctx.dialect,
    {
      ids: inputs.flatMap((i) => (i.id ? [i.id] : [])),
      externalIds: inputs.flatMap((i) => (i.externalId ? [i.externalId] : [])),
    },
    env.mode === 'apply',
  );
  const byId = new Map(found.map((r) => [r.id, r]));
  const byExt = new Map(found.filter((r) => r.external_id).map((r) => [r.external_id!, r]));
  const refs = await resolveAccounts(
    env,
    inputs,
    found.map((r) => r.account_id),
  );
  const owners = inputs.map((i) => {
    const known = (i.id && byId.get(i.id)) || (i.externalId && byExt.get(i.externalId));
    const ref = refs.resolve(i);
    return known ? known.account_id : ref.ok ? ref.account?.id : undefined;
  });
  const people = await resolveContacts(
    env,
    inputs.flatMap((i, n) => (owners[n] ? [{ accountId: owners[n], ref: i }] : [])),
  );
  return { byId, byExt, refs, owners, people };
}
