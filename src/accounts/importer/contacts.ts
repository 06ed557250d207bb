import type { ContactRow, TimelineRow } from '../../db/schema.js';
import { contactLeftEvent, rolesOf } from '../contact/model.js';
import { checkContact, contactInput, mergeContact, newContactRow } from './contact-model.js';
import { rowClaimer, timelineEntries, type HandlerFactory, type PassEnv } from './engine.js';
import { isTenureId } from './fields.js';
import { resolveAccounts, Touched } from './refs.js';
import { columnOf } from './rows.js';
import { KeySet, NS, type Claim } from './keyset.js';
import * as store from './store.js';

/**
 * Contacts match by Tenure id, then external id, then (account, email); they write the
 * same timeline entries as createContact and markContactLeft, batched.
 */
export const contactsHandler: HandlerFactory = async (env: PassEnv) => {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const claims = new KeySet();
  const touched = new Touched();
  const at = env.now.toISOString();
  const col = (k: string) => columnOf(env.analysis, k);
  const entry = timelineEntries(env);
  const leftEntry = (row: ContactRow) => {
    const e = contactLeftEvent(row);
    return entry(
      row.account_id,
      'contact_left',
      e.title,
      { ...e.data, importId: env.importId },
      {
        contactId: row.id,
        occurredAt: `${row.left_on}T00:00:00.000Z`,
        body: row.left_reason,
      },
    );
  };
  const claim = rowClaimer(env, claims, 'contact');

  return {
    counts,
    async batch(rows) {
      const inputs = rows.map(contactInput);
      const refs = await resolveAccounts(env, inputs);
      const resolved = inputs.map((i) => refs.resolve(i));
      const accountEmails: { accountId: string; email: string }[] = [];
      inputs.forEach((i, n) => {
        const r = resolved[n]!;
        if (r.ok && r.account && i.email)
          accountEmails.push({ accountId: r.account.id, email: i.email });
      });
      const found = await store.findContacts(
        env.db,
        env.ctx.dialect,
        {
          ids: inputs.flatMap((i) => (i.id ? [i.id] : [])),
          externalIds: inputs.flatMap((i) => (i.externalId ? [i.externalId] : [])),
          accountEmails,
        },
        env.mode === 'apply',
      );
      const byId = new Map(found.map((c) => [c.id, c]));
      const byExt = new Map(found.filter((c) => c.external_id).map((c) => [c.external_id!, c]));
      const byEmail = new Map(
        found.filter((c) => c.email).map((c) => [`${c.account_id}|${c.email}`, c]),
      );
      const inserts: ContactRow[] = [];
      const updates: ContactRow[] = [];
      const entries: TimelineRow[] = [];

      inputs.forEach((i, n) => {
        const line = i.line;
        const ref = resolved[n]!;
        if (!ref.ok)
          return env.issue({ line, column: ref.column, value: ref.value, reason: ref.reason });
        const problem = checkContact(i);
        if (problem) return env.issue({ line, column: col(problem.field), ...problem });
        const idRow = i.id ? byId.get(i.id) : undefined;
        if (i.id && !idRow && !isTenureId('contacts', i.id)) {
          return env.issue({
            line,
            column: col('id'),
            value: i.id,
            reason:
              'no contact has this Tenure ID (they look like con_…; map other ids to externalId)',
          });
        }
        const extRow = i.externalId ? byExt.get(i.externalId) : undefined;
        const accountId = ref.account?.id;
        const emailRow = accountId && i.email ? byEmail.get(`${accountId}|${i.email}`) : undefined;
        const target = idRow ?? extRow ?? emailRow;
        const contactId = target?.id ?? i.id ?? env.newId('con');
        if (extRow && extRow.id !== contactId) {
          return env.issue({
            line,
            column: col('externalId'),
            value: i.externalId!,
            reason: `contact ${extRow.id} (${extRow.name}) already has this external ID`,
          });
        }
        if (emailRow && emailRow.id !== contactId) {
          return env.issue({
            line,
            column: col('email'),
            value: i.email!,
            reason: `contact ${emailRow.id} on this account already has this email`,
          });
        }
        if (target && accountId && target.account_id !== accountId) {
          return env.issue({
            line,
            column: col(
              i.accountCrmId
                ? 'accountCrmId'
                : i.accountBillingId
                  ? 'accountBillingId'
                  : 'accountId',
            ),
            value: i.accountCrmId ?? i.accountBillingId ?? i.accountId ?? '',
            reason: `the contact belongs to account ${target.account_id}; contacts cannot move between accounts`,
          });
        }
        const owner = target?.account_id ?? accountId;
        if (!owner)
          return env.issue({
            line,
            column: col('accountCrmId'),
            value: '',
            reason:
              'a new contact needs its account (map an account CRM ID, billing ID or Tenure ID column)',
          });
        if (!target && !i.name)
          return env.issue({
            line,
            column: col('name'),
            value: '',
            reason: 'a new contact needs a name',
          });
        const keys: Claim[] = [
          {
            ns: NS.record,
            key: contactId,
            field: i.id ? 'id' : i.externalId ? 'externalId' : 'email',
            value: i.id ?? i.externalId ?? i.email ?? contactId,
          },
        ];
        if (i.externalId)
          keys.push({
            ns: NS.external,
            key: i.externalId,
            field: 'externalId',
            value: i.externalId,
          });
        if (i.email)
          keys.push({ ns: NS.email, key: `${owner}|${i.email}`, field: 'email', value: i.email });
        if (target?.external_id && target.external_id !== i.externalId)
          keys.push({
            ns: NS.external,
            key: target.external_id,
            field: 'externalId',
            value: target.external_id,
          });
        if (target?.email && target.email !== i.email)
          keys.push({
            ns: NS.email,
            key: `${owner}|${target.email}`,
            field: 'email',
            value: target.email,
          });
        if (!claim(i, keys)) return;

        if (!target) {
          const row = newContactRow(i, contactId, owner, at);
          inserts.push(row);
          entries.push(
            entry(
              owner,
              'contact_added',
              `Contact added: ${row.name}${row.title ? `, ${row.title}` : ''}`,
              { roles: rolesOf(row), importId: env.importId },
              { contactId: row.id },
            ),
          );
          if (row.left_on) entries.push(leftEntry(row));
          touched.add(owner, 'created');
          counts.created++;
          return;
        }
        const merged = mergeContact(target, i, at);
        if (!merged.changed.length) {
          counts.unchanged++;
          return;
        }
        updates.push(merged.row);
        if (!target.left_on && merged.row.left_on) entries.push(leftEntry(merged.row));
        touched.add(owner, 'updated');
        counts.updated++;
      });

      if (!env.writing()) return;
      await store.bulkWrite(env.db, env.ctx.dialect, 'contacts', inserts);
      await store.bulkWrite(
        env.db,
        env.ctx.dialect,
        'contacts',
        updates,
        store.CONTACT_UPDATE_COLUMNS,
      );
      await store.bulkWrite(env.db, env.ctx.dialect, 'timeline_entries', entries);
    },
    async finish() {
      if (!env.writing()) return;
      const source = env.analysis.fileName ?? 'a CSV file';
      const entries = touched
        .entries()
        .map(([accountId, t]) =>
          entry(
            accountId,
            'imported',
            `Contacts imported from ${source}: ${t.created} added, ${t.updated} updated`,
            { importId: env.importId, ...t },
          ),
        );
      await store.bulkWrite(env.db, env.ctx.dialect, 'timeline_entries', entries);
    },
  };
};
