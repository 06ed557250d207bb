import { addDays, addMonths, daysBetween, type IsoDate } from '../core/clock.js';
import { CORE_PRODUCT, type DemoRegion } from './catalog.js';
import type { MonthSignals } from './life-types.js';
import type { PlanEvent } from './types.js';
import { clamp, rngFor } from './random.js';

/** Months of daily usage, tickets and surveys the demo generates before its today. */
export const ACTIVITY_MONTHS = 13;

/** The days of the activity window, shared by every account of one demo. */
export interface DemoCalendar {
  today: IsoDate;
  days: IsoDate[];
  /** Midnight of each day in epoch milliseconds. */
  ms: number[];
  weekend: Uint8Array;
  /** Month slot of each day (slot m starts m months before today). */
  slot: Int16Array;
  /** Position of each day within its slot, 0..1. */
  phase: Float64Array;
}

export function demoCalendar(today: IsoDate, months = ACTIVITY_MONTHS): DemoCalendar {
  const start = addMonths(today, -months);
  const n = daysBetween(start, today);
  const cal: DemoCalendar = {
    today,
    days: [],
    ms: [],
    weekend: new Uint8Array(n),
    slot: new Int16Array(n),
    phase: new Float64Array(n),
  };
  for (let m = months; m >= 1; m--) {
    const from = daysBetween(start, addMonths(today, -m));
    const to = daysBetween(start, addMonths(today, -m + 1));
    for (let i = from; i < to; i++) {
      cal.slot[i] = m;
      cal.phase[i] = (i - from) / (to - from);
    }
  }
  for (let i = 0; i < n; i++) {
    const day = addDays(start, i);
    const ms = Date.parse(`${day}T00:00:00.000Z`);
    cal.days.push(day);
    cal.ms.push(ms);
    const dow = new Date(ms).getUTCDay();
    cal.weekend[i] = dow === 0 || dow === 6 ? 1 : 0;
  }
  return cal;
}

/** First hour (UTC) of the customer's working day, by region. */
export const WORKDAY_UTC: Record<DemoRegion, number> = {
  'North America': 14,
  EMEA: 7,
  APAC: 0,
  LATAM: 12,
};

/** Add-ons as bits, so a day's add-ons fit in one byte. */
export const ADDON_BITS = { Insights: 1, 'Premium Support': 2, Sandboxes: 4 } as const;
const addonBit = (plan: string): number => (ADDON_BITS as Record<string, number>)[plan] ?? 0;

/** One account's state on each day of the window, with the story's run-up to churn. */
export interface AccountDays {
  live: Uint8Array;
  /** Share of licensed seats active, including the decline before a churn or contraction. */
  engagement: Float64Array;
  seats: Int32Array;
  /** Expected tickets opened that day. */
  ticketRate: Float64Array;
  /** 0..1: how far into the run-up to a churn the day is (drives tone and priority). */
  risk: Float64Array;
  /** Part of an incident burst. */
  incident: Uint8Array;
  /** Mean NPS answer that day (NaN when not a customer). */
  npsMean: Float64Array;
  addons: Uint8Array;
  /** Day indexes (in the window) on which the account churned. */
  churns: number[];
}

interface SubState {
  core: boolean;
  plan: string;
  seats: number;
  live: boolean;
}

interface Changes {
  churns: number[];
  contractions: number[];
  expansions: number[];
}

/** Replay the plan's subscription events into daily live, seats and add-ons; note changes. */
function replay(cal: DemoCalendar, events: readonly PlanEvent[], out: AccountDays): Changes {
  const start = cal.days[0]!;
  const n = cal.days.length;
  const subs = new Map<string, SubState>();
  const changes: Changes = { churns: [], contractions: [], expansions: [] };
  const subEvents = events.filter(
    (e) => e.type === 'sub_create' || e.type === 'sub_update' || e.type === 'sub_cancel',
  );
  const dayOf = subEvents.map((e) => daysBetween(start, e.date));
  let k = 0;
  let wasLive = false;
  let coreSeats = 0;
  let addons = 0;
  for (let d = -1; d < n; d++) {
    // d = −1 applies everything before the window.
    while (k < subEvents.length) {
      const at = dayOf[k]!;
      if (d >= 0 ? at > d : at >= 0) break;
      const e = subEvents[k++]!;
      if (e.type === 'sub_create') {
        const core = e.product === CORE_PRODUCT;
        subs.set(e.key, { core, plan: e.plan, seats: e.seats, live: true });
      } else if (e.type === 'sub_update') {
        const s = subs.get(e.key);
        if (s) [s.plan, s.seats] = [e.plan, e.seats];
      } else if (e.type === 'sub_cancel') {
        const s = subs.get(e.key);
        if (s) s.live = false;
      }
    }
    let live = false;
    let seats = 0;
    let bits = 0;
    for (const s of subs.values()) {
      if (!s.live) continue;
      live = true;
      if (s.core) seats += s.seats;
      else bits |= addonBit(s.plan);
    }
    if (d >= 0) {
      out.live[d] = live ? 1 : 0;
      out.seats[d] = seats;
      out.addons[d] = bits;
      if (wasLive && !live) changes.churns.push(d);
      if (wasLive && live && (seats < coreSeats || (addons & ~bits) !== 0)) {
        changes.contractions.push(d);
      }
      if (wasLive && live && (seats > coreSeats || (bits & ~addons) !== 0)) {
        changes.expansions.push(d);
      }
    }
    [wasLive, coreSeats, addons] = [live, seats, bits];
  }
  return changes;
}

