import { addDays, type IsoDate } from '../../core/clock.js';

/**
 * Alerts (C3), the vocabulary: kinds, severities, statuses, the thresholds with their
 * defaults, and the small pure helpers the rules in model.ts share. No I/O, no clock.
 *
 * An alert is one per (account, kind, cause key): the cause key names what happened (the day
 * a tier changed, the contact who left, the survey answer), so evaluating again never raises
 * the same alert twice, and an alert a CSM resolved stays resolved.
 */

export const ALERT_KINDS = [
  'score_drop',
  'tier_change',
  'usage_drop',
  'champion_left',
  'support_spike',
  'detractor_nps',
  'onboarding_no_login',
  'renewal_risk',
  'red_no_intervention',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Most urgent first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * open → acknowledged (someone is on it) → resolved; any unresolved alert may be snoozed until
 * a moment, after which it counts as open again. Resolved is final.
 */
export const ALERT_STATUSES = ['open', 'acknowledged', 'snoozed', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What a rule found for one account: everything an alert row needs but its bookkeeping. */
export interface Finding {
  accountId: string;
  kind: AlertKind;
  causeKey: string;
  severity: Severity;
  title: string;
  /** One sentence a CSM understands without opening anything else. */
  reason: string;
  /** The values and dates behind the alert. */
  evidence: Record<string, unknown>;
}

/** The thresholds, stored as one settings object; every field has a default. */
export interface AlertSettings {
  /** score_drop: points the composite must fall (peak to a later low)… */
  scoreDropPoints: number;
  /** …within this many days. */
  scoreDropWindowDays: number;
  /** tier_change: tier changes this many days back (ending on the day) are reported. */
  tierChangeLookbackDays: number;
  /** usage_drop: fall in active users, 30 days against the 30 before, in percent (strictly more). */
  usageDropPercent: number;
  /** usage_drop: fewer active users than this in the 30 days before is too few to judge. */
  usageDropMinUsers: number;
  /** support_spike: tickets in the last 7 days against the weekly average of the 90 before. */
  supportSpikeMultiplier: number;
  /** support_spike: and at least this many tickets in the last 7 days. */
  supportSpikeMinTickets: number;
  /** onboarding_no_login: days in onboarding without any active user. */
  onboardingNoLoginDays: number;
  /** renewal_risk: renewal dates this many days ahead (inclusive). */
  renewalWithinDays: number;
  /** red_no_intervention: days in the lowest tier (strictly more) without an intervention. */
  redDays: number;
  /** champion_left, detractor_nps: events older than this many days are history, not news. */
  eventLookbackDays: number;
}

export const DEFAULT_ALERT_SETTINGS: Readonly<AlertSettings> = {
  scoreDropPoints: 10,
  scoreDropWindowDays: 30,
  tierChangeLookbackDays: 7,
  usageDropPercent: 30,
  usageDropMinUsers: 5,
  supportSpikeMultiplier: 3,
  supportSpikeMinTickets: 3,
  onboardingNoLoginDays: 14,
  renewalWithinDays: 60,
  redDays: 14,
  eventLookbackDays: 30,
};

/** NPS answers 0–6 are detractors (the NPS definition, not a setting). */
export const DETRACTOR_MAX = 6;
/** Active users are compared over 30-day windows: D−29…D against D−59…D−30. */
export const USAGE_WINDOW_DAYS = 30;
/** Tickets of the last 7 days (D−6…D) against the 90 days before them (D−96…D−7). */
export const SPIKE_DAYS = 7;
export const SPIKE_BASELINE_DAYS = 90;

/** The windows every rule reads, as of the end of day D. */
export interface AlertWindows {
  day: IsoDate;
  /** The first day of the score series the score and tier rules need. */
  seriesFrom: IsoDate;
  usageFrom: IsoDate;
  usagePrevFrom: IsoDate;
  usagePrevTo: IsoDate;
  spikeFrom: IsoDate;
  baselineFrom: IsoDate;
  baselineTo: IsoDate;
  eventsFrom: IsoDate;
  renewalTo: IsoDate;
  /** A lowest-tier run that started on or before this day is longer than redDays. */
  redStartedBy: IsoDate;
}

export function windowsAt(day: IsoDate, s: AlertSettings): AlertWindows {
  return {
    day,
    seriesFrom: addDays(day, -Math.max(s.scoreDropWindowDays, s.tierChangeLookbackDays)),
    usageFrom: addDays(day, -(USAGE_WINDOW_DAYS - 1)),
    usagePrevFrom: addDays(day, -(2 * USAGE_WINDOW_DAYS - 1)),
    usagePrevTo: addDays(day, -USAGE_WINDOW_DAYS),
    spikeFrom: addDays(day, -(SPIKE_DAYS - 1)),
    baselineFrom: addDays(day, -(SPIKE_DAYS + SPIKE_BASELINE_DAYS - 1)),
    baselineTo: addDays(day, -SPIKE_DAYS),
    eventsFrom: addDays(day, -s.eventLookbackDays),
    renewalTo: addDays(day, s.renewalWithinDays),
    redStartedBy: addDays(day, -(s.redDays + 1)),
  };
}

/** The status a reader sees: a snooze that has run out is open again. */
export function effectiveStatus(
  status: string,
  snoozedUntil: string | null,
  nowIso: string,
): AlertStatus {
  if (status === 'snoozed' && (snoozedUntil === null || snoozedUntil <= nowIso)) return 'open';
  return status as AlertStatus;
}

export type AlertAction = 'acknowledge' | 'snooze' | 'resolve';

/** Why an action does not apply to an alert in this status; null when it does. */
export function actionProblem(action: AlertAction, status: AlertStatus): string | null {
  if (status === 'resolved') return 'the alert is resolved';
  if (action === 'acknowledge' && status === 'acknowledged')
    return 'the alert is already acknowledged';
  return null;
}

/** A model version's tiers, best first (as the model lists them). */
export interface TierScale {
  names: readonly string[];
  mins: readonly number[];
}

export type ScaleOf = (modelKey: string, modelVersion: number) => TierScale | undefined;

export const scaleKey = (modelKey: string, modelVersion: number) => `${modelKey}@${modelVersion}`;

export function scaleFrom(tiers: readonly { name: string; min: number }[]): TierScale {
  return { names: tiers.map((t) => t.name), mins: tiers.map((t) => t.min) };
}

export const topTier = (s: TierScale) => s.names[0];
export const lowestTier = (s: TierScale) => s.names[s.names.length - 1];

/** The lower bound of a tier in its model, or undefined when the model has no such tier. */
export function tierMin(s: TierScale, tier: string): number | undefined {
  const i = s.names.indexOf(tier);
  return i < 0 ? undefined : s.mins[i];
}

/** ISO 8601 week of a day, e.g. 2026-W09 (weeks start on Monday; week 1 holds 4 January). */
export function isoWeek(day: IsoDate): string {
  const d = new Date(`${day}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(d.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Tenths of a point as points with one decimal: 712 → "71.2". */
export const points = (tenths: number) => (tenths / 10).toFixed(1);

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// ----- the figures figures-store.ts gathers for the rules, one account each ---------------------------

/** One daily snapshot of an account, as the score rules read it. */
export interface ScorePoint {
  day: IsoDate;
  tenths: number | null;
  tier: string | null;
  modelKey: string;
  modelVersion: number;
}

export interface UsageFigures {
  accountId: string;
  /** Distinct users active in D−29…D. */
  users: number;
  /** Distinct users active in D−59…D−30. */
  prevUsers: number;
}

export interface ChampionExit {
  accountId: string;
  contactId: string;
  name: string;
  title: string | null;
  leftOn: IsoDate;
  reason: string | null;
}

export interface TicketFigures {
  accountId: string;
  /** Tickets opened in D−6…D. */
  recent: number;
  /** Tickets opened in D−96…D−7. */
  baseline: number;
}

export interface NpsAnswer {
  accountId: string;
  responseId: string;
  score: number;
  respondedAt: string;
  contactId: string | null;
  contactName: string | null;
  comment: string | null;
}

export interface OnboardingFigures {
  accountId: string;
  stage: string;
  stageStartedOn: IsoDate;
  /** Linked to the product (accounts.product_id): without it logins cannot be seen. */
  linked: boolean;
  /** Distinct users active from the stage's first day to D. */
  usersSinceStart: number;
}

export interface RenewalFigures {
  accountId: string;
  renewalDate: IsoDate;
  /** The latest snapshot on or before D. */
  latest: ScorePoint;
}

export interface RedRun {
  accountId: string;
  /** The first snapshot of the current run in the lowest tier. */
  redSince: IsoDate;
  lastScoredOn: IsoDate;
  tier: string;
  /** A touch or a handled alert since the run began (see the header). */
  intervened: boolean;
}
