import type { BillingFrequency } from '../accounts/subscription/model.js';
import {
  CURRENCY_FACTOR,
  INDUSTRIES,
  REGION_WEIGHTS,
  SEAT_PRICE,
  SEGMENT_PROFILE,
  SEGMENTS,
  type DemoRegion,
  type DemoSegment,
  type PlanName,
} from './catalog.js';
import {
  billingId,
  companyName,
  companyStem,
  crmId,
  domainLabel,
  subsidiarySuffix,
  tldFor,
} from './names.js';
import { rngFor, type Rng } from './random.js';

/** How far back the demo's history reaches, in months before "today". */
export const HISTORY_MONTHS = 30;

/**
 * Who an account is, independent of the demo's "today": firmographics, hierarchy and the
 * first contract. Times are in month slots: slot m covers [today − m months, today − m + 1
 * months), so the same seed gives the same story whatever the calendar date.
 */
export interface Firm {
  index: number;
  parentIndex: number | null;
  name: string;
  domain: string;
  crmId: string;
  billingId: string;
  segment: DemoSegment;
  region: DemoRegion;
  industry: string;
  currency: 'USD' | 'EUR' | 'GBP';
  employees: number;
  /** Slot of the first subscription's start (1..HISTORY_MONTHS). */
  startSlot: number;
  /** Day offset within the start slot (0..27); renewals fall on the same offset. */
  startDay: number;
  termMonths: number;
  billing: BillingFrequency;
  autoRenew: boolean;
  plan: PlanName;
  seats: number;
  discount: number;
}

const SUBSIDIARY_SEGMENT: Record<DemoSegment, readonly (readonly [DemoSegment, number])[]> = {
  enterprise: [
    ['enterprise', 0.35],
    ['mid_market', 0.65],
  ],
  mid_market: [
    ['mid_market', 0.4],
    ['smb', 0.6],
  ],
  smb: [['smb', 1]],
  self_serve: [['self_serve', 1]],
};

/** Share of family heads that own 2–5 subsidiaries. */
const PARENT_SHARE: Record<DemoSegment, number> = {
  enterprise: 0.3,
  mid_market: 0.07,
  smb: 0,
  self_serve: 0,
};

function currencyFor(rng: Rng, region: DemoRegion): Firm['currency'] {
  if (region !== 'EMEA') return 'USD';
  return rng.weighted([
    ['EUR', 0.42],
    ['GBP', 0.22],
    ['USD', 0.36],
  ]);
}

function billingFor(rng: Rng, term: number, segment: DemoSegment): BillingFrequency {
  if (term === 1) return 'monthly';
  if (term >= 24) return rng.chance(0.5) ? 'multi_year' : 'annual';
  if (segment === 'mid_market' && rng.chance(0.3)) return 'quarterly';
  if (segment === 'smb' && rng.chance(0.4)) return 'monthly';
  return 'annual';
}

/** Whole-currency MRR in minor units: seats × local list price × (1 − discount). */
export function priceMinor(
  plan: PlanName,
  seats: number,
  discount: number,
  currency: string,
): number {
  const factor = CURRENCY_FACTOR[currency] ?? 1;
  const unit = Math.max(1, Math.round(SEAT_PRICE[plan] * factor));
  return Math.max(1, Math.round(seats * unit * (1 - discount))) * 100;
}

function contract(rng: Rng, segment: DemoSegment) {
  const p = SEGMENT_PROFILE[segment];
  const termMonths = rng.weighted(p.terms);
  return {
    termMonths,
    billing: billingFor(rng, termMonths, segment),
    autoRenew: termMonths === 1 ? true : rng.chance(segment === 'enterprise' ? 0.3 : 0.65),
    plan: rng.weighted(p.plans),
    seats: rng.logInt(p.seats[0], p.seats[1]),
    discount: Math.round(rng.float(p.discount[0], p.discount[1]) * 100) / 100,
    employees: rng.logInt(p.employees[0], p.employees[1]),
  };
}

interface Used {
  names: Set<string>;
  domains: Set<string>;
}

