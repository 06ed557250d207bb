import type { PassEnv } from './engine.js';
import { columnOf, read, type ConvertedRow } from './rows.js';
import * as store from './support-store.js';

/** How ticket and survey rows name the person: a contact of the row's account. */
export interface ContactRef {
  contactId?: string;
  contactEmail?: string;
  /** An email, a contact's external id, or a name unique on the account. */
  contact?: string;
}

export function contactRef(r: ConvertedRow): ContactRef {
  return {
    contactId: read.str(r, 'contactId'),
    contactEmail: read.str(r, 'contactEmail'),
    contact: read.str(r, 'contact'),
  };
}

const named = (ref: ContactRef) => Boolean(ref.contactId || ref.contactEmail || ref.contact);

export type ContactResult =
  | { ok: true; contact: { id: string; name: string } | null; unmatched: boolean }
  | { ok: false; column: string; value: string; reason: string };

export interface ContactResolver {
  resolve(accountId: string, ref: ContactRef): ContactResult;
}

/**
 * Look up every contact a batch names, in one query. A Tenure contact id must name a
 * contact of the row's account; an email, external id or name that matches no contact of
 * the account leaves the row without one (`unmatched`): requesters are often people the
 * CRM does not list.
 */
export async function resolveContacts(
  env: PassEnv,
  rows: readonly { accountId: string; ref: ContactRef }[],
): Promise<ContactResolver> {
  const keys: store.ContactKeys = { ids: [], accountIds: [], emails: [], texts: [] };
  for (const { accountId, ref } of rows) {
    if (!named(ref)) continue;
    if (ref.contactId) keys.ids.push(ref.contactId);
    keys.accountIds.push(accountId);
    if (ref.contactEmail) keys.emails.push(ref.contactEmail);
    if (ref.contact) {
      keys.texts.push(ref.contact);
      if (ref.contact.includes('@')) keys.emails.push(ref.contact.toLowerCase());
    }
  }
  const found = await store.findContactsOn(env.db, keys);
  const byId = new Map(found.map((c) => [c.id, c]));
  const on = (accountId: string, match: (c: (typeof found)[number]) => boolean) =>
    found.filter((c) => c.account_id === accountId && match(c));
  const col = (k: string) => columnOf(env.analysis, k);
  return {
    resolve(accountId, ref) {
      if (ref.contactId) {
        const c = byId.get(ref.contactId);
        if (!c || c.account_id !== accountId)
          return {
            ok: false,
            column: col('contactId'),
            value: ref.contactId,
            reason: c
              ? `contact ${c.id} belongs to account ${c.account_id}, not to this row's account`
              : 'no contact has this Tenure ID',
          };
        return { ok: true, contact: c, unmatched: false };
      }
      const email =
        ref.contactEmail ?? (ref.contact?.includes('@') ? ref.contact.toLowerCase() : '');
      let matches = email ? on(accountId, (c) => c.email === email) : [];
      if (!matches.length && ref.contact) {
        const text = ref.contact;
        matches = on(accountId, (c) => c.external_id === text);
        if (!matches.length) matches = on(accountId, (c) => c.name === text);
      }
      if (matches.length === 1) return { ok: true, contact: matches[0]!, unmatched: false };
      return { ok: true, contact: null, unmatched: named(ref) };
    },
  };
}
