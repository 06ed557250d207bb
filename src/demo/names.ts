import type { Rng } from './random.js';
import type { DemoRegion } from './catalog.js';

/**
 * Word lists for made-up companies and people. Stems are invented compounds so the demo
 * never names a real customer; collisions are resolved by the caller.
 */

/** Space-separated lists keep the vocabulary readable and the file short. */
function words(text: string): readonly string[] {
  return text.split(' ');
}

const STEM_A = words(
  'Alder Amber Arden Ash Aster Birch Blue Bright Brook Cedar Cinder Clear Cobalt Copper ' +
    'Coral Crest Dawn Delta Drift Ember Fern Fjord Flint Fox Frost Gale Glen Gold Granite ' +
    'Green Harbor Hazel High Iron Ivy Juniper Kestrel Lake Lark Linden Lumen Maple Marble ' +
    'Meadow Mesa Mill Moss North Oak Onyx Orchid Pine Quarry Quill Raven Red Ridge River ' +
    'Rowan Sage Salt Silver Slate Sol Spruce Stone Summit Swift Tern Thistle Tide Timber True ' +
    'Umber Vale Vesper West Willow Wren Yarrow',
);
const STEM_B = words(
  'bay beam bridge brook by cast cliff core crest dale field fold ford forge gate glade ' +
    'grove haven hill hollow hurst lane leaf light line loft mark mere mont moor mount nest ' +
    'path peak point port reach rock run shore side spire spring stead ton vale view wave ' +
    'well wick wood works wright yard',
);
const SUFFIX_BY_INDUSTRY: Record<string, readonly string[]> = {
  Software: ['Labs', 'Software', 'Systems', 'Technologies', 'Cloud', 'Data'],
  'Financial Services': ['Capital', 'Financial', 'Partners', 'Bancorp', 'Insurance', 'Lending'],
  Healthcare: ['Health', 'Medical', 'Clinics', 'Care', 'Biosciences', 'Diagnostics'],
  Retail: ['Market', 'Goods', 'Outfitters', 'Stores', 'Supply', 'Brands'],
  Manufacturing: ['Industries', 'Manufacturing', 'Components', 'Fabrication', 'Works', 'Tooling'],
  Education: ['Learning', 'Academy', 'Education', 'Schools', 'Institute', 'Tutoring'],
  Media: ['Media', 'Studios', 'Publishing', 'Network', 'Creative', 'Broadcasting'],
  Logistics: ['Logistics', 'Freight', 'Transport', 'Shipping', 'Couriers', 'Distribution'],
  'Professional Services': ['Consulting', 'Advisory', 'Group', 'Associates', 'Partners', 'Legal'],
  Telecommunications: ['Telecom', 'Networks', 'Communications', 'Connect', 'Wireless', 'Fiber'],
  Energy: ['Energy', 'Power', 'Renewables', 'Utilities', 'Solar', 'Grid'],
  Nonprofit: ['Foundation', 'Trust', 'Alliance', 'Initiative', 'Society', 'Fund'],
};
const SUBSIDIARY_BY_REGION: Record<DemoRegion, readonly string[]> = {
  'North America': ['US', 'Canada', 'Digital', 'Labs', 'Services', 'Retail', 'Health'],
  EMEA: ['Europe', 'UK', 'Deutschland', 'France', 'Nordics', 'Iberia', 'Benelux'],
  APAC: ['Asia Pacific', 'Japan', 'Australia', 'Singapore', 'India'],
  LATAM: ['Latin America', 'Brasil', 'Mexico', 'Chile'],
};

const FIRST = words(
  'Aaron Abigail Adrian Aisha Alex Alice Amir Ana Andre Anika Ben Bianca Carla Carlos Chen ' +
    'Chloe Daniel Dara David Diego Elena Eli Emma Erik Fatima Felix Grace Hana Hugo Ines ' +
    'Isaac Jamal Jana Jin Jonas Julia Kai Karin Kofi Laila Leo Lina Lucas Maria Mateo Mei Mia ' +
    'Nadia Nathan Nina Noah Olga Omar Paula Pedro Priya Rafael Rhea Rosa Ruth Samir Sara Sean ' +
    'Sina Tariq Tessa Theo Uma Victor Wei Yara Yusuf Zoe Zane Ingrid Marco Hiro Lena Owen Ivy',
);
const LAST = words(
  'Abbott Adeyemi Alvarez Andersen Bauer Bennett Berg Blake Brooks Castillo Chandra Clarke ' +
    'Costa Dahl Dubois Ekström Farouk Fischer Fontaine Garcia Grant Haddad Hansen Hartley ' +
    'Ibrahim Ito Jensen Kaur Keller Kim Kowalski Larsen Lehmann Lindqvist Lopez Mahmoud ' +
    'Martins Mensah Moreau Murphy Nakamura Novak Okoye Olsen Park Patel Pereira Quinn Reyes ' +
    'Rossi Sato Schmidt Shah Silva Sullivan Tanaka Torres Varga Vogel Walsh Weber Yilmaz ' +
    'Zhang',
);