function uniqueHead(
  rng: Rng,
  used: Used,
  industry: string,
  tld: string,
): { name: string; domain: string } {
  for (let attempt = 0; attempt < 200; attempt++) {
    const stem = companyStem(rng);
    const name = companyName(rng, stem, industry);
    const domain = `${domainLabel(stem)}.${tld}`;
    if (!used.names.has(name) && !used.domains.has(domain)) return { name, domain };
  }
  // 80 × 54 stems × suffixes: only reached for huge demos; a number keeps it unique.
  const stem = `${companyStem(rng)}${used.names.size}`;
  return { name: stem, domain: `${domainLabel(stem)}.${tld}` };
}

function head(seed: number, index: number, used: Used): Firm {
  const rng = rngFor(seed, 'firm', index);
  const segment = rng.weighted(SEGMENTS.map((s) => [s, SEGMENT_PROFILE[s].weight] as const));
  const region = rng.weighted(REGION_WEIGHTS);
  const industry = rng.pick(INDUSTRIES);
  const currency = currencyFor(rng, region);
  const { name, domain } = uniqueHead(rng, used, industry, tldFor(currency, industry, rng));
  // A third of the book was already customers when the window opens, so renewals and
  // churn are observable from the first year on.
  const startSlot = rng.chance(0.3) ? rng.int(24, HISTORY_MONTHS) : rng.int(1, HISTORY_MONTHS);
  return {
    index,
    parentIndex: null,
    name,
    domain,
    crmId: crmId(seed, index),
    billingId: billingId(seed, index, rng),
    segment,
    region,
    industry,
    currency,
    startSlot,
    startDay: rng.int(0, 27),
    ...contract(rng, segment),
  };
}

function subsidiary(
  seed: number,
  index: number,
  parent: Firm,
  parentStem: string,
  used: Used,
): Firm {
  const rng = rngFor(seed, 'firm', index);
  const segment = rng.weighted(SUBSIDIARY_SEGMENT[parent.segment]);
  const region = rng.chance(0.5) ? parent.region : rng.weighted(REGION_WEIGHTS);
  const currency = currencyFor(rng, region);
  let name = '';
  let domain = '';
  for (let attempt = 0; attempt < 30 && !name; attempt++) {
    const suffix = subsidiarySuffix(rng, region);
    const n = `${parentStem} ${suffix}`;
    const d = `${domainLabel(parentStem)}-${domainLabel(suffix)}.${tldFor(currency, parent.industry, rng)}`;
    if (!used.names.has(n) && !used.domains.has(d)) [name, domain] = [n, d];
  }
  if (!name) {
    name = `${parentStem} Unit ${index}`;
    domain = `${domainLabel(parentStem)}-unit${index}.com`;
  }
  return {
    index,
    parentIndex: parent.index,
    name,
    domain,
    crmId: crmId(seed, index),
    billingId: billingId(seed, index, rng),
    segment,
    region,
    industry: parent.industry,
    currency,
    // Subsidiaries sign after the group deal, never before it.
    startSlot: Math.max(1, parent.startSlot - rng.int(0, 10)),
    startDay: rng.int(0, 27),
    ...contract(rng, segment),
  };
}

const cache = new Map<number, { firms: Firm[]; used: Used }>();

/**
 * The first `count` firms of a seed. Families are laid out in index order (a parent, then
 * its subsidiaries), so the firms for a smaller count are a prefix of those for a larger
 * one, and `demoSignals(seed, i)` finds account i without knowing the demo's size.
 */
export function layoutFirms(seed: number, count: number): Firm[] {
  let state = cache.get(seed);
  if (!state) {
    state = { firms: [], used: { names: new Set(), domains: new Set() } };
    if (cache.size > 4) cache.clear();
    cache.set(seed, state);
  }
  const { firms, used } = state;
  const remember = (f: Firm) => {
    firms.push(f);
    used.names.add(f.name);
    used.domains.add(f.domain);
  };
  while (firms.length < count) {
    const h = head(seed, firms.length, used);
    remember(h);
    const rng = rngFor(seed, 'family', h.index);
    if (!rng.chance(PARENT_SHARE[h.segment])) continue;
    const stem = h.name.split(' ')[0] ?? h.name;
    const children = rng.int(2, 5);
    // Always lay out the whole family, even past `count`, so prefixes stay stable.
    for (let k = 0; k < children; k++) remember(subsidiary(seed, firms.length, h, stem, used));
  }
  return firms.slice(0, count);
}
