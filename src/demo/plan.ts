import { addDays, addMonths, type IsoDate } from '../core/clock.js';
import { lifeActions, validStages, type Raw } from './actions.js';
import { DEMO_USERS, ownerKeyFor, type DemoSegment, type DemoUser } from './catalog.js';
import { People } from './contacts.js';
import { accountDays, demoCalendar, type DemoCalendar } from './days.js';
import { layoutFirms, type Firm } from './layout.js';
import type { MonthSignals } from './life-types.js';
import { simulateLife } from './lifecycle.js';
import { planNps, type NpsAnswer } from './nps.js';
import { hashSeed, rngFor } from './random.js';
import { drawDrivers, type DemoDrivers } from './signals.js';
import { storyOf } from './story.js';
import type { PlanEvent } from './types.js';

export interface AccountPlan {
  firm: Firm;
  ownerKey: string;
  traits: Record<string, unknown>;
  events: PlanEvent[];
  /** What the account's MRR and stage should be once written (used by tests). */
  expectedMrrMinor: number;
  expectedChurned: boolean;
  /** The hidden month signals, for usage and tickets generated at write time. */
  months: MonthSignals[];
  /** NPS answers of the activity window (their newest per contact is its latest NPS). */
  nps: NpsAnswer[];
}

export interface DemoPlan {
  seed: number;
  today: IsoDate;
  users: readonly DemoUser[];
  accounts: AccountPlan[];
}

/** The hidden state behind demo account `index`: drivers and one record per month slot. */
export interface DemoSignals {
  seed: number;
  index: number;
  crmId: string;
  segment: DemoSegment;
  /** Slot of the first subscription: months[0] is that slot, the last entry is slot 1. */
  startSlot: number;
  drivers: DemoDrivers;
  months: MonthSignals[];
}

/**
 * Regenerate the hidden signals of demo account `index` (0-based, in creation order; see
 * `demoIndexOfCrmId`). Independent of the demo's size and of the calendar: slot m means
 * "m months before the demo's today", which the demo stores in the `demo.plan` setting.
 */
export function demoSignals(seed: number, index: number): DemoSignals {
  const firm = layoutFirms(seed, index + 1)[index]!;
  const drivers = drawDrivers(seed, index, firm.segment);
  const life = simulateLife(seed, firm, drivers);
  return {
    seed,
    index,
    crmId: firm.crmId,
    segment: firm.segment,
    startSlot: firm.startSlot,
    drivers,
    months: life.months,
  };
}

/** Calendar day of month slot m (months before today) plus a day offset (0..27). */
export function slotDate(today: IsoDate, slot: number, day: number): IsoDate {
  return addDays(addMonths(today, -slot), day);
}

const CITIES: Record<string, readonly string[]> = {
  'North America': ['Austin', 'Toronto', 'Chicago', 'Denver', 'Boston', 'Seattle', 'Atlanta'],
  EMEA: ['London', 'Berlin', 'Amsterdam', 'Paris', 'Madrid', 'Stockholm', 'Dublin'],
  APAC: ['Singapore', 'Sydney', 'Tokyo', 'Bangalore', 'Auckland'],
  LATAM: ['São Paulo', 'Mexico City', 'Bogotá', 'Santiago'],
};

function planAccount(seed: number, firm: Firm, today: IsoDate, cal: DemoCalendar): AccountPlan {
  const drivers = drawDrivers(seed, firm.index, firm.segment);
  const life = simulateLife(seed, firm, drivers);
  const people = new People(seed, firm, drivers);
  const M = firm.startSlot;
  const dateOf = (t: number, day: number) => slotDate(today, M - t, day);
  const { raw, presentEnd } = lifeActions(seed, firm, life.events, life.months, people, dateOf);
  const story = storyOf({ seed, firm, life, people, presentEnd, dateOf });
  const all: Raw[] = [...raw, ...story].sort(
    (a, b) => a.t - b.t || a.day - b.day || a.order - b.order,
  );
  // Each day's calls happen in order from a per-day working hour, a few minutes apart.
  const perDay = new Map<IsoDate, number>();
  const dated = validStages(all).map((r) => {
    const { t, day, order: _order, ...action } = r;
    const date = dateOf(t, day);
    const k = perDay.get(date) ?? 0;
    perDay.set(date, k + 1);
    const minutes = (8 + (hashSeed(seed, firm.index, date) % 8)) * 60 + k * 6;
    const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
    const mm = String(minutes % 60).padStart(2, '0');
    return { ...action, date, at: `${date}T${hh}:${mm}:00.000Z` } as PlanEvent;
  });
  const days = accountDays(seed, firm.index, cal, dated, life.months);
  const { answers, events } = planNps(seed, firm.index, firm.region, cal, days, dated);
  const end = life.months[life.months.length - 1]!;
  const rng = rngFor(seed, 'traits', firm.index);
  return {
    firm,
    ownerKey: ownerKeyFor(firm.segment, firm.region),
    traits: { employees: firm.employees, hqCity: rng.pick(CITIES[firm.region] ?? ['Remote']) },
    events,
    expectedMrrMinor: end.live ? end.mrrMinor : 0,
    expectedChurned: !end.live,
    months: life.months,
    nps: answers,
  };
}

/** The whole demo company for a seed, dated relative to `today`. Pure. */
export function buildPlan(seed: number, count: number, today: IsoDate): DemoPlan {
  const cal = demoCalendar(today);
  return {
    seed,
    today,
    users: DEMO_USERS,
    accounts: layoutFirms(seed, count).map((f) => planAccount(seed, f, today, cal)),
  };
}