export const TITLES = {
  champion: [
    'Director of Operations',
    'Head of Customer Operations',
    'VP Operations',
    'Head of Support',
    'Operations Manager',
  ],
  economic_buyer: ['CFO', 'VP Finance', 'COO', 'Head of Procurement', 'Finance Director'],
  executive_sponsor: [
    'Chief Customer Officer',
    'CEO',
    'SVP Customer Experience',
    'Chief Operating Officer',
  ],
  technical_lead: [
    'IT Manager',
    'Head of IT',
    'Lead Engineer',
    'Solutions Architect',
    'Systems Administrator',
  ],
  power_user: [
    'Support Team Lead',
    'Operations Analyst',
    'Customer Success Specialist',
    'Service Coordinator',
  ],
  user: ['Analyst', 'Account Manager', 'Team Lead', 'Specialist', 'Coordinator', 'Associate'],
} as const;

export function personName(rng: Rng): string {
  return `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
}

/** ASCII local part for an email address: "Ana Ekström" → "ana.ekstrom". */
export function emailLocal(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '.')
    .replace(/^\.|\.$/g, '');
}

export function companyStem(rng: Rng): string {
  return `${rng.pick(STEM_A)}${rng.pick(STEM_B)}`;
}

export function companyName(rng: Rng, stem: string, industry: string): string {
  const suffixes = SUFFIX_BY_INDUSTRY[industry] ?? ['Group'];
  return rng.chance(0.8) ? `${stem} ${rng.pick(suffixes)}` : stem;
}

export function subsidiarySuffix(rng: Rng, region: DemoRegion): string {
  return rng.pick(SUBSIDIARY_BY_REGION[region]);
}

export function tldFor(currency: string, industry: string, rng: Rng): string {
  if (currency === 'GBP') return 'co.uk';
  if (currency === 'EUR') return rng.pick(['eu', 'de', 'fr', 'nl', 'com']);
  if (industry === 'Software') return rng.pick(['io', 'com', 'dev']);
  if (industry === 'Nonprofit') return 'org';
  return 'com';
}

export function domainLabel(text: string): string {
  return emailLocal(text).replace(/\./g, '');
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(n: number, width: number): string {
  let out = '';
  let x = n;
  for (let i = 0; i < width; i++) {
    out = BASE62[x % 62] + out;
    x = Math.floor(x / 62);
  }
  return out;
}

const SPACE5 = 62 ** 5;

/**
 * A bijection of the account index onto 62^5 codes, so CRM ids look random yet can never
 * collide (the multiplier is coprime to 62^5). The offset varies with the seed.
 */
export function accountCode(seed: number, index: number): number {
  const offset = (seed * 7919) % SPACE5;
  return (index * 387_420_489 + offset) % SPACE5;
}

const MULTIPLIER_INVERSE = (() => {
  // Extended Euclid on 3^18 mod 62^5, once.
  let [a, m] = [BigInt(387_420_489), BigInt(SPACE5)];
  let [x0, x1] = [0n, 1n];
  const mod = m;
  while (a > 1n) {
    const q = a / m;
    [a, m] = [m, a % m];
    [x0, x1] = [x1 - q * x0, x0];
  }
  return ((x1 % mod) + mod) % mod;
})();

/** The demo account index behind a CRM id made by `crmId`, or null for any other id. */
export function demoIndexOfCrmId(seed: number, id: string): number | null {
  const m = /^0015g00000([0-9A-Za-z]{5})$/.exec(id);
  if (!m) return null;
  let code = 0;
  for (const ch of m[1]!) code = code * 62 + BASE62.indexOf(ch);
  const offset = (seed * 7919) % SPACE5;
  const n = BigInt(SPACE5);
  const index = ((((BigInt(code - offset) % n) + n) % n) * MULTIPLIER_INVERSE) % n;
  return Number(index);
}

/** Salesforce-style 15-character account id, e.g. 0015g00000AbCdE. */
export function crmId(seed: number, index: number): string {
  return `0015g00000${base62(accountCode(seed, index), 5)}`;
}

/** Salesforce-style contact id: the account code and the contact's number on it. */
export function contactCrmId(seed: number, index: number, n: number): string {
  // 62^5 codes × 32 contact numbers still fit in six base-62 digits.
  return `0035g0000${base62(accountCode(seed, index) * 32 + (n % 32), 6)}`;
}

/** Stripe-style customer id: unique prefix from the account code, random tail. */
export function billingId(seed: number, index: number, rng: Rng): string {
  let tail = '';
  for (let i = 0; i < 9; i++) tail += BASE62[rng.int(0, 61)];
  return `cus_${base62(accountCode(seed, index), 5)}${tail}`;
}

/** Stripe-style subscription id: account code and sequence keep it unique. */
export function subscriptionExternalId(seed: number, index: number, n: number, rng: Rng): string {
  let tail = '';
  for (let i = 0; i < 10; i++) tail += BASE62[rng.int(0, 61)];
  return `sub_1${base62(accountCode(seed, index), 5)}${base62(n, 2)}${tail}`;
}
