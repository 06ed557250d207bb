import type { SurveyResponseRow } from '../../db/schema.js';
import { checkScore, type FieldProblem, type SurveyKind } from '../../support/model.js';
import { contactRef, type ContactRef } from './contact-refs.js';
import { accountRef, type AccountRef } from './refs.js';
import { read, type ConvertedRow } from './rows.js';

/** Pure rules for imported survey responses: the rules createSurveyResponse applies. */

export interface SurveyInput extends AccountRef, ContactRef {
  line: number;
  id?: string;
  externalId?: string;
  kind?: SurveyKind;
  score?: number;
  nps?: number;
  csat?: number;
  respondedAt?: string;
  comment?: string;
}

export function surveyInput(r: ConvertedRow): SurveyInput {
  return {
    ...accountRef(r),
    ...contactRef(r),
    line: r.line,
    id: read.str(r, 'id'),
    externalId: read.str(r, 'externalId'),
    kind: read.str(r, 'kind') as SurveyKind | undefined,
    score: read.num(r, 'score'),
    nps: read.num(r, 'nps'),
    csat: read.num(r, 'csat'),
    respondedAt: read.str(r, 'respondedAt'),
    comment: read.str(r, 'comment'),
  };
}

export type ScoreResult =
  | { ok: true; kind: SurveyKind | undefined; score: number | undefined }
  | ({ ok: false } & FieldProblem);

/**
 * The row's kind and score. A row holds one response: its score is in the Score column
 * (the Survey column says which kind; `fallback`, the stored kind or NPS, otherwise) or
 * in an NPS or CSAT column.
 */
export function scoreOf(i: SurveyInput, fallback: SurveyKind): ScoreResult {
  const given = (
    [
      ['score', i.score],
      ['nps', i.nps],
      ['csat', i.csat],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (given.length > 1)
    return {
      ok: false,
      field: given[1]![0],
      value: String(given[1]![1]),
      reason: `one response per row: this row also has a ${given[0]![0]} score`,
    };
  const [field, score] = given[0] ?? [null, undefined];
  const kind = field === 'nps' || field === 'csat' ? field : i.kind;
  if (field && field !== 'score' && i.kind && i.kind !== field)
    return {
      ok: false,
      field: 'kind',
      value: i.kind,
      reason: `the score is in the ${field.toUpperCase()} column`,
    };
  if (score === undefined) return { ok: true, kind, score };
  const bad = checkScore(kind ?? fallback, score);
  if (bad) return { ok: false, ...bad, field: field! };
  return { ok: true, kind: kind ?? fallback, score };
}

export function newSurveyRow(
  i: SurveyInput,
  id: string,
  accountId: string,
  kind: SurveyKind,
  score: number,
  contactId: string | null,
  at: string,
): SurveyResponseRow {
  return {
    id,
    account_id: accountId,
    contact_id: contactId,
    external_id: i.externalId ?? null,
    kind,
    score,
    comment: i.comment ?? null,
    responded_at: i.respondedAt!,
    created_at: at,
  };
}

/** The response after the row's non-empty cells, and which fields changed. */
export function mergeSurvey(
  before: SurveyResponseRow,
  i: SurveyInput,
  s: { kind: SurveyKind | undefined; score: number | undefined },
  contactId: string | null,
): { row: SurveyResponseRow; changed: string[] } {
  const row: SurveyResponseRow = { ...before, score: Number(before.score) };
  const changed: string[] = [];
  const set = <K extends keyof SurveyResponseRow>(
    field: string,
    col: K,
    v: SurveyResponseRow[K] | undefined,
  ) => {
    if (v !== undefined && row[col] !== v) {
      row[col] = v;
      changed.push(field);
    }
  };
  set('externalId', 'external_id', i.externalId);
  set('kind', 'kind', s.kind);
  set('score', 'score', s.score);
  set('comment', 'comment', i.comment);
  set('respondedAt', 'responded_at', i.respondedAt);
  set('contact', 'contact_id', contactId ?? undefined);
  return { row, changed };
}