/** A month slot's value, falling back to the month before (the churn month reads 0). */
function bySlot(months: readonly MonthSignals[], pick: (m: MonthSignals) => number | null) {
  const map = new Map<number, number>();
  for (const m of months) {
    const v = pick(m);
    if (m.live && v !== null && v > 0) map.set(m.slot, v);
  }
  return (slot: number): number | undefined => map.get(slot) ?? map.get(slot + 1);
}

/**
 * The daily state of one account over the window. Engagement follows the month signals
 * (blended across month boundaries); before a churn it falls for 2–4 months and tickets
 * spike for the last three, as a leaver disengages and escalates; contractions get a
 * milder dip. Deterministic per (seed, account index).
 */
export function accountDays(
  seed: number,
  index: number,
  cal: DemoCalendar,
  events: readonly PlanEvent[],
  months: readonly MonthSignals[],
): AccountDays {
  const n = cal.days.length;
  const out: AccountDays = {
    live: new Uint8Array(n),
    engagement: new Float64Array(n),
    seats: new Int32Array(n),
    ticketRate: new Float64Array(n),
    risk: new Float64Array(n),
    incident: new Uint8Array(n),
    npsMean: new Float64Array(n).fill(Number.NaN),
    addons: new Uint8Array(n),
    churns: [],
  };
  const changes = replay(cal, events, out);
  out.churns = changes.churns;
  const rng = rngFor(seed, 'days', index);
  const eOf = bySlot(months, (m) => m.engagement);
  const tOf = bySlot(months, (m) => m.ticketsExpected);
  const npsOf = bySlot(months, (m) => m.npsMean);
  const engagementMul = new Float64Array(n).fill(1);
  const ticketMul = new Float64Array(n).fill(1);
  const npsShift = new Float64Array(n);

  for (const c of changes.churns) {
    const len = rng.int(60, 120);
    const depth = rng.float(0.45, 0.75);
    const spike = rng.float(1.5, 3);
    for (let d = Math.max(0, c - 120); d < c; d++) {
      const r = clamp((d - (c - len)) / len, 0, 1);
      engagementMul[d]! *= 1 - depth * Math.pow(r, 1.3);
      out.risk[d] = Math.max(out.risk[d]!, r);
      npsShift[d]! -= 2.2 * clamp((d - (c - 120)) / 120, 0, 1);
      if (d >= c - 90) ticketMul[d]! *= 1 + spike * Math.pow((d - (c - 90)) / 90, 0.7);
    }
  }
  for (const c of changes.contractions) {
    const len = rng.int(30, 75);
    const depth = rng.float(0.12, 0.3);
    for (let d = Math.max(0, c - len); d < c; d++) {
      const r = (d - (c - len)) / len;
      engagementMul[d]! *= 1 - depth * r;
      ticketMul[d]! *= 1 + 0.6 * r;
      npsShift[d]! -= 0.8 * r;
    }
  }
  for (const x of changes.expansions) {
    for (let d = Math.max(0, x - 45); d < Math.min(n, x + 60); d++) npsShift[d]! += 1;
  }
  // An incident is a burst of tickets over a few days, not a month-long drizzle.
  const bursts = new Map<number, number>();
  for (const m of months) {
    if (m.slot > ACTIVITY_MONTHS || !m.incident) continue;
    const first = cal.slot.indexOf(m.slot);
    bursts.set(m.slot, first + rng.int(0, 24));
  }

  for (let d = 0; d < n; d++) {
    if (!out.live[d]) continue;
    const s = cal.slot[d]!;
    const cur = eOf(s) ?? 0.05;
    const f = cal.phase[d]!;
    // Blend with the neighbouring months so usage has no steps at slot boundaries.
    const prev = f < 0.5 && out.live[Math.max(0, d - 20)] ? eOf(s + 1) : undefined;
    const next = f >= 0.5 ? eOf(s - 1) : undefined;
    let e = cur;
    if (prev !== undefined) e = cur + (prev - cur) * 0.5 * (1 - 2 * f);
    else if (next !== undefined) e = cur + (next - cur) * 0.5 * (2 * f - 1);
    out.engagement[d] = clamp(e * engagementMul[d]!, 0.01, 0.98);

    const monthly = tOf(s) ?? 0;
    const burst = bursts.get(s);
    let rate = (monthly / 30.4) * (cal.weekend[d] ? 0.4 : 1.24);
    if (burst !== undefined) {
      // 2.5× month: 40% of the month's tickets as usual, the rest in five days.
      rate *= 0.4;
      if (d >= burst && d < burst + 5) {
        rate += (monthly * 0.6) / 5;
        out.incident[d] = 1;
      }
    }
    out.ticketRate[d] = rate * ticketMul[d]!;
    const nps = npsOf(s);
    out.npsMean[d] = nps === undefined ? Number.NaN : clamp(nps + npsShift[d]!, 0, 10);
  }
  return out;
}
