import { addDays, daysBetween, type IsoDate } from '../../core/clock.js';
import type { MeasureId, MeasureValues } from './registry.js';

/**
 * Health measures as of a day (C1), the pure half: the windows, the raw per-account figures
 * the SQL aggregates return, and the rules that turn them into registry values.
 *
 * As of day D means as of the END of D (UTC). Only records whose own timestamps are at or
 * before that moment count. Windows are whole UTC days ending on D: "the last 30 days" is
 * D−29 … D, "the 30 days before" is D−59 … D−30, and likewise for 90 and 180.
 *
 * Every measure, its window, and when it is 0 and when null ("no data"):
 *
 * usage.stickiness          (user-days in 30 ÷ 30) ÷ distinct users in 30 (usage_daily_user).
 * usage.login_frequency     user-days in 30 ÷ distinct users in 30.
 * usage.feature_breadth     distinct configured features used in 30 ÷ configured features
 *                           (usage_daily_event and the event → feature map).
 * usage.seat_utilisation    distinct users in 30 ÷ seats of the subscriptions live on D.
 * usage.active_users_trend  (users in 30 − users in the 30 before) × 100 ÷ users in the 30 before.
 *   All usage measures are null when the account is not tracked: no product link
 *   (accounts.product_id) and no usage row in the 60 days ending D. A tracked account with no
 *   activity in 30 days gets 0 for stickiness, login frequency and breadth (silence is data).
 *   Breadth is null when no feature is configured; seat utilisation when no live subscription
 *   states seats (or they sum to 0); the trend when the 30 days before had no active user.
 *
 * support.open_tickets      tickets opened by the end of D and not resolved by then
 *                           (open/pending now, or solved/closed after D). 0 when none.
 * support.urgent_tickets    those of them with priority urgent or high, or escalated. 0 when none.
 * support.ticket_trend      tickets opened in 30 vs the 30 before, percent change; null when
 *                           the 30 before had none.
 * support.csat              mean CSAT of tickets resolved in 90; null without a rated one.
 *
 * voice.nps                 NPS (% promoters − % detractors, rounded as the support summary
 *                           rounds) of NPS answers in 180; null without answers.
 * voice.nps_trend           mean NPS answer in 90 − mean in the 90 before; null unless both
 *                           windows have answers.
 *
 * relationship.champion / .executive_sponsor
 *                           1 when a contact with that role is present on D (created by the end
 *                           of D, not archived by then, left_on empty or after D), else 0; null
 *                           when the account has no contact on record on D at all.
 * relationship.last_touch_days
 *                           days from the latest note, call, meeting or email on or before D to
 *                           D; null when there is none.
 *
 * commercial.days_to_renewal
 *                           days from D to the earliest end_date ≥ D of a subscription live on
 *                           D; null when there is none. Live on D: started by D, not a trial,
 *                           canceled_on empty or after D, and — if canceled or expired since —
 *                           ending (canceled_on, else end_date) after D.
 * commercial.payment_issues timeline entries of kind payment_failed in 90; null without a
 *                           subscription live on D. That kind is not written yet, so the value
 *                           is 0 for every account with a live subscription until it is.
 * commercial.contraction    MRR lost to contraction movements in 180 × 100 ÷ (MRR at the start
 *                           of the window + MRR added by new, expansion and reactivation
 *                           movements in it): the share of all the revenue the account had in
 *                           the window that downgrades took, so 0–100. Null when that
 *                           denominator is 0 (no revenue in or before the window).
 *
 * manual.*                  the value of the latest entry recorded by the end of D whose
 *                           stale_after is D or later (so an older entry still fresh outlives a
 *                           newer one given a shorter life); null when there is none.
 *
 * Fields kept without history stand for D with their current value: ticket priority,
 * escalation and CSAT, contact roles, subscription seats and status (a trial converted later
 * reads as paid from its start), and the product link. A ticket reopened after D lost its
 * earlier resolution time and reads as open on D.
 */

