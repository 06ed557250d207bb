import { addDays, daysBetween, type IsoDate } from '../core/clock.js';

/** An inclusive range of UTC calendar days. */
export interface DayRange {
  from: IsoDate;
  to: IsoDate;
}

/** The windows every usage figure is measured over, all ending on (or just before) asOf. */
export interface UsageWindows {
  day: DayRange;
  week: DayRange;
  prevWeek: DayRange;
  month: DayRange;
  prevMonth: DayRange;
}

export const WEEK_DAYS = 7;
export const MONTH_DAYS = 30;
/** The longest daily series one request may ask for. */
export const MAX_SERIES_DAYS = 366;

/** The `days` days ending on `end`, inclusive. */
export function lastDays(end: IsoDate, days: number): DayRange {
  return { from: addDays(end, -(days - 1)), to: end };
}

export function windowsAt(asOf: IsoDate): UsageWindows {
  const week = lastDays(asOf, WEEK_DAYS);
  const month = lastDays(asOf, MONTH_DAYS);
  return {
    day: { from: asOf, to: asOf },
    week,
    prevWeek: lastDays(addDays(week.from, -1), WEEK_DAYS),
    month,
    prevMonth: lastDays(addDays(month.from, -1), MONTH_DAYS),
  };
}

/** Raw counts for one account as of a day, as the SQL aggregates return them. */
export interface UsageCounts {
  dau: number;
  wau: number;
  mau: number;
  /** Distinct active users in the 7 days before the week window. */
  prevWau: number;
  /** Distinct active users in the 30 days before the month window. */
  prevMau: number;
  /** Rows of usage_daily_user in the month window: the sum over days of each day's DAU. */
  userDays: number;
  weekEvents: number;
  prevWeekEvents: number;
  monthEvents: number;
  prevMonthEvents: number;
  monthSessionSeconds: number;
  lastSeenAt: string | null;
  /** Licensed seats on live subscriptions; null when none states a seat count. */
  seats: number | null;
  featuresUsed: number;
  featuresConfigured: number;
}

export interface Trend {
  current: number;
  previous: number;
  /** current ÷ previous; null when previous is 0. */
  ratio: number | null;
  /** (current − previous) ÷ previous × 100; null when previous is 0. */
  changePct: number | null;
}

export interface UsageMeasures {
  dau: number;
  wau: number;
  mau: number;
  /** Average of the 30 daily DAUs (days without activity count as 0). */
  avgDau: number;
  /** avgDau ÷ MAU; null when MAU is 0. */
  stickiness: number | null;
  /** Average active days per active user over 30 days; null when MAU is 0. */
  loginFrequency: number | null;
  events30: number;
  sessionSeconds30: number;
  lastSeenAt: string | null;
  seats: number | null;
  /** MAU ÷ seats; null when seats are unknown or 0. */
  seatUtilisation: number | null;
  featuresUsed: number;
  featuresConfigured: number;
  /** featuresUsed ÷ featuresConfigured; null when no feature is configured. */
  featureBreadth: number | null;
  trends: {
    weekOverWeek: { events: Trend; activeUsers: Trend };
    monthOverMonth: { events: Trend; activeUsers: Trend };
  };
}

export function ratio(num: number, den: number | null): number | null {
  return den === null || den === 0 ? null : num / den;
}

export function trend(current: number, previous: number): Trend {
  // Multiply before dividing: integer counts then give exact whole percents (−30, not −30.000…4).
  const changePct = previous === 0 ? null : ((current - previous) * 100) / previous;
  return { current, previous, ratio: ratio(current, previous), changePct };
}

export function zeroCounts(featuresConfigured = 0): UsageCounts {
  return {
    dau: 0,
    wau: 0,
    mau: 0,
    prevWau: 0,
    prevMau: 0,
    userDays: 0,
    weekEvents: 0,
    prevWeekEvents: 0,
    monthEvents: 0,
    prevMonthEvents: 0,
    monthSessionSeconds: 0,
    lastSeenAt: null,
    seats: null,
    featuresUsed: 0,
    featuresConfigured,
  };
}

