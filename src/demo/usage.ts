import { daysBetween } from '../core/clock.js';
import type {
  ProductUsersTable,
  UsageDailyEventTable,
  UsageDailyUserEventTable,
  UsageDailyUserTable,
} from '../db/schema.js';
import type { DemoRegion } from './catalog.js';
import type { ContactPlan } from './contacts.js';
import { ADDON_BITS, WORKDAY_UTC, type AccountDays, type DemoCalendar } from './days.js';
import { emailLocal, personName } from './names.js';
import { rngFor, type Rng } from './random.js';
import type { PlanEvent } from './types.js';

/**
 * Lumora Workspace's product events: name, feature (the `usage.features` setting), chance
 * a user does it on an active day, and the most times they do. `broad` events need wider
 * adoption (engaged accounts use more of the product); `addon` ones need that add-on.
 */
interface ProductEvent {
  name: string;
  feature: string;
  p: number;
  max: number;
  broad: boolean;
  addon: number;
}

const ev = (name: string, feature: string, p: number, max: number, broad = true, addon = 0) =>
  ({ name, feature, p, max, broad, addon }) satisfies ProductEvent;

export const PRODUCT_EVENTS: readonly ProductEvent[] = [
  ev('Dashboard Viewed', 'dashboards', 0.6, 6, false),
  ev('Record Updated', 'core', 0.2, 12, false),
  ev('Login', 'core', 0.08, 2, false),
  ev('Search Performed', 'search', 0.12, 5),
  ev('Comment Added', 'collaboration', 0.07, 4),
  ev('Report Created', 'reporting', 0.05, 2),
  ev('Export Run', 'exports', 0.035, 2),
  ev('Automation Created', 'automation', 0.015, 1),
  ev('User Invited', 'collaboration', 0.006, 3),
  ev('Integration Connected', 'integrations', 0.003, 1),
  ev('Insights Viewed', 'insights', 0.25, 4, false, ADDON_BITS.Insights),
  ev('Sandbox Created', 'sandboxes', 0.02, 1, false, ADDON_BITS.Sandboxes),
];

/** The `usage.features` mapping the demo installs when none is set. */
export const DEMO_FEATURES: Record<string, string> = Object.fromEntries(
  PRODUCT_EVENTS.map((e) => [e.name, e.feature]),
);

/**
 * People who use the product at an account with this many seats. Every seat up to 25;
 * above that the demo models a sample that grows with the square root of the seats, so
 * 2,000 accounts of 13 months stay a few million rows (see docs/demo.md).
 */
const SMALL = 60;

export function productSeats(seats: number): number {
  return seats <= SMALL ? seats : Math.round(SMALL * Math.sqrt(seats / SMALL));
}

const ROLE_PULL: Record<string, number> = {
  champion: 0.95,
  power_user: 0.88,
  technical_lead: 0.78,
  economic_buyer: 0.3,
  executive_sponsor: 0.12,
};

interface PoolUser {
  key: string;
  name: string;
  email: string;
  /** Rank weight: who is active first when few are. */
  w: number;
  /** Chance of being active on a working day of a month they are active in. */
  p: number;
  /** Window days they are around for: [from, until). */
  from: number;
  until: number;
}

export interface UsageInput {
  seed: number;
  index: number;
  accountId: string;
  domain: string;
  region: DemoRegion;
  cal: DemoCalendar;
  days: AccountDays;
  events: readonly PlanEvent[];
}

export interface UsageRows {
  userDays: UsageDailyUserTable[];
  eventDays: UsageDailyEventTable[];
  userEvents: UsageDailyUserEventTable[];
  users: ProductUsersTable[];
}

