import type { BillingFrequency } from '../accounts/subscription/model.js';
import { ADDONS, CORE_PRODUCT, PLANS, type PlanName } from './catalog.js';
import { priceMinor, type Firm } from './layout.js';
import type { ChangeWhy, Emit, SubTerms } from './life-types.js';
import type { Rng } from './random.js';

interface Live extends SubTerms {
  addon: boolean;
  /** Accumulated renewal uplifts on top of the list price. */
  priceFactor: number;
  /** The terms as announced at creation; month-to-month ends are settled at the end. */
  create: SubTerms;
}

function shiftPlan(plan: string, by: number): PlanName | null {
  const i = PLANS.indexOf(plan as PlanName);
  const j = i + by;
  return i < 0 || j < 0 || j >= PLANS.length ? null : PLANS[j]!;
}

/**
 * One account's live subscriptions during the simulation. Every change is emitted with
 * absolute values (plan, seats, MRR), so the writer replays them through the
 * subscription service and the service derives the revenue movement itself.
 */
export class Book {
  subs: Live[] = [];
  lastCore: Live | null = null;
  lastExpansion = -99;
  lastContraction = -99;
  private subNo = 0;

  constructor(
    private readonly firm: Firm,
    private readonly rng: Rng,
    private readonly emit: Emit,
  ) {}

  core(): Live {
    return this.subs.find((s) => !s.addon)!;
  }

  hasAddon(): boolean {
    return this.subs.some((s) => s.addon);
  }

  mrr(): number {
    return this.subs.reduce((s, x) => s + x.mrrMinor, 0);
  }

  create(
    t: number,
    day: number,
    plan: string,
    seats: number,
    termMonths: number,
    billing: BillingFrequency,
    autoRenew: boolean,
    reactivation: boolean,
  ): void {
    const n = ++this.subNo;
    const terms: SubTerms = {
      key: `core${n}`,
      n,
      plan,
      product: CORE_PRODUCT,
      seats,
      mrrMinor: priceMinor(plan as PlanName, seats, this.firm.discount, this.firm.currency),
      termMonths,
      billing,
      autoRenew,
      endT: t + termMonths,
      endDay: day,
    };
    const create = { ...terms };
    this.subs.push({ ...terms, addon: false, priceFactor: 1, create });
    this.emit(t, day, { kind: 'sub_create', sub: create, reactivation, addon: false });
  }

  /** An add-on product, co-termed with the platform contract. */
  addAddon(t: number, day: number): void {
    const core = this.core();
    const n = ++this.subNo;
    const a = this.rng.weighted(ADDONS.map((x) => [x, 1] as const));
    const list = priceMinor(core.plan as PlanName, core.seats, 0, this.firm.currency);
    const terms: SubTerms = {
      key: `addon${n}`,
      n,
      plan: a.plan,
      product: a.product,
      seats: core.seats,
      mrrMinor: Math.max(1, Math.round((list * a.share) / 100)) * 100,
      termMonths: core.termMonths,
      billing: core.billing,
      autoRenew: core.autoRenew,
      endT: core.endT,
      endDay: core.endDay,
    };
    const create = { ...terms };
    this.subs.push({ ...terms, addon: true, priceFactor: 1, create });
    this.emit(t, day, { kind: 'sub_create', sub: create, reactivation: false, addon: true });
    this.lastExpansion = t;
  }

  private price(s: Live): number {
    const list = priceMinor(s.plan as PlanName, s.seats, this.firm.discount, this.firm.currency);
    return Math.max(1, Math.round((list * s.priceFactor) / 100)) * 100;
  }

  private changed(t: number, day: number, s: Live, why: ChangeWhy, renewTo: number | null) {
    if (renewTo !== null) s.endT = renewTo;
    this.emit(t, day, {
      kind: 'sub_change',
      key: s.key,
      plan: s.plan,
      seats: s.seats,
      mrrMinor: s.mrrMinor,
      endT: renewTo,
      endDay: s.endDay,
      why,
    });
  }

  /** Change seats by `factor` and plan by `planStep`; false when nothing would change. */
  resize(
    t: number,
    day: number,
    s: Live,
    factor: number,
    planStep: number,
    why: 'expansion' | 'contraction',
    renewTo: number | null = null,
  ): boolean {
    const seats =
      why === 'expansion'
        ? Math.max(s.seats + 1, Math.round(s.seats * factor))
        : Math.max(1, Math.floor(s.seats * factor));
    const plan = (planStep !== 0 ? shiftPlan(s.plan, planStep) : null) ?? s.plan;
    if (seats === s.seats && plan === s.plan) return false;
    s.seats = seats;
    s.plan = plan;
    s.mrrMinor = this.price(s);
    this.changed(t, day, s, why, renewTo);
    if (why === 'expansion') this.lastExpansion = t;
    else this.lastContraction = t;
    return true;
  }

  /** Fewer seats, or a cheaper plan when down to one seat. */
  shrink(t: number, day: number, s: Live, renewTo: number | null = null): boolean {
    const f = this.rng.float(0.55, 0.85);
    return (
      this.resize(t, day, s, f, 0, 'contraction', renewTo) ||
      this.resize(t, day, s, 1, -1, 'contraction', renewTo)
    );
  }

  /** A contraction before churn: drop the add-on if there is one, else seats. */
  contract(t: number, day: number): boolean {
    const addon = this.subs.find((s) => s.addon);
    if (!addon) return this.shrink(t, day, this.core());
    this.cancel(t, day, addon, 'contraction');
    this.lastContraction = t;
    return true;
  }

  cancel(t: number, day: number, s: Live, why: 'churn' | 'contraction'): void {
    this.subs = this.subs.filter((x) => x !== s);
    if (!s.addon) this.lastCore = s;
    if (s.termMonths < 12) [s.create.endT, s.create.endDay] = [t, day];
    this.emit(t, day, { kind: 'sub_cancel', key: s.key, why });
  }

  cancelAll(t: number, day: number): void {
    for (const a of this.subs.filter((s) => s.addon)) this.cancel(t, day, a, 'contraction');
    this.cancel(t, day, this.core(), 'churn');
  }

  /** Renew the core at the same size, with a list-price uplift some years. */
  renewFlat(t: number, day: number, next: number, uplift: boolean): void {
    const core = this.core();
    if (uplift) core.priceFactor *= this.rng.float(1.03, 1.07);
    core.mrrMinor = this.price(core);
    this.changed(t, day, core, uplift ? 'uplift' : 'renewal', next);
  }

  renewAddons(t: number, day: number, next: number): void {
    for (const a of this.subs.filter((s) => s.addon)) this.changed(t, day, a, 'renewal', next);
  }

  /** Month-to-month contracts end at the next billing anniversary after today. */
  settleMonthlyEnds(startSlot: number): void {
    for (const s of this.subs) {
      if (s.termMonths >= 12) continue;
      [s.create.endT, s.create.endDay] = s.endDay > 0 ? [startSlot, s.endDay] : [startSlot + 1, 0];
    }
  }

  static shiftPlan = shiftPlan;
}
