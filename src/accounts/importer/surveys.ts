import type { SurveyResponseRow, TimelineRow } from '../../db/schema.js';
import { checkScore, surveyEvent, type SurveyKind } from '../../support/model.js';
import { rowClaimer, timelineEntries, type HandlerFactory, type PassEnv } from './engine.js';
import { isTenureId } from './fields.js';
import { externalIdClaims, KeySet } from './keyset.js';
import { Touched } from './refs.js';
import { lookupSupportBatch } from './support-batch.js';
import { columnOf } from './rows.js';
import * as store from './store.js';
import * as supportStore from './support-store.js';
import { mergeSurvey, newSurveyRow, scoreOf, surveyInput } from './survey-model.js';

/**
 * Survey responses (NPS, CSAT) match by Tenure id, then external id (the survey tool's
 * response id). New responses write a `survey_response` timeline entry, as the API does,
 * and an NPS response keeps its contact's latest NPS current.
 */
export const surveysHandler: HandlerFactory = async (env: PassEnv) => {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const claims = new KeySet();
  const touched = new Touched();
  const at = env.now.toISOString();
  const col = (k: string) => columnOf(env.analysis, k);
  const claim = rowClaimer(env, claims, 'response');
  const entry = timelineEntries(env);
  const npsContacts: string[] = [];
  let unmatched = 0;

  return {
    counts,
    async batch(rows) {
      const inputs = rows.map(surveyInput);
      const { byId, byExt, refs, owners, people } = await lookupSupportBatch(
        env,
        inputs,
        supportStore.findSurveyResponses,
      );
      const inserts: SurveyResponseRow[] = [];
      const updates: SurveyResponseRow[] = [];
      const entries: TimelineRow[] = [];

      inputs.forEach((i, n) => {
        const line = i.line;
        const problem = (p: { field: string; value: string; reason: string }) =>
          env.issue({ line, column: col(p.field), value: p.value, reason: p.reason });
        const ref = refs.resolve(i);
        if (!ref.ok)
          return env.issue({ line, column: ref.column, value: ref.value, reason: ref.reason });
        const idRow = i.id ? byId.get(i.id) : undefined;
        if (i.id && !idRow && !isTenureId('surveys', i.id))
          return problem({
            field: 'id',
            value: i.id,
            reason:
              'no survey response has this Tenure ID (they look like svy_…; map other ids to externalId)',
          });
        const extRow = i.externalId ? byExt.get(i.externalId) : undefined;
        const before = idRow ?? extRow ?? null;
        if (extRow && before && extRow.id !== before.id)
          return problem({
            field: 'externalId',
            value: i.externalId!,
            reason: `survey response ${extRow.id} already has this response ID`,
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
            reason: `the response belongs to account ${before.account_id}; responses cannot move between accounts`,
          });
        const accountId = owners[n];
        if (!accountId)
          return problem({
            field: refColumn,
            value: '',
            reason:
              'a new response needs its account (map an account CRM ID, billing ID, Tenure ID or name column)',
          });
        const s = scoreOf(i, (before?.kind as SurveyKind | undefined) ?? 'nps');
        if (!s.ok) return problem(s);
        const person = people.resolve(accountId, i);
        if (!person.ok)
          return env.issue({
            line,
            column: person.column,
            value: person.value,
            reason: person.reason,
          });
        if (!before && s.score === undefined)
          return problem({
            field: 'score',
            value: '',
            reason: 'a new response needs a score (a Score, NPS or CSAT column)',
          });
        if (!before && !i.respondedAt)
          return problem({
            field: 'respondedAt',
            value: '',
            reason: 'a new response needs the time it was given (a "Submitted at" column)',
          });
        const responseId = before?.id ?? i.id ?? env.newId('svy');
        const contactId = person.contact?.id ?? null;
        const merged = before ? mergeSurvey(before, i, s, contactId) : null;
        const after =
          merged?.row ?? newSurveyRow(i, responseId, accountId, s.kind!, s.score!, contactId, at);
        // A new kind must fit the stored score (an NPS 9 cannot become a CSAT).
        const bad = checkScore(after.kind as SurveyKind, Number(after.score));
        if (bad) return problem(i.kind && s.score === undefined ? { ...bad, field: 'kind' } : bad);
        const keys = externalIdClaims(responseId, i, before?.external_id);
        if (!claim(i, keys)) return;
        if (merged && !merged.changed.length) {
          counts.unchanged++;
          return;
        }

        if (person.unmatched) unmatched++;
        for (const r of [before, after])
          if (r?.kind === 'nps' && r.contact_id) npsContacts.push(r.contact_id);
        if (merged) {
          updates.push(after);
          counts.updated++;
        } else {
          inserts.push(after);
          const e = surveyEvent(after, person.contact?.name ?? null);
          entries.push(entry(accountId, e.kind, e.title, { ...e.data, importId: env.importId }, e));
          counts.created++;
        }
        touched.add(accountId, merged ? 'updated' : 'created');
      });

      if (!env.writing()) return;
      await store.bulkWrite(env.db, env.ctx.dialect, 'survey_responses', inserts);
      await store.bulkWrite(
        env.db,
        env.ctx.dialect,
        'survey_responses',
        updates,
        supportStore.SURVEY_UPDATE_COLUMNS,
      );
      await store.bulkWrite(env.db, env.ctx.dialect, 'timeline_entries', entries);
    },
    async finish() {
      if (unmatched)
        env.analysis.warnings.push(
          `${unmatched} rows name a respondent who is not a contact of their account; they were imported without a contact`,
        );
      if (!env.writing()) return;
      await supportStore.refreshLatestNps(env.db, npsContacts, at);
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
              `Survey responses imported from ${name}: ${t.created} added, ${t.updated} updated`,
              { importId: env.importId, ...t },
            ),
          ),
      );
    },
  };
};