export function deriveMeasures(c: UsageCounts): UsageMeasures {
  const avgDau = c.userDays / MONTH_DAYS;
  return {
    dau: c.dau,
    wau: c.wau,
    mau: c.mau,
    avgDau,
    stickiness: ratio(avgDau, c.mau),
    loginFrequency: ratio(c.userDays, c.mau),
    events30: c.monthEvents,
    sessionSeconds30: c.monthSessionSeconds,
    lastSeenAt: c.lastSeenAt,
    seats: c.seats,
    seatUtilisation: ratio(c.mau, c.seats),
    featuresUsed: c.featuresUsed,
    featuresConfigured: c.featuresConfigured,
    featureBreadth: ratio(c.featuresUsed, c.featuresConfigured),
    trends: {
      weekOverWeek: {
        events: trend(c.weekEvents, c.prevWeekEvents),
        activeUsers: trend(c.wau, c.prevWau),
      },
      monthOverMonth: {
        events: trend(c.monthEvents, c.prevMonthEvents),
        activeUsers: trend(c.mau, c.prevMau),
      },
    },
  };
}

/** Event name → feature, as configured. */
export type FeatureMap = Readonly<Record<string, string>>;

/** The distinct feature names a mapping configures, sorted. */
export function configuredFeatures(map: FeatureMap): string[] {
  return [...new Set(Object.values(map))].sort();
}

/** The configured features that no used-feature row names. */
export function unusedFeatures(map: FeatureMap, used: readonly string[]): string[] {
  const seen = new Set(used);
  return configuredFeatures(map).filter((f) => !seen.has(f));
}

/** Every day of a range, in order. */
export function daysOf(range: DayRange): IsoDate[] {
  const n = daysBetween(range.from, range.to);
  return Array.from({ length: n + 1 }, (_, i) => addDays(range.from, i));
}

export interface SeriesEvent {
  event: string;
  feature: string | null;
  events: number;
  users: number;
}

export interface SeriesDay {
  day: IsoDate;
  events: number;
  activeUsers: number;
  sessionSeconds: number;
  topEvents: SeriesEvent[];
}

/** One entry per day of the range, days without activity as zeros. */
export function fillSeries(
  range: DayRange,
  totals: readonly { day: IsoDate; events: number; activeUsers: number; sessionSeconds: number }[],
  top: readonly (SeriesEvent & { day: IsoDate })[],
): SeriesDay[] {
  const byDay = new Map(totals.map((t) => [t.day, t]));
  const events = new Map<IsoDate, SeriesEvent[]>();
  for (const { day, ...e } of top) {
    const list = events.get(day) ?? [];
    list.push(e);
    events.set(day, list);
  }
  return daysOf(range).map((day) => {
    const t = byDay.get(day);
    return {
      day,
      events: t?.events ?? 0,
      activeUsers: t?.activeUsers ?? 0,
      sessionSeconds: t?.sessionSeconds ?? 0,
      topEvents: events.get(day) ?? [],
    };
  });
}

export interface FeatureUse {
  feature: string;
  /** Distinct users who did any of the feature's events in the 30 days. */
  users: number;
  events: number;
  lastUsedOn: IsoDate;
}

/** Most adopted first: by distinct users, then events, then name. */
export function byAdoption(a: FeatureUse, b: FeatureUse): number {
  return b.users - a.users || b.events - a.events || (a.feature < b.feature ? -1 : 1);
}

export interface TopUser {
  userKey: string;
  email: string | null;
  name: string | null;
  events: number;
  activeDays: number;
  lastSeenAt: string;
}

export interface ProductUser {
  userKey: string;
  userId: string | null;
  email: string | null;
  name: string | null;
  traits: Record<string, unknown>;
  firstSeenAt: string;
  lastSeenAt: string;
  events: number;
}

/** Traits are stored as JSON text; anything but an object reads as no traits. */
export function parseTraits(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function toProductUser(r: {
  user_key: string;
  user_id: string | null;
  email: string | null;
  name: string | null;
  traits: string;
  first_seen_at: string;
  last_seen_at: string;
  events: number | string;
}): ProductUser {
  return {
    userKey: r.user_key,
    userId: r.user_id,
    email: r.email,
    name: r.name,
    traits: parseTraits(r.traits),
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    events: Number(r.events),
  };
}

/** Everything the account page shows about usage as of a day. */
export interface UsageSummary extends UsageMeasures {
  accountId: string;
  asOf: IsoDate;
  windows: UsageWindows;
  features: FeatureUse[];
  unusedFeatures: string[];
  topUsers: TopUser[];
}
