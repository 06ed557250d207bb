/**
 * The fixed facts of the demo company "Lumora": what it sells, to whom, and who looks
 * after its customers. Tuned by hand so the book looks like a B2B SaaS vendor of about
 * $85M ARR.
 */

export const SEGMENTS = ['enterprise', 'mid_market', 'smb', 'self_serve'] as const;
export type DemoSegment = (typeof SEGMENTS)[number];

export const REGIONS = ['North America', 'EMEA', 'APAC', 'LATAM'] as const;
export type DemoRegion = (typeof REGIONS)[number];

export const PLANS = ['Starter', 'Team', 'Business', 'Enterprise'] as const;
export type PlanName = (typeof PLANS)[number];

/** List price per seat per month in whole USD; EUR and GBP lists are set below. */
export const SEAT_PRICE: Record<PlanName, number> = {
  Starter: 19,
  Team: 35,
  Business: 55,
  Enterprise: 79,
};

/** Local list prices are rounded conversions, as a vendor's price book would be. */
export const CURRENCY_FACTOR: Record<string, number> = { USD: 1, EUR: 0.92, GBP: 0.79 };

export const CORE_PRODUCT = 'Lumora Workspace';
export const ADDONS = [
  { plan: 'Insights', product: 'Lumora Insights', share: 0.18 },
  { plan: 'Premium Support', product: 'Premium Support', share: 0.1 },
  { plan: 'Sandboxes', product: 'Extra Sandboxes', share: 0.06 },
] as const;

export interface SegmentProfile {
  /** Share of family heads drawn in this segment. */
  weight: number;
  /** Seat range (log-uniform). */
  seats: readonly [number, number];
  plans: readonly (readonly [PlanName, number])[];
  /** Volume discount range off list price. */
  discount: readonly [number, number];
  /** Contract term in months, weighted: 1 means month-to-month. */
  terms: readonly (readonly [number, number])[];
  employees: readonly [number, number];
  contacts: readonly [number, number];
  /** Chance the buying team includes an executive sponsor. */
  sponsorProb: number;
  /** Chance a champion is named at the start. */
  championProb: number;
  /** Expected support tickets per month for an average account. */
  ticketNorm: number;
  /** Chance of a logged CSM activity in a live month. */
  touchRate: number;
  /** Logistic intercept of the annualised churn hazard (see docs/demo.md). */
  intercept: number;
}

export const SEGMENT_PROFILE: Record<DemoSegment, SegmentProfile> = {
  enterprise: {
    weight: 0.055,
    seats: [120, 1500],
    plans: [['Enterprise', 1]],
    discount: [0.2, 0.4],
    terms: [
      [12, 0.7],
      [24, 0.3],
    ],
    employees: [2000, 90000],
    contacts: [5, 8],
    sponsorProb: 0.72,
    championProb: 0.95,
    ticketNorm: 12,
    touchRate: 0.85,
    intercept: -3.0,
  },
  mid_market: {
    weight: 0.18,
    seats: [30, 260],
    plans: [
      ['Business', 0.7],
      ['Enterprise', 0.3],
    ],
    discount: [0.05, 0.2],
    terms: [
      [12, 0.9],
      [24, 0.1],
    ],
    employees: [200, 2500],
    contacts: [3, 6],
    sponsorProb: 0.55,
    championProb: 0.9,
    ticketNorm: 5,
    touchRate: 0.5,
    intercept: -2.6,
  },
  smb: {
    weight: 0.36,
    seats: [5, 45],
    plans: [
      ['Team', 0.65],
      ['Business', 0.35],
    ],
    discount: [0, 0.08],
    terms: [
      [12, 0.6],
      [1, 0.4],
    ],
    employees: [15, 250],
    contacts: [2, 4],
    sponsorProb: 0.35,
    championProb: 0.8,
    ticketNorm: 2,
    touchRate: 0.22,
    intercept: -2.1,
  },
  self_serve: {
    weight: 0.405,
    seats: [1, 14],
    plans: [
      ['Starter', 0.6],
      ['Team', 0.4],
    ],
    discount: [0, 0],
    terms: [
      [1, 0.85],
      [12, 0.15],
    ],
    employees: [1, 60],
    contacts: [1, 2],
    sponsorProb: 0.08,
    championProb: 0.45,
    ticketNorm: 0.4,
    touchRate: 0.05,
    intercept: -1.7,
  },
};

