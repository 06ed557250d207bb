import type { SurveyResponseRow, TicketRow } from '../db/schema.js';
import { HOUR_MS, isResolvedStatus, median, nps, npsCategory, type NpsResult } from './model.js';

/** The per-account support summary, computed from the rows the store loads for it. */

const DAY_MS = 86_400_000;

/** Windows end at `asOf` (included) and reach back whole days of 24 hours (excluded). */
export const WINDOWS = { recentTickets: 30, serviceLevels: 90, nps: 90 } as const;

export type SummaryTicket = Pick<
  TicketRow,
  'opened_at' | 'first_response_at' | 'resolved_at' | 'status' | 'priority' | 'escalated' | 'csat'
>;
export type SummaryResponse = Pick<SurveyResponseRow, 'kind' | 'score' | 'responded_at'>;

export interface LatestNps {
  responseId: string;
  score: number;
  category: ReturnType<typeof npsCategory>;
  respondedAt: string;
  contactId: string | null;
  contactName: string | null;
}

export interface SupportSummary {
  accountId: string;
  asOf: string;
  tickets: {
    /** Open or pending at asOf (also those solved since). */
    open: number;
    urgentOpen: number;
    escalatedOpen: number;
    openedLast30Days: number;
    openedPrior30Days: number;
    /** openedLast30Days − openedPrior30Days. */
    openedChange: number;
    /** Tickets resolved in the last 90 days: what the medians and ticket CSAT are over. */
    resolvedLast90Days: number;
    medianFirstResponseHours: number | null;
    medianResolutionHours: number | null;
  };
  csat: {
    /** Mean of ticket ratings (tickets resolved in the last 90 days) and CSAT responses (last 90 days). */
    average: number | null;
    ratings: number;
    fromTickets: number;
    fromSurveys: number;
  };
  nps: {
    latest: LatestNps | null;
    last90Days: NpsResult;
    prior90Days: NpsResult;
    /** last90Days.score − prior90Days.score; null unless both have responses. */
    trend: number | null;
  };
}

export function windowStart(asOf: Date, days: number): string {
  return new Date(asOf.getTime() - days * DAY_MS).toISOString();
}

const round2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);
const inWindow = (at: string | null, from: string, to: string): at is string =>
  at !== null && at > from && at <= to;

/** Open at `asOf`: opened by then and not resolved by then. */
function openAt(t: SummaryTicket, asOf: string): boolean {
  if (t.opened_at > asOf) return false;
  if (!isResolvedStatus(t.status)) return true;
  return t.resolved_at !== null && t.resolved_at > asOf;
}

export function summarize(
  accountId: string,
  asOfDate: Date,
  tickets: readonly SummaryTicket[],
  responses: readonly SummaryResponse[],
  latest: LatestNps | null,
): SupportSummary {
  const asOf = asOfDate.toISOString();
  const d30 = windowStart(asOfDate, WINDOWS.recentTickets);
  const d60 = windowStart(asOfDate, 2 * WINDOWS.recentTickets);
  const d90 = windowStart(asOfDate, WINDOWS.serviceLevels);
  const n90 = windowStart(asOfDate, WINDOWS.nps);
  const n180 = windowStart(asOfDate, 2 * WINDOWS.nps);

  const open = tickets.filter((t) => openAt(t, asOf));
  const opened30 = tickets.filter((t) => inWindow(t.opened_at, d30, asOf)).length;
  const opened60 = tickets.filter((t) => inWindow(t.opened_at, d60, d30)).length;
  const resolved = tickets.filter(
    (t) => isResolvedStatus(t.status) && inWindow(t.resolved_at, d90, asOf),
  );
  const ms = (from: string, to: string) => Date.parse(to) - Date.parse(from);
  const firstResponse = resolved.flatMap((t) =>
    t.first_response_at ? [ms(t.opened_at, t.first_response_at)] : [],
  );
  const resolution = resolved.map((t) => ms(t.opened_at, t.resolved_at!));
  const ticketCsat = resolved.flatMap((t) => (t.csat === null ? [] : [Number(t.csat)]));
  const surveyCsat = responses
    .filter((r) => r.kind === 'csat' && inWindow(r.responded_at, d90, asOf))
    .map((r) => Number(r.score));
  const ratings = [...ticketCsat, ...surveyCsat];
  const npsIn = (from: string, to: string) =>
    nps(
      responses
        .filter((r) => r.kind === 'nps' && inWindow(r.responded_at, from, to))
        .map((r) => Number(r.score)),
    );
  const last = npsIn(n90, asOf);
  const prior = npsIn(n180, n90);
  const hours = (v: number | null) => round2(v === null ? null : v / HOUR_MS);

  return {
    accountId,
    asOf,
    tickets: {
      open: open.length,
      urgentOpen: open.filter((t) => t.priority === 'urgent').length,
      escalatedOpen: open.filter((t) => Number(t.escalated) === 1).length,
      openedLast30Days: opened30,
      openedPrior30Days: opened60,
      openedChange: opened30 - opened60,
      resolvedLast90Days: resolved.length,
      medianFirstResponseHours: hours(median(firstResponse)),
      medianResolutionHours: hours(median(resolution)),
    },
    csat: {
      average: round2(ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null),
      ratings: ratings.length,
      fromTickets: ticketCsat.length,
      fromSurveys: surveyCsat.length,
    },
    nps: {
      latest,
      last90Days: last,
      prior90Days: prior,
      trend: last.score !== null && prior.score !== null ? last.score - prior.score : null,
    },
  };
}