export const USAGE_DAYS = 30;
export const TICKET_DAYS = 30;
export const CSAT_DAYS = 90;
export const NPS_DAYS = 180;
export const NPS_TREND_DAYS = 90;
export const PAYMENT_DAYS = 90;
export const CONTRACTION_DAYS = 180;

export const MANUAL_MEASURE_IDS = [
  'manual.csm_sentiment',
  'manual.executive_engagement',
] as const satisfies readonly MeasureId[];
export type ManualMeasureId = (typeof MANUAL_MEASURE_IDS)[number];

/** The first day of the `days` days ending on `end`. */
export function windowStart(end: IsoDate, days: number): IsoDate {
  return addDays(end, -(days - 1));
}

/** The first instant of a day, shaped like stored instants so text comparison orders them. */
export function startOfDay(day: IsoDate): string {
  return `${day}T00:00:00.000Z`;
}

/** Every bound the aggregates use for one as-of day. Days are inclusive; instants are `>=`/`<`. */
export interface MeasureWindows {
  asOf: IsoDate;
  /** The first instant after D: anything at or after it does not exist yet. */
  end: string;
  usageFrom: IsoDate;
  /** First day of the previous 30-day usage window (and of the 60 days scanned). */
  usagePrevFrom: IsoDate;
  ticketsFrom: string;
  ticketsPrevFrom: string;
  csatFrom: string;
  npsFrom: string;
  npsRecentFrom: string;
  paymentsFrom: string;
  contractionFrom: IsoDate;
}

export function windowsAt(asOf: IsoDate): MeasureWindows {
  const instant = (days: number) => startOfDay(windowStart(asOf, days));
  return {
    asOf,
    end: startOfDay(addDays(asOf, 1)),
    usageFrom: windowStart(asOf, USAGE_DAYS),
    usagePrevFrom: windowStart(asOf, 2 * USAGE_DAYS),
    ticketsFrom: instant(TICKET_DAYS),
    ticketsPrevFrom: instant(2 * TICKET_DAYS),
    csatFrom: instant(CSAT_DAYS),
    npsFrom: instant(NPS_DAYS),
    npsRecentFrom: instant(NPS_TREND_DAYS),
    paymentsFrom: instant(PAYMENT_DAYS),
    contractionFrom: windowStart(asOf, CONTRACTION_DAYS),
  };
}

/** What the aggregates return for one account as of one day; absent rows read as zeros. */
export interface RawMeasures {
  /** The account is linked to the product (accounts.product_id): its usage is tracked. */
  linked: boolean;
  usage: {
    /** usage_daily_user rows in the 60 days ending D. */
    rows: number;
    users: number;
    prevUsers: number;
    /** Rows in the 30 days: the sum over days of each day's active users. */
    userDays: number;
    featuresUsed: number;
  };
  tickets: {
    open: number;
    urgent: number;
    opened: number;
    prevOpened: number;
    csatSum: number;
    csatCount: number;
  };
  nps: {
    answers: number;
    promoters: number;
    detractors: number;
    sum: number;
    recentAnswers: number;
    recentSum: number;
  };
  contacts: { known: number; champions: number; sponsors: number };
  timeline: { lastTouchAt: string | null; paymentFailures: number };
  subscriptions: { live: number; seats: number | null; nextRenewal: IsoDate | null };
  revenue: { startMrr: number; added: number; contracted: number };
  manual: Partial<Record<ManualMeasureId, number>>;
}

export function emptyRaw(linked = false): RawMeasures {
  return {
    linked,
    usage: { rows: 0, users: 0, prevUsers: 0, userDays: 0, featuresUsed: 0 },
    tickets: { open: 0, urgent: 0, opened: 0, prevOpened: 0, csatSum: 0, csatCount: 0 },
    nps: { answers: 0, promoters: 0, detractors: 0, sum: 0, recentAnswers: 0, recentSum: 0 },
    contacts: { known: 0, champions: 0, sponsors: 0 },
    timeline: { lastTouchAt: null, paymentFailures: 0 },
    subscriptions: { live: 0, seats: null, nextRenewal: null },
    revenue: { startMrr: 0, added: 0, contracted: 0 },
    manual: {},
  };
}