export const REGION_WEIGHTS: readonly (readonly [DemoRegion, number])[] = [
  ['North America', 0.55],
  ['EMEA', 0.27],
  ['APAC', 0.11],
  ['LATAM', 0.07],
];

export const INDUSTRIES = [
  'Software',
  'Financial Services',
  'Healthcare',
  'Retail',
  'Manufacturing',
  'Education',
  'Media',
  'Logistics',
  'Professional Services',
  'Telecommunications',
  'Energy',
  'Nonprofit',
] as const;

export const CHURN_NOTES: Record<string, readonly string[]> = {
  value: [
    'Did not see enough value for the price; usage never reached the rollout plan.',
    'Team went back to spreadsheets; adoption stayed low after launch.',
  ],
  product: [
    'Recurring performance problems and open escalations; lost confidence in the platform.',
    'Missing integrations they needed; too many support tickets unresolved.',
  ],
  relationship: [
    'Our champion left and nobody on their side owned the tool afterwards.',
    'No executive support for the renewal; the new leadership did not know us.',
  ],
  financial: [
    'Budget cuts across the department; all non-essential tools cancelled.',
    'Cost reduction programme after a hard year.',
  ],
  competition: [
    'Moved to a competing platform bundled with their CRM.',
    'Chose a cheaper competitor after an RFP.',
  ],
  strategic: [
    'Acquired; the parent company standardised on its own tooling.',
    'Company changed direction and closed the team that used us.',
  ],
};

/**
 * The team. Each CSM covers a slice of segment × region, so the portfolio view has a
 * recognisable shape: two enterprise CSMs, three mid-market, two SMB, one digital CSM.
 */
export interface DemoUser {
  key: string;
  name: string;
  role: 'csm' | 'manager' | 'admin';
  covers: readonly (readonly [DemoSegment, readonly DemoRegion[]])[];
}

const ALL_REGIONS: readonly DemoRegion[] = REGIONS;
const INTL: readonly DemoRegion[] = ['EMEA', 'APAC', 'LATAM'];

export const DEMO_USERS: readonly DemoUser[] = [
  { key: 'ent-na', name: 'Maya Okafor', role: 'csm', covers: [['enterprise', ['North America']]] },
  { key: 'ent-intl', name: 'Lukas Brandt', role: 'csm', covers: [['enterprise', INTL]] },
  { key: 'mm-na', name: 'Priya Raman', role: 'csm', covers: [['mid_market', ['North America']]] },
  { key: 'mm-emea', name: 'Sofia Marchetti', role: 'csm', covers: [['mid_market', ['EMEA']]] },
  {
    key: 'mm-apac',
    name: 'Kenji Watanabe',
    role: 'csm',
    covers: [['mid_market', ['APAC', 'LATAM']]],
  },
  { key: 'smb-na', name: 'Jordan Ellis', role: 'csm', covers: [['smb', ['North America']]] },
  { key: 'smb-intl', name: 'Amara Nwosu', role: 'csm', covers: [['smb', INTL]] },
  { key: 'digital', name: 'Sam Whitaker', role: 'csm', covers: [['self_serve', ALL_REGIONS]] },
  { key: 'manager', name: 'Elena Vasquez', role: 'manager', covers: [] },
  { key: 'admin', name: 'Tom Becker', role: 'admin', covers: [] },
];

export function demoEmail(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@demo.tenure.dev`;
}

/** The CSM who owns accounts of this segment and region. */
export function ownerKeyFor(segment: DemoSegment, region: DemoRegion): string {
  for (const u of DEMO_USERS) {
    for (const [seg, regions] of u.covers) {
      if (seg === segment && regions.includes(region)) return u.key;
    }
  }
  throw new Error(`no demo CSM covers ${segment} in ${region}`);
}
