import { addDays, type IsoDate } from '../core/clock.js';

/**
 * Expansion signals, score and readiness (F4), pure. The points follow the CS playbook's
 * table: broad adoption and a new department are the strongest signs (+3), premium-tier
 * interest, executive engagement and a renewal coming up on a healthy account next (+2).
 * Tenure adds two product signs of its own: a module switched on recently (+2) and a usage
 * limit hit (+3, the customer is already asking for more).
 */

export const SIGNALS = {
  seat_utilisation: { points: 3, label: 'More than 80% of licensed seats active' },
  new_department: { points: 3, label: 'Users from a new department' },
  usage_limit: { points: 3, label: 'Usage limits reached' },
  premium_interest: { points: 2, label: 'Interest in premium features' },
  executive_engagement: { points: 2, label: 'Executive engagement increasing' },
  renewal_soon_healthy: { points: 2, label: 'Renewal within 90 days on a healthy account' },
  module_activation: { points: 2, label: 'A new module activated' },
} as const;
export type SignalKey = keyof typeof SIGNALS;

export interface SignalHit {
  key: SignalKey;
  points: number;
  label: string;
  evidence: string;
}

/** What the signals read about one account (last 30 days unless said). */
export interface ExpansionFacts {
  activeUsers30d: number;
  licensedSeats: number | null;
  newDepartments: readonly string[];
  limitEvents30d: number;
  premiumEvents30d: number;
  /** Touches (meetings, calls, emails) with executive contacts: last 30 days, the 30 before. */
  execTouches30d: number;
  execTouchesPrior30d: number;
  daysToRenewal: number | null;
  tierRank: 'top' | 'middle' | 'lowest' | null;
  newModules: readonly string[];
}

export const SEAT_UTILISATION_THRESHOLD = 0.8;

export function expansionSignals(f: ExpansionFacts): SignalHit[] {
  const hits: SignalHit[] = [];
  const hit = (key: SignalKey, evidence: string) =>
    hits.push({ key, points: SIGNALS[key].points, label: SIGNALS[key].label, evidence });
  if (f.licensedSeats && f.licensedSeats > 0) {
    const u = f.activeUsers30d / f.licensedSeats;
    if (u > SEAT_UTILISATION_THRESHOLD)
      hit(
        'seat_utilisation',
        `${f.activeUsers30d} of ${f.licensedSeats} seats active (${Math.round(u * 100)}%)`,
      );
  }
  if (f.newDepartments.length > 0)
    hit('new_department', `new users from ${f.newDepartments.slice(0, 3).join(', ')}`);
  if (f.limitEvents30d > 0) hit('usage_limit', `${f.limitEvents30d} limit events in 30 days`);
  if (f.premiumEvents30d > 0)
    hit('premium_interest', `${f.premiumEvents30d} premium-feature events in 30 days`);
  if (f.execTouches30d > f.execTouchesPrior30d && f.execTouches30d > 0)
    hit(
      'executive_engagement',
      `${f.execTouches30d} executive touches in 30 days (${f.execTouchesPrior30d} the 30 before)`,
    );
  if (
    f.daysToRenewal !== null &&
    f.daysToRenewal >= 0 &&
    f.daysToRenewal <= 90 &&
    f.tierRank === 'top'
  )
    hit('renewal_soon_healthy', `renews in ${f.daysToRenewal} days, top health tier`);
  if (f.newModules.length > 0)
    hit('module_activation', `first used in 30 days: ${f.newModules.slice(0, 3).join(', ')}`);
  return hits;
}

export const scoreOf = (hits: readonly SignalHit[]): number =>
  hits.reduce((t, h) => t + h.points, 0);

export interface ReadinessFacts {
  /** First day of the current run in the top health tier; null when not in it. */
  greenSince: IsoDate | null;
  openUrgentTickets: number;
  severeAlerts: number;
}

export interface Criterion {
  key: 'green_60_days' | 'no_urgent_tickets' | 'no_severe_alerts';
  ok: boolean;
  detail: string;
}

export const GREEN_DAYS = 60;

/**
 * Ready for an expansion conversation: in the top tier for 60 days or more (value shown
 * before anything is sold), no urgent ticket open, no critical or high alert open.
 */
export function readiness(f: ReadinessFacts, today: IsoDate): Criterion[] {
  const greenOk = f.greenSince !== null && f.greenSince <= addDays(today, -GREEN_DAYS);
  return [
    {
      key: 'green_60_days',
      ok: greenOk,
      detail: f.greenSince ? `top tier since ${f.greenSince}` : 'not in the top health tier',
    },
    {
      key: 'no_urgent_tickets',
      ok: f.openUrgentTickets === 0,
      detail: `${f.openUrgentTickets} urgent tickets open`,
    },
    {
      key: 'no_severe_alerts',
      ok: f.severeAlerts === 0,
      detail: `${f.severeAlerts} critical or high alerts open`,
    },
  ];
}

export const OPPORTUNITY_STAGES = ['identified', 'qualified', 'proposed', 'won', 'lost'] as const;
export type OpportunityStage = (typeof OPPORTUNITY_STAGES)[number];
const ORDER: Record<OpportunityStage, number> = {
  identified: 0,
  qualified: 1,
  proposed: 2,
  won: 3,
  lost: 3,
};

/** Open opportunities move forward (skipping is allowed) or are lost; won and lost are final. */
export function canMove(from: OpportunityStage, to: OpportunityStage): boolean {
  if (from === 'won' || from === 'lost') return false;
  if (to === 'lost') return true;
  return ORDER[to] > ORDER[from];
}