/**
 * (current − previous) × 100 ÷ previous; null when previous is 0. Multiplying first keeps
 * whole percents exact (−30, not −30.000…4).
 */
export function percentChange(current: number, previous: number): number | null {
  return previous === 0 ? null : ((current - previous) * 100) / previous;
}

/**
 * % promoters − % detractors, rounded half away from zero as support's nps() rounds; null
 * without answers.
 */
export function npsScore(promoters: number, detractors: number, answers: number): number | null {
  if (answers === 0) return null;
  const exact = (100 * (promoters - detractors)) / answers;
  const score = Math.sign(exact) * Math.round(Math.abs(exact));
  return score === 0 ? 0 : score;
}

const mean = (sum: number, n: number): number | null => (n === 0 ? null : sum / n);
const flag = (known: number, present: number): number | null =>
  known === 0 ? null : present > 0 ? 1 : 0;

/** The registry values for one account as of `asOf`, by the rules in the block above. */
export function deriveMeasures(
  raw: RawMeasures,
  asOf: IsoDate,
  featuresConfigured: number,
): MeasureValues {
  const { usage: u, tickets: t, nps: n, contacts: c, subscriptions: s, revenue: r } = raw;
  const tracked = raw.linked || u.rows > 0;
  const seats = s.seats;
  const recentMean = mean(n.recentSum, n.recentAnswers);
  const earlierMean = mean(n.sum - n.recentSum, n.answers - n.recentAnswers);
  const revenueBase = r.startMrr + r.added;
  // One literal, no spreads: this runs once per account per day scored (V8 builds it fast).
  return {
    'usage.stickiness': !tracked ? null : u.users === 0 ? 0 : u.userDays / USAGE_DAYS / u.users,
    'usage.feature_breadth':
      !tracked || featuresConfigured === 0 ? null : u.featuresUsed / featuresConfigured,
    'usage.seat_utilisation': !tracked || seats === null || seats === 0 ? null : u.users / seats,
    'usage.login_frequency': !tracked ? null : u.users === 0 ? 0 : u.userDays / u.users,
    'usage.active_users_trend': !tracked ? null : percentChange(u.users, u.prevUsers),
    'support.open_tickets': t.open,
    'support.urgent_tickets': t.urgent,
    'support.ticket_trend': percentChange(t.opened, t.prevOpened),
    'support.csat': mean(t.csatSum, t.csatCount),
    'voice.nps': npsScore(n.promoters, n.detractors, n.answers),
    'voice.nps_trend':
      recentMean === null || earlierMean === null ? null : recentMean - earlierMean,
    'relationship.champion': flag(c.known, c.champions),
    'relationship.executive_sponsor': flag(c.known, c.sponsors),
    'relationship.last_touch_days':
      raw.timeline.lastTouchAt === null
        ? null
        : daysBetween(raw.timeline.lastTouchAt.slice(0, 10), asOf),
    'commercial.days_to_renewal': s.nextRenewal === null ? null : daysBetween(asOf, s.nextRenewal),
    'commercial.payment_issues': s.live === 0 ? null : raw.timeline.paymentFailures,
    // Consistent movements keep this within 0–100; the clamp guards hand-edited history.
    'commercial.contraction':
      revenueBase <= 0 ? null : Math.min(100, Math.max(0, (r.contracted * 100) / revenueBase)),
    'manual.csm_sentiment': raw.manual['manual.csm_sentiment'] ?? null,
    'manual.executive_engagement': raw.manual['manual.executive_engagement'] ?? null,
  };
}

/** The key measuresAtMany answers under. */
export function pointKey(accountId: string, asOf: IsoDate): string {
  return `${accountId}|${asOf}`;
}