/** Contacts use the product while they are at the customer; the rest are generated. */
function pool(input: UsageInput, rng: Rng): { contacts: PoolUser[]; others: PoolUser[] } {
  const { cal, index, events } = input;
  const start = cal.days[0]!;
  const n = cal.days.length;
  const byKey = new Map<string, PoolUser>();
  const contacts: PoolUser[] = [];
  let k = 0;
  const emails = new Set<string>();
  for (const e of events) {
    if (e.type === 'add_contact') {
      const c: ContactPlan = e.contact;
      const pulls = c.roles.flatMap((r) => (ROLE_PULL[r] === undefined ? [] : [ROLE_PULL[r]]));
      const w = (pulls.length ? Math.max(...pulls) : 0.55) * (0.85 + 0.15 * rng.next());
      const u: PoolUser = {
        key: `demo-${index}-${k++}`,
        name: c.name,
        email: c.email,
        w,
        p: 0.05 + 0.45 * w * w,
        from: daysBetween(start, e.date),
        until: n,
      };
      emails.add(c.email);
      byKey.set(c.key, u);
      contacts.push(u);
    } else if (e.type === 'contact_left') {
      const u = byKey.get(e.contact);
      if (u) u.until = daysBetween(start, e.date);
    }
  }
  let peak = 0;
  for (let d = 0; d < n; d++) peak = Math.max(peak, productSeats(input.days.seats[d]!));
  // Big customers have more occasional users: they show up less often.
  const casual = peak <= 30 ? 1 : Math.sqrt(30 / peak);
  const others: PoolUser[] = [];
  for (let i = contacts.length; i < peak; i++) {
    let name = personName(rng);
    let email = `${emailLocal(name)}@${input.domain}`;
    if (emails.has(email)) {
      name = `${name} ${String.fromCharCode(65 + (i % 26))}.`;
      email = `${emailLocal(name)}${i}@${input.domain}`;
    }
    emails.add(email);
    const w = rng.next() * 0.9;
    others.push({
      key: `demo-${index}-${k++}`,
      name,
      email,
      w,
      p: (0.03 + 0.28 * w * w) * casual,
      from: -1,
      until: n,
    });
  }
  return { contacts, others };
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The instant `sec` seconds into `day`, as an ISO string (cheaper than Date here). */
function at(day: string, sec: number): string {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return `${day}T${pad2(h)}:${pad2(m)}:${pad2(sec % 60)}.000Z`;
}

/** Events in name order: rollup rows are emitted in primary-key order (faster inserts). */
const BY_NAME = PRODUCT_EVENTS.map((_, j) => j).sort((a, b) =>
  PRODUCT_EVENTS[a]!.name < PRODUCT_EVENTS[b]!.name ? -1 : 1,
);

/** One account's rows for one day at a time: what each active user did, and the totals. */
class DayWriter {
  readonly seen = new Map<PoolUser, { first: string; last: string; events: number }>();
  private readonly events = new Int32Array(PRODUCT_EVENTS.length);
  private readonly who: string[][] = PRODUCT_EVENTS.map(() => []);
  private readonly hour0: number;

  constructor(
    private readonly input: UsageInput,
    private readonly rng: Rng,
    private readonly out: UsageRows,
  ) {
    this.hour0 = WORKDAY_UTC[input.region];
  }

  emit(d: number, list: PoolUser[]): void {
    const { cal, days, accountId } = this.input;
    const rng = this.rng;
    const day = cal.days[d]!;
    const breadth = Math.min(1, 0.25 + 1.1 * days.engagement[d]!);
    const addons = days.addons[d]!;
    this.events.fill(0);
    for (const w of this.who) w.length = 0;
    list.sort((x, y) => (x.key < y.key ? -1 : 1));
    for (const u of list) {
      let total = 0;
      for (let j = 0; j < PRODUCT_EVENTS.length; j++) {
        const pe = PRODUCT_EVENTS[j]!;
        if (pe.addon && !(addons & pe.addon)) continue;
        if (rng.next() >= pe.p * (pe.broad ? breadth : 1)) continue;
        const count = pe.max === 1 ? 1 : 1 + Math.floor(rng.next() * pe.max);
        this.events[j]! += count;
        this.who[j]!.push(u.key);
        total += count;
      }
      if (total === 0) {
        // Everyone who shows up at least looks at a dashboard.
        total = 1;
        this.events[0]! += 1;
        this.who[0]!.push(u.key);
      }
      const session = Math.round(60 + total * (25 + 70 * rng.next()));
      const from = Math.floor((this.hour0 + rng.next() * 8) * 3600);
      const to = Math.min(86_399, from + Math.round(session * (1 + 2 * rng.next())));
      const first = at(day, from);
      const last = at(day, to);
      this.out.userDays.push({
        account_id: accountId,
        day,
        user_key: u.key,
        events: total,
        session_seconds: session,
        first_at: first,
        last_at: last,
      });
      const s = this.seen.get(u);
      if (s) {
        s.last = last;
        s.events += total;
      } else this.seen.set(u, { first, last, events: total });
    }
    for (const j of BY_NAME) {
      const who = this.who[j]!;
      if (who.length === 0) continue;
      const event = PRODUCT_EVENTS[j]!.name;
      const users = this.out.userEvents;
      for (const key of who) users.push({ account_id: accountId, day, event, user_key: key });
      this.out.eventDays.push({
        account_id: accountId,
        day,
        event,
        events: this.events[j]!,
        users: who.length,
      });
    }
  }
}

/**
 * Daily usage rollups and product users of one account over the window. Each month the
 * account's engagement picks how many of its product users are active (favourite users
 * first, with some churn of who); each active user then shows up on some working days
 * (rarely at weekends) and does a few of the product's events. Deterministic.
 */
export function usageRows(input: UsageInput): UsageRows {
  const { cal, days, accountId } = input;
  const rng = rngFor(input.seed, 'usage', input.index);
  const { contacts, others } = pool(input, rngFor(input.seed, 'product-users', input.index));
  const out: UsageRows = { userDays: [], eventDays: [], userEvents: [], users: [] };
  const day = new DayWriter(input, rng, out);
  const n = cal.days.length;
  for (let a = 0; a < n;) {
    let b = a;
    while (b < n && cal.slot[b] === cal.slot[a]) b++;
    const liveDays: number[] = [];
    let eSum = 0;
    let seats = 0;
    for (let d = a; d < b; d++) {
      if (!days.live[d]) continue;
      liveDays.push(d);
      eSum += days.engagement[d]!;
      seats = Math.max(seats, days.seats[d]!);
    }
    if (liveDays.length === 0) {
      a = b;
      continue;
    }
    const eAvg = eSum / liveDays.length;
    const cap = productSeats(seats);
    const here = (u: PoolUser) => u.from < b && u.until > liveDays[0]!;
    const present = contacts.filter(here);
    const eligible = [...present, ...others.slice(0, Math.max(0, cap - present.length))];
    // Stochastic rounding: a one-seat account at 30% engagement is active 3 months in 10.
    const want = Math.min(eligible.length, Math.floor(cap * eAvg + rng.next()));
    const chosen = eligible
      .map((u) => ({ u, s: u.w + rng.normal(0, 0.2) }))
      .sort((x, y) => y.s - x.s)
      .slice(0, want)
      .map((x) => x.u);
    const active: PoolUser[][] = liveDays.map(() => []);
    for (const u of chosen) {
      let any = false;
      for (let i = 0; i < liveDays.length; i++) {
        const d = liveDays[i]!;
        if (d < u.from || d >= u.until) continue;
        const scale = days.engagement[d]! / eAvg;
        const p = Math.min(0.95, u.p * scale * (cal.weekend[d] ? 0.1 : 1));
        if (rng.next() < p) {
          active[i]!.push(u);
          any = true;
        }
      }
      if (!any) {
        // Active this month means at least one day: pick one they were around for.
        const around = liveDays.flatMap((d, i) => (d >= u.from && d < u.until ? [i] : []));
        if (around.length) active[rng.pick(around)]!.push(u);
      }
    }
    for (let i = 0; i < liveDays.length; i++) {
      if (active[i]!.length) day.emit(liveDays[i]!, active[i]!);
    }
    a = b;
  }
  for (const [u, s] of day.seen) {
    out.users.push({
      user_key: u.key,
      user_id: u.key,
      account_id: accountId,
      account_at: s.last,
      email: u.email,
      name: u.name,
      traits: '{}',
      first_seen_at: s.first,
      last_seen_at: s.last,
      events: s.events,
    });
  }
  return out;
}
