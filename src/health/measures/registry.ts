/**
 * Every measure a health model may use, by id: what it means, its unit, and which way is
 * better. The ids are the contract between models (which score them), the measure
 * computation (which produces their values as of a day) and the API. Pure data.
 */

export const MEASURE_IDS = [
  // Usage (product rollups, 30-day windows ending on the as-of day)
  'usage.stickiness',
  'usage.feature_breadth',
  'usage.seat_utilisation',
  'usage.login_frequency',
  'usage.active_users_trend',
  // Support (tickets)
  'support.open_tickets',
  'support.urgent_tickets',
  'support.ticket_trend',
  'support.csat',
  // Voice of the customer (surveys)
  'voice.nps',
  'voice.nps_trend',
  // Relationship (contacts, timeline)
  'relationship.champion',
  'relationship.executive_sponsor',
  'relationship.last_touch_days',
  // Commercial (subscriptions, revenue movements, timeline)
  'commercial.days_to_renewal',
  'commercial.payment_issues',
  'commercial.contraction',
  // Manual (entered by the CSM; missing once stale)
  'manual.csm_sentiment',
  'manual.executive_engagement',
] as const;

export type MeasureId = (typeof MEASURE_IDS)[number];

export type MeasureFamily =
  'usage' | 'support' | 'voice' | 'relationship' | 'commercial' | 'manual';

export interface MeasureInfo {
  id: MeasureId;
  family: MeasureFamily;
  label: string;
  /** What the number is, in words a CSM reads. */
  description: string;
  unit: 'ratio' | 'count' | 'days' | 'score' | 'flag' | 'percent';
  /** Whether a larger value is healthier; flags are 1 (yes) or 0 (no). */
  higherIsBetter: boolean;
  /** Plausible range, for validation of manual entries and for tests. */
  min: number;
  max: number | null;
}

const m = (
  id: MeasureId,
  label: string,
  description: string,
  unit: MeasureInfo['unit'],
  higherIsBetter: boolean,
  min: number,
  max: number | null,
): MeasureInfo => ({
  id,
  family: id.split('.')[0] as MeasureFamily,
  label,
  description,
  unit,
  higherIsBetter,
  min,
  max,
});

export const MEASURES: Readonly<Record<MeasureId, MeasureInfo>> = {
  'usage.stickiness': m(
    'usage.stickiness',
    'DAU/MAU',
    'Average daily active users over 30 days divided by the users active in those 30 days',
    'ratio',
    true,
    0,
    1,
  ),
  'usage.feature_breadth': m(
    'usage.feature_breadth',
    'Feature breadth',
    'Share of the configured features used in the last 30 days',
    'ratio',
    true,
    0,
    1,
  ),
  'usage.seat_utilisation': m(
    'usage.seat_utilisation',
    'Seat utilisation',
    'Users active in the last 30 days divided by licensed seats',
    'ratio',
    true,
    0,
    null,
  ),
  'usage.login_frequency': m(
    'usage.login_frequency',
    'Login frequency',
    'Active days per active user in the last 30 days',
    'count',
    true,
    0,
    30,
  ),
  'usage.active_users_trend': m(
    'usage.active_users_trend',
    'Active users trend',
    'Change in users active in the last 30 days against the 30 days before, in percent',
    'percent',
    true,
    -100,
    null,
  ),
  'support.open_tickets': m(
    'support.open_tickets',
    'Open tickets',
    'Support tickets open on the day',
    'count',
    false,
    0,
    null,
  ),
  'support.urgent_tickets': m(
    'support.urgent_tickets',
    'Urgent tickets',
    'Open tickets with urgent or high priority, or escalated, on the day',
    'count',
    false,
    0,
    null,
  ),
  'support.ticket_trend': m(
    'support.ticket_trend',
    'Ticket trend',
    'Tickets opened in the last 30 days against the 30 days before, in percent',
    'percent',
    false,
    -100,
    null,
  ),
  'support.csat': m(
    'support.csat',
    'CSAT',
    'Average ticket satisfaction (1–5) over the last 90 days',
    'score',
    true,
    1,
    5,
  ),
  'voice.nps': m(
    'voice.nps',
    'NPS',
    "Net promoter score of the account's survey answers in the last 180 days (−100 to 100)",
    'score',
    true,
    -100,
    100,
  ),
  'voice.nps_trend': m(
    'voice.nps_trend',
    'NPS trend',
    'Average NPS answer (0–10) in the last 90 days minus the 90 days before',
    'score',
    true,
    -10,
    10,
  ),
  'relationship.champion': m(
    'relationship.champion',
    'Champion present',
    'A contact marked champion who has not left',
    'flag',
    true,
    0,
    1,
  ),
  'relationship.executive_sponsor': m(
    'relationship.executive_sponsor',
    'Executive sponsor present',
    'A contact marked executive sponsor who has not left',
    'flag',
    true,
    0,
    1,
  ),
  'relationship.last_touch_days': m(
    'relationship.last_touch_days',
    'Days since last touch',
    'Days since the last note, call, meeting or email on the timeline',
    'days',
    false,
    0,
    null,
  ),
  'commercial.days_to_renewal': m(
    'commercial.days_to_renewal',
    'Days to renewal',
    'Days until the next renewal of a live subscription',
    'days',
    true,
    0,
    null,
  ),
  'commercial.payment_issues': m(
    'commercial.payment_issues',
    'Payment issues',
    'Failed or late payments recorded in the last 90 days',
    'count',
    false,
    0,
    null,
  ),
  'commercial.contraction': m(
    'commercial.contraction',
    'Contraction',
    'Recurring revenue lost to downgrades in the last 180 days, in percent of what it was',
    'percent',
    false,
    0,
    100,
  ),
  'manual.csm_sentiment': m(
    'manual.csm_sentiment',
    'CSM sentiment',
    "The CSM's read of the account, 1 (poor) to 10 (excellent)",
    'score',
    true,
    1,
    10,
  ),
  'manual.executive_engagement': m(
    'manual.executive_engagement',
    'Executive engagement',
    "How engaged the customer's executives are, 1 (absent) to 10 (closely involved)",
    'score',
    true,
    1,
    10,
  ),
};

export function isMeasureId(v: string): v is MeasureId {
  return (MEASURE_IDS as readonly string[]).includes(v);
}

/** A measure's value for one account as of one day; null when there is no data for it. */
export type MeasureValues = Readonly<Record<MeasureId, number | null>>;

export const MANUAL_MEASURES = MEASURE_IDS.filter((id) => id.startsWith('manual.'));
