import { SEGMENT_PROFILE, type DemoSegment } from './catalog.js';
import { clamp, rngFor } from './random.js';

/**
 * The hidden drivers of one demo account. They are never written to the database (that
 * would hand the answer to the health model); features that need observable data derived
 * from them (usage events, tickets, NPS) regenerate them with `demoSignals`.
 */
export interface DemoDrivers {
  /** 0..1: how well onboarding went; sets how fast usage ramps and first-year risk. */
  onboardingQuality: number;
  /** An executive sponsor is part of the buying team. */
  executiveSponsor: boolean;
  /** A champion is named at the start. */
  hasChampion: boolean;
  /** Monthly chance the current champion leaves the customer. */
  championLeaveHazard: number;
  /** Engagement lost while the champion seat is empty (0..1 share of seats). */
  championShock: number;
  /** 0..1: propensity for support tickets; 0.5 is the segment norm. */
  ticketPressure: number;
  /** Mean NPS the account's people give before other effects (0..10). */
  npsTendency: number;
  /** Steady-state share of licensed seats active each month, at the start. */
  engagementBase: number;
  /** Change of that share per month. */
  engagementTrend: number;
  /** Churn propensity no product signal can see (logit units): budget, M&A, politics. */
  hiddenRisk: number;
}

export function drawDrivers(seed: number, index: number, segment: DemoSegment): DemoDrivers {
  const rng = rngFor(seed, 'drivers', index);
  const p = SEGMENT_PROFILE[segment];
  const q = clamp(rng.normal(0.62, 0.2), 0.05, 1);
  const executiveSponsor = rng.chance(p.sponsorProb);
  const stability = clamp(rng.normal(0.6, 0.25), 0, 1);
  return {
    onboardingQuality: q,
    executiveSponsor,
    hasChampion: rng.chance(p.championProb),
    championLeaveHazard: 0.003 + 0.03 * (1 - stability),
    championShock: rng.float(0.1, 0.25),
    ticketPressure: clamp(rng.normal(0.45, 0.22), 0, 1),
    npsTendency: clamp(rng.normal(7.3, 1.5), 1, 10),
    engagementBase: clamp(0.3 + 0.4 * q + rng.normal(0, 0.12), 0.08, 0.95),
    engagementTrend:
      rng.normal(0.002, 0.011) + 0.006 * (q - 0.6) + (executiveSponsor ? 0.002 : -0.002),
    hiddenRisk: rng.normal(0, 0.5),
  };
}

/** Weights of the churn hazard's logit; docs/demo.md states the formula. */
export const HAZARD_WEIGHTS = {
  engagement: 4.0,
  champion: 2.0,
  sponsor: 1.2,
  tickets: 0.9,
  nps: 0.6,
  onboarding: 1.5,
  noiseSd: 0.6,
} as const;

export interface HazardInput {
  segment: DemoSegment;
  /** Mean engagement over the last three months. */
  engagement: number;
  /** Tickets over the last three months relative to the segment norm (1 = normal). */
  ticketRatio: number;
  /** Mean NPS over the last three months. */
  nps: number;
  /** 1 after the champion left, 0.5 with a new champion (< 6 months) or none ever named. */
  championGap: number;
  executiveSponsor: boolean;
  onboardingQuality: number;
  firstRenewal: boolean;
  hiddenRisk: number;
}

/** Each term's contribution to the logit, so a churn can name its main reason. */
export function hazardTerms(h: HazardInput): Record<string, number> {
  const w = HAZARD_WEIGHTS;
  const selfServe = h.segment === 'self_serve';
  return {
    engagement: w.engagement * (0.55 - h.engagement),
    champion: w.champion * h.championGap * (selfServe ? 0.4 : 1),
    sponsor: h.executiveSponsor || selfServe ? 0 : w.sponsor,
    tickets: w.tickets * (h.ticketRatio - 1),
    nps: (w.nps * (7 - h.nps)) / 3,
    onboarding: w.onboarding * (0.6 - h.onboardingQuality) * (h.firstRenewal ? 1 : 0.3),
    hidden: h.hiddenRisk,
  };
}

/** Annualised churn logit without the per-decision noise. */
export function hazardLogit(h: HazardInput): number {
  let x = SEGMENT_PROFILE[h.segment].intercept;
  for (const v of Object.values(hazardTerms(h))) x += v;
  return x;
}
