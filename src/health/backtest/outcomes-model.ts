import { addDays, addMonths, daysBetween, type IsoDate } from '../../core/clock.js';

/**
 * Renewal and churn outcomes from an account's billing history. Pure: `outcomes.ts` loads
 * the history, this decides what counts.
 *
 * The rules, in words:
 *
 * - **Paying spells.** An account pays while its MRR (the sum of its revenue movements up
 *   to a day) is above zero. A spell ends on the day MRR reaches zero. A gap of at most
 *   LAPSE_DAYS before revenue returns is a lapse between terms (a billing export with one
 *   row per term, a late renewal), not a churn, so the two spells merge.
 * - **Churned** on the last day of a spell that ends inside the period: the day the
 *   account's MRR went to zero for good — a `churn` movement not undone within the lapse.
 *   An account whose `churned_on` falls in the period without any such spell end nearby
 *   (a churn recorded by hand, or an import with no subscriptions) churned that day too.
 * - **Renewed** on a term end inside the period that the account paid through: it was
 *   paying the day before and still pays LAPSE_DAYS after (or to this day). Term ends are
 *   every subscription's end date as stored, the old end date of every extension recorded
 *   in the audit log (a renewal through the API or the demo moves the end date in place),
 *   and, for month-to-month and evergreen subscriptions (billed monthly, or without an
 *   end date), each yearly anniversary of the start: there is no contract to renew, and
 *   a year kept is the comparable outcome.
 * - Term ends of one account within LAPSE_DAYS of each other are one renewal (co-termed
 *   add-ons, a renewal booked a few days late).
 * - ARR is twelve times the account's MRR the day before the outcome: what was up for
 *   renewal, or what was lost (including add-ons dropped on the churn day).
 */

export const LAPSE_DAYS = 30;

export type OutcomeKind = 'renewed' | 'churned';

/** Which record an outcome was read from, so a surprising one can be traced. */
export type OutcomeSource =
  | 'billing' // a paying spell ended
  | 'churned_on' // the account's churn date, with no billing record of it
  | 'term_end' // a subscription's end date
  | 'term_extended' // an end date moved later (audit log)
  | 'anniversary'; // a year of a month-to-month or evergreen subscription

export interface Outcome {
  accountId: string;
  date: IsoDate;
  kind: OutcomeKind;
  arrMinor: number;
  currency: string;
  /** First day of the paying spell the outcome ends or continues; null without billing. */
  liveSince: IsoDate | null;
  source: OutcomeSource;
}

export interface Period {
  from: IsoDate;
  to: IsoDate;
  /** The data's present: a renewal counts only once its LAPSE_DAYS have passed by then. */
  today?: IsoDate;
}

export interface TermEnd {
  date: IsoDate;
  source: 'term_end' | 'term_extended' | 'anniversary';
}

/** An account's net MRR change on one effective day. */
export interface MovementDay {
  date: IsoDate;
  deltaMinor: number;
  currency: string;
}

export interface AccountHistory {
  accountId: string;
  /** The account's billing currency, for churns with no movement to read it from. */
  currency: string;
  churnedOn: IsoDate | null;
  /** In ascending date order. */
  days: readonly MovementDay[];
  termEnds: readonly TermEnd[];
}

interface Spell {
  start: IsoDate;
  /** The day MRR reached zero; null while the account still pays. */
  end: IsoDate | null;
}

function spellsOf(days: readonly MovementDay[]): Spell[] {
  const raw: Spell[] = [];
  let mrr = 0;
  for (const d of days) {
    const next = mrr + d.deltaMinor;
    if (mrr <= 0 && next > 0) raw.push({ start: d.date, end: null });
    else if (mrr > 0 && next <= 0) raw[raw.length - 1]!.end = d.date;
    mrr = next;
  }
  const merged: Spell[] = [];
  for (const s of raw) {
    const last = merged[merged.length - 1];
    if (last?.end && daysBetween(last.end, s.start) <= LAPSE_DAYS) last.end = s.end;
    else merged.push({ ...s });
  }
  return merged;
}

/** MRR and currency at the end of the day before `date`. */
function before(days: readonly MovementDay[], date: IsoDate): { mrr: number; currency: string } {
  let mrr = 0;
  let currency: string | null = null;
  for (const d of days) {
    if (d.date >= date) break;
    mrr += d.deltaMinor;
    currency = d.currency;
  }
  return { mrr, currency: currency ?? days[0]?.currency ?? '' };
}

