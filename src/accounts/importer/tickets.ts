import type { TicketRow, TimelineRow } from '../../db/schema.js';
import { checkTicket, ticketEvents } from '../../support/model.js';
import { rowClaimer, timelineEntries, type HandlerFactory, type PassEnv } from './engine.js';
import { isTenureId } from './fields.js';
import { externalIdClaims, KeySet } from './keyset.js';
import { Touched } from './refs.js';
import { lookupSupportBatch } from './support-batch.js';
import { columnOf } from './rows.js';
import * as store from './store.js';
import * as supportStore from './support-store.js';
import { checkTicketInput, mergeTicket, newTicketRow, ticketInput } from './ticket-model.js';

/**
 * Tickets match by Tenure id, then external id (the help desk's ticket id). They are
 * checked by the same rules as createTicket/updateTicket and write the same timeline
 * entries (opened, escalated, resolved), batched, plus one `imported` entry per account.
 */
export const ticketsHandler: HandlerFactory = async (env: PassEnv) => {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const claims = new KeySet();
  const touched = new Touched();
  const at = env.now.toISOString();
  const col = (k: string) => columnOf(env.analysis, k);
  const claim = rowClaimer(env, claims, 'ticket');
  const entry = timelineEntries(env);
  let unmatched = 0;
  let undated = 0;

  return {
    counts,
    async batch(rows) {
      const inputs = rows.map(ticketInput);
      const { byId, byExt, refs, owners, people } = await lookupSupportBatch(
        env,
        inputs,
        supportStore.findTickets,
      );
      const inserts: TicketRow[] = [];
      const updates: TicketRow[] = [];
      const entries: TimelineRow[] = [];

      inputs.forEach((i, n) => {
        const line = i.line;
        const problem = (p: { field: string; value: string; reason: string }) =>
          env.issue({ line, column: col(p.field), value: p.value, reason: p.reason });
        const ref = refs.resolve(i);
        if (!ref.ok)
          return env.issue({ line, column: ref.column, value: ref.value, reason: ref.reason });
        const own = checkTicketInput(i);
        if (own) return problem(own);
        const idRow = i.id ? byId.get(i.id) : undefined;
        if (i.id && !idRow && !isTenureId('tickets', i.id))
          return problem({
            field: 'id',
            value: i.id,
            reason:
              'no ticket has this Tenure ID (they look like tkt_…; map other ids to externalId)',
          });
        const extRow = i.externalId ? byExt.get(i.externalId) : undefined;
        const before = idRow ?? extRow ?? null;
        if (extRow && before && extRow.id !== before.id)
          return problem({
            field: 'externalId',
            value: i.externalId!,
            reason: `ticket ${extRow.id} already has this ticket ID`,
          });
        const refColumn = i.accountCrmId
          ? 'accountCrmId'
          : i.accountBillingId
            ? 'accountBillingId'
            : i.accountId
              ? 'accountId'
              : i.accountName
                ? 'accountName'
                : 'accountCrmId';
        if (before && ref.account && before.account_id !== ref.account.id)
          return problem({
            field: refColumn,
            value: i.accountCrmId ?? i.accountBillingId ?? i.accountId ?? i.accountName ?? '',
            reason: `the ticket belongs to account ${before.account_id}; tickets cannot move between accounts`,
          });
        const accountId = owners[n];
        if (!accountId)
          return problem({
            field: refColumn,
            value: '',
            reason:
              'a new ticket needs its account (map an account CRM ID, billing ID, Tenure ID or name column)',
          });
        const person = people.resolve(accountId, i);
        if (!person.ok)
          return env.issue({
            line,
            column: person.column,
            value: person.value,
            reason: person.reason,
          });
        if (!before && !i.openedAt)
          return problem({
            field: 'openedAt',
            value: '',
            reason: 'a new ticket needs the time it was opened (a "Created at" column)',
          });
        if (!before && !i.subject && !i.externalId)
          return problem({ field: 'subject', value: '', reason: 'a new ticket needs a subject' });
        const ticketId = before?.id ?? i.id ?? env.newId('tkt');
        const contactId = person.contact?.id ?? null;
        const merged = before ? mergeTicket(before, i, contactId, at) : null;
        const after = merged ? merged.row : newTicketRow(i, ticketId, accountId, contactId, at);
        const bad = checkTicket(after);
        if (bad)
          return problem(
            bad.field === 'firstResponseAt' &&
              !i.firstResponseAt &&
              i.firstReplyMinutes !== undefined
              ? { ...bad, field: 'firstReplyMinutes', value: String(i.firstReplyMinutes) }
              : bad,
          );
        const keys = externalIdClaims(ticketId, i, before?.external_id);
        if (!claim(i, keys)) return;
        if (merged && !merged.changed.length) {
          counts.unchanged++;
          return;
        }

        if (person.unmatched) unmatched++;
        if (!before && after.status !== 'open' && after.status !== 'pending' && !after.resolved_at)
          undated++;
        (before ? updates : inserts).push(after);
        for (const e of ticketEvents(before, after))
          entries.push(entry(accountId, e.kind, e.title, { ...e.data, importId: env.importId }, e));
        touched.add(accountId, before ? 'updated' : 'created');
        if (before) counts.updated++;
        else counts.created++;
      });

      if (!env.writing()) return;
      await store.bulkWrite(env.db, env.ctx.dialect, 'tickets', inserts);
      await store.bulkWrite(
        env.db,
        env.ctx.dialect,
        'tickets',
        updates,
        supportStore.TICKET_UPDATE_COLUMNS,
      );
      await store.bulkWrite(env.db, env.ctx.dialect, 'timeline_entries', entries);
    },
    async finish() {
      if (unmatched)
        env.analysis.warnings.push(
          `${unmatched} rows name a requester who is not a contact of their account; they were imported without a contact`,
        );
      if (undated)
        env.analysis.warnings.push(
          `${undated} solved or closed tickets have no resolution time; they count as resolved but not in resolution times`,
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
              `Tickets imported from ${name}: ${t.created} added, ${t.updated} updated`,
              { importId: env.importId, ...t },
            ),
          ),
      );
    },
  };
};
