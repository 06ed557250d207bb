import type { MeasureId } from '../measures/registry.js';
import type { HealthModelDef, ModelMeasure, ScoreBand } from './definition.js';

/**
 * The models Tenure ships with (C1). They are starting points: an admin copies one, then tunes
 * bands and weights against their own renewals (the backtest, C4, says how well they predict).
 */

/**
 * Bands from cut points: `scores[0]` below `cuts[0]`, `scores[i]` in [cuts[i-1], cuts[i]),
 * the last score from the last cut up. Keeps the presets short and gap-free by construction.
 */
export function ladder(scores: readonly number[], cuts: readonly number[]): ScoreBand[] {
  return scores.map((score, i) => ({
    ...(i > 0 ? { min: cuts[i - 1]! } : {}),
    ...(i < cuts.length ? { max: cuts[i]! } : {}),
    score,
  }));
}

const measure = (id: MeasureId, bands: ScoreBand[], weight?: number): ModelMeasure =>
  weight === undefined ? { measure: id, bands } : { measure: id, weight, bands };

// Shared scales; each comment says what the cut points stand for.

/** DAU/MAU: under 20% is weak, 20–40% middling, over 40% a daily habit. */
const stickiness = ladder([1, 3, 5, 6, 8, 10], [0.1, 0.2, 0.3, 0.4, 0.55]);
/** Share of features in use; under half is where adoption nudges start. */
const featureBreadth = ladder([2, 4, 6, 8, 10], [0.2, 0.35, 0.5, 0.7]);
/** Active users over seats; above 80% is strong adoption (and a seat expansion signal). */
const seatUtilisation = ladder([1, 3, 5, 7, 10], [0.2, 0.4, 0.6, 0.8]);
/**
 * Active days per active user in 30 days: under once a week is dormant, once or twice a week
 * casual, three or four times a week regular, near daily a power user.
 */
const loginFrequency = ladder([0, 2, 5, 7, 9, 10], [1, 4, 8, 13, 20]);
/** Active users against the month before, %: a fall over 30% is an early churn sign. */
const activeUsersTrend = ladder([0, 3, 5, 8, 10], [-30, -10, 10, 25]);
const openTickets = ladder([10, 8, 5, 3, 1], [1, 3, 6, 10]);
const urgentTickets = ladder([10, 5, 2, 0], [1, 2, 4]);
/**
 * Tickets opened against the month before, %. Fewer tickets do not score higher than steady:
 * a spike followed by silence is itself a churn sign.
 */
const ticketTrend = ladder([8, 5, 3, 1], [10, 50, 100]);
/** Ticket satisfaction 1–5; 4.5 and up is the usual target. */
const csat = ladder([1, 3, 5, 7, 10], [3, 3.5, 4, 4.5]);
/**
 * The account's net promoter score: below zero detractors (answers 0–6) outnumber promoters;
 * 50 and up is a strong advocate base.
 */
const nps = ladder([0, 2, 5, 7, 10], [-30, 0, 30, 50]);
/** Change of the average 0–10 answer between the last two quarters. */
const npsTrend = ladder([1, 3, 5, 8, 10], [-2, -0.5, 0.5, 2]);
/** Days since the last touch: a month of silence is a warning, a quarter a lost thread. */
const lastTouchDays = ladder([10, 7, 4, 2, 0], [14, 30, 60, 90]);
/** Days to renewal: inside 90 days renewal prep should be under way, inside 30 it is late. */
const daysToRenewal = ladder([3, 6, 9], [30, 90]);
/** Failed or late payments in 90 days. */
const paymentIssues = ladder([9, 4, 1], [1, 2]);
/** Revenue lost to downgrades, % of what it was. */
const contraction = ladder([10, 6, 3, 0], [1, 10, 25]);
/** The 1–10 manual scales read as they are. */
const manualScale = ladder([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 3, 4, 5, 6, 7, 8, 9, 10]);

/**
 * Three pillars, 40/30/30. Product is how much the product is used, Relationship how well the
 * people are connected, Outcomes whether the customer gets what they bought it for.
 */