const inPeriod = (d: IsoDate, p: Period) => d >= p.from && d <= p.to;

/** One account's outcomes in the period, in date order. */
export function accountOutcomes(h: AccountHistory, period: Period): Outcome[] {
  const spells = spellsOf(h.days);
  const out: Outcome[] = [];
  const outcome = (
    date: IsoDate,
    kind: OutcomeKind,
    source: OutcomeSource,
    since: IsoDate | null,
  ) => {
    const b = before(h.days, date);
    out.push({
      accountId: h.accountId,
      date,
      kind,
      arrMinor: Math.max(0, b.mrr) * 12,
      currency: b.currency || h.currency,
      liveSince: since,
      source,
    });
  };

  for (const s of spells) {
    if (s.end && inPeriod(s.end, period)) outcome(s.end, 'churned', 'billing', s.start);
  }
  const c = h.churnedOn;
  if (c && inPeriod(c, period)) {
    const recorded = spells.some((s) => s.end && Math.abs(daysBetween(s.end, c)) <= LAPSE_DAYS);
    const paying = spells.find((s) => s.start <= c && (s.end === null || s.end > c));
    // Billing does not say when this customer started paying, so no spell is named.
    if (!recorded && !paying) outcome(c, 'churned', 'churned_on', null);
  }

  // Several records can name one date; the most direct one labels the outcome.
  const rank = { term_extended: 0, term_end: 1, anniversary: 2 } as const;
  const ends = [...h.termEnds]
    .filter((t) => inPeriod(t.date, period))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : rank[a.source] - rank[b.source]));
  let lastRenewal: IsoDate | null = null;
  for (const t of ends) {
    if (lastRenewal && daysBetween(lastRenewal, t.date) <= LAPSE_DAYS) continue;
    const through = addDays(t.date, LAPSE_DAYS);
    // Not known yet: the account could still lapse before `through`.
    if (period.today && through > period.today) continue;
    const spell = spells.find((s) => s.start < t.date && (s.end === null || s.end > through));
    if (!spell) continue;
    outcome(t.date, 'renewed', t.source, spell.start);
    lastRenewal = t.date;
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** Every account's outcomes, ordered by date, then account, then kind. */
export function deriveOutcomes(histories: Iterable<AccountHistory>, period: Period): Outcome[] {
  const all: Outcome[] = [];
  for (const h of histories) all.push(...accountOutcomes(h, period));
  return all.sort(
    (a, b) => cmp(a.date, b.date) || cmp(a.accountId, b.accountId) || cmp(a.kind, b.kind),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Yearly anniversaries of a subscription's start, strictly before `stop` (its end date or
 * cancellation), from `from` to `to`.
 */
export function anniversaries(start: IsoDate, stop: IsoDate | null, period: Period): IsoDate[] {
  const out: IsoDate[] = [];
  for (let k = 1; k < 1000; k++) {
    const d = addMonths(start, 12 * k);
    if (d > period.to || (stop !== null && d >= stop)) break;
    if (d >= period.from) out.push(d);
  }
  return out;
}

export interface MatchedOutcome extends Outcome {
  /** The day the account is scored: the outcome date minus the horizon. */
  asOf: IsoDate;
}

/**
 * The as-of date of each outcome: `horizonDays` before it. Renewed and churned accounts
 * are both scored a fixed time before their own outcome, so their as-of dates are drawn
 * from the same calendar as their outcomes: neither side gets fresher data, and a drift
 * of the score over the years affects both alike. Outcomes whose as-of date falls before
 * the paying spell began are skipped: the account was not a customer yet and had no
 * score to test.
 */
export function matchedAsOfDates(
  outcomes: readonly Outcome[],
  horizonDays: number,
): { matched: MatchedOutcome[]; skipped: Outcome[] } {
  if (!Number.isInteger(horizonDays) || horizonDays < 0)
    throw new RangeError('horizonDays must be a whole number of days, 0 or more');
  const matched: MatchedOutcome[] = [];
  const skipped: Outcome[] = [];
  for (const o of outcomes) {
    const asOf = addDays(o.date, -horizonDays);
    if (o.liveSince !== null && asOf < o.liveSince) skipped.push(o);
    else matched.push({ ...o, asOf });
  }
  return { matched, skipped };
}