export const THREE_PILLARS: HealthModelDef = {
  key: 'three-pillars',
  name: 'Three pillars',
  description:
    'Product use, relationship and outcomes weighted 40/30/30. Green from 80, yellow from 60, red below.',
  dimensions: [
    {
      key: 'product',
      name: 'Product',
      weight: 40,
      measures: [
        measure('usage.login_frequency', loginFrequency),
        measure('usage.feature_breadth', featureBreadth),
        measure('usage.seat_utilisation', seatUtilisation),
        measure('support.open_tickets', openTickets),
      ],
    },
    {
      key: 'relationship',
      name: 'Relationship',
      weight: 30,
      measures: [
        measure('manual.executive_engagement', manualScale),
        measure('relationship.last_touch_days', lastTouchDays),
        measure('voice.nps', nps),
        measure('relationship.champion', ladder([2, 9], [1])),
      ],
    },
    {
      key: 'outcomes',
      name: 'Outcomes',
      weight: 30,
      measures: [
        // The CSM's read is the closest measure of goals met and value shown, so it counts double.
        measure('manual.csm_sentiment', manualScale, 2),
        measure('commercial.contraction', contraction),
        measure('usage.active_users_trend', activeUsersTrend),
      ],
    },
  ],
  tiers: [
    { name: 'Green', min: 80, color: 'green' },
    { name: 'Yellow', min: 60, color: 'yellow' },
    { name: 'Red', min: 0, color: 'red' },
  ],
};

/** Five dimensions, 30/20/15/20/15, with four tiers so at-risk accounts get their own band. */
export const FIVE_DIMENSIONS: HealthModelDef = {
  key: 'five-dimensions',
  name: 'Five dimensions',
  description:
    'Product usage, engagement, relationship, outcomes and financial signals weighted 30/20/15/20/15.',
  dimensions: [
    {
      key: 'product_usage',
      name: 'Product Usage',
      weight: 30,
      measures: [
        measure('usage.stickiness', stickiness, 2),
        measure('usage.feature_breadth', featureBreadth),
        measure('usage.login_frequency', loginFrequency),
        measure('usage.seat_utilisation', seatUtilisation),
      ],
    },
    {
      key: 'engagement',
      name: 'Engagement',
      weight: 20,
      measures: [
        // Whether use is growing, flat or falling is the core of engagement.
        measure('usage.active_users_trend', activeUsersTrend, 2),
        measure('support.ticket_trend', ticketTrend),
        measure('support.urgent_tickets', urgentTickets),
        measure('relationship.last_touch_days', lastTouchDays),
      ],
    },
    {
      key: 'relationship',
      name: 'Relationship',
      weight: 15,
      measures: [
        // No champion scores low, a champion alone middling, champion plus sponsor high.
        measure('relationship.champion', ladder([2, 6], [1]), 2),
        measure('relationship.executive_sponsor', ladder([2, 9], [1])),
        measure('manual.executive_engagement', manualScale),
      ],
    },
    {
      key: 'outcomes',
      name: 'Outcomes',
      weight: 20,
      measures: [
        measure('manual.csm_sentiment', manualScale, 2),
        measure('voice.nps', nps),
        measure('voice.nps_trend', npsTrend),
        measure('support.csat', csat),
      ],
    },
    {
      key: 'financial',
      name: 'Financial',
      weight: 15,
      measures: [
        measure('commercial.payment_issues', paymentIssues, 2),
        measure('commercial.contraction', contraction, 2),
        measure('commercial.days_to_renewal', daysToRenewal),
      ],
    },
  ],
  tiers: [
    { name: 'Thriving', min: 80, color: 'green' },
    { name: 'Healthy', min: 60, color: 'yellow' },
    { name: 'At-Risk', min: 40, color: 'orange' },
    { name: 'Critical', min: 0, color: 'red' },
  ],
};

export const PRESET_MODELS: HealthModelDef[] = [THREE_PILLARS, FIVE_DIMENSIONS];
