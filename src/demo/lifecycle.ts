import { canTransition, type ChurnReason, type Stage } from '../accounts/account/model.js';
import { Book } from './book.js';
import { SEGMENT_PROFILE, type SegmentProfile } from './catalog.js';
import type { Firm } from './layout.js';
import type { LifeAction, LifeEvent, LifeResult, MonthSignals } from './life-types.js';
import { clamp, rngFor, sigmoid, type Rng } from './random.js';
import {
  HAZARD_WEIGHTS,
  hazardLogit,
  hazardTerms,
  type DemoDrivers,
  type HazardInput,
} from './signals.js';

interface Sig {
  e: number;
  tickets: number;
  nps: number;
  incident: boolean;
}

const REASON_OF: Record<string, ChurnReason> = {
  engagement: 'value',
  onboarding: 'value',
  nps: 'value',
  champion: 'relationship',
  sponsor: 'relationship',
  tickets: 'product',
};

/**
 * Month-by-month life of one account: usage, tickets and NPS follow the hidden drivers;
 * each renewal draws churn from the logistic hazard; survivors expand or contract.
 * Pure and deterministic: the same seed and firm always give the same events.
 */
class LifeSim {
  private readonly rng: Rng;
  private readonly prof: SegmentProfile;
  private readonly book: Book;
  private readonly events: LifeEvent[] = [];
  private readonly months: MonthSignals[] = [];
  private seq = 0;
  private live = true;
  private stage: Stage = 'onboarding';
  private liveSince = 0;
  private eBase: number;
  private trend: number;
  private pressure: number;
  private champ: { present: boolean; number: number; replaceAt: number | null; changedAt: number };
  private champShock = 0;
  private incidentShock = 0;
  private pendingChurn: { atT: number; reason: ChurnReason; driver: string } | null = null;
  private pendingContraction: number | null = null;
  private signalledAt: number | null = null;
  private winbackAt: number | null = null;
  private renewals = 0;
  private atRiskSince = -99;
  private hist: { e: number; tr: number; nps: number }[] = [];

  constructor(
    seed: number,
    private readonly firm: Firm,
    private readonly d: DemoDrivers,
  ) {
    this.rng = rngFor(seed, 'life', firm.index);
    this.prof = SEGMENT_PROFILE[firm.segment];
    this.book = new Book(firm, this.rng, (t, day, a) => this.emit(t, day, a));
    this.eBase = d.engagementBase;
    this.trend = d.engagementTrend;
    this.pressure = d.ticketPressure;
    const present = d.hasChampion;
    this.champ = { present, number: present ? 1 : 0, replaceAt: null, changedAt: 0 };
  }

  run(): LifeResult {
    const f = this.firm;
    this.emit(0, f.startDay, { kind: 'start' });
    this.book.create(0, f.startDay, f.plan, f.seats, f.termMonths, f.billing, f.autoRenew, false);
    for (let t = 0; t < f.startSlot; t++) this.step(t);
    this.book.settleMonthlyEnds(f.startSlot);
    return { months: this.months, events: this.events };
  }

  private emit(t: number, day: number, a: LifeAction): void {
    this.events.push({ ...a, t, day, seq: this.seq++ });
  }

  private step(t: number): void {
    if (!this.live) {
      const day = this.rng.int(0, 27);
      if (this.winbackAt === t) {
        this.reactivate(t, day);
        this.pushMonth(t, this.signals(0));
      } else {
        this.pushMonth(t, null);
      }
      return;
    }
    const core = this.book.core();
    const annual = core.termMonths >= 12;
    const since = t - this.liveSince;
    // A renewal slot's events all happen on the contract anniversary, and nothing happens
    // in the first slot before the account exists: time order is decision order.
    const first = since === 0 ? this.firm.startDay : 0;
    const day = annual && t === core.endT ? core.endDay : this.rng.int(first, 27);
    this.championStep(t, day, since);
    const sig = this.signals(since);
    const acted = annual ? this.annualStep(t, day) : this.monthlyStep(t, day, since);
    if (this.live) {
      if (!acted) this.midTermStep(t, day, since, annual);
      this.stageStep(t, day, since);
      if (this.rng.chance(0.006)) this.emit(t, day, { kind: 'contact_left' });
    }
    this.pushMonth(t, sig);
  }

  private championStep(t: number, day: number, since: number): void {
    const c = this.champ;
    if (c.present && since >= 2 && this.rng.chance(this.d.championLeaveHazard)) {
      this.emit(t, day, { kind: 'champion_left', champion: c.number });
      c.present = false;
      c.changedAt = t;
      c.replaceAt = this.rng.chance(0.45) ? t + this.rng.int(3, 8) : null;
      this.champShock = this.d.championShock;
      this.stageTo(t, day, 'at_risk', 'Champion left');
    } else if (!c.present && c.replaceAt === t) {
      c.number++;
      c.present = true;
      c.changedAt = t;
      c.replaceAt = null;
      this.emit(t, day, { kind: 'champion_added', champion: c.number });
    } else if (c.present && this.champShock > 0) {
      this.champShock = this.champShock < 0.02 ? 0 : this.champShock * 0.6;
    }
  }

  private signals(since: number): Sig {
    const q = this.d.onboardingQuality;
    const rampLen = 1 + Math.round(4 * (1 - q));
    const ramp = Math.min(1, (since + 1) / rampLen);
    const incident = this.rng.chance(0.025 + 0.07 * this.pressure);
    if (incident) this.incidentShock = 0.08;
    const noise = this.rng.normal(0, 0.035);
    const raw = this.eBase + this.trend * since - this.champShock - this.incidentShock + noise;
    const e = clamp(raw * (0.35 + 0.65 * ramp), 0.02, 0.98);
    this.incidentShock *= 0.4;
    const norm = this.prof.ticketNorm;
    const boost = (incident ? 2.5 : 1) * (since < 2 ? 1.4 : 1);
    const tickets = norm * (0.4 + 1.2 * this.pressure) * boost;
    const tr = tickets / norm;
    const gap = this.champ.present ? 0 : 0.6;
    const nps = clamp(this.d.npsTendency + 3 * (e - 0.55) - 1.2 * (tr - 1) - gap, 0, 10);
    this.hist.push({ e, tr, nps });
    return { e, tickets, nps, incident };
  }

  private hazardInput(t: number): HazardInput {
    const h = this.hist.slice(-3);
    const avg = (f: (x: { e: number; tr: number; nps: number }) => number) =>
      h.reduce((s, x) => s + f(x), 0) / Math.max(1, h.length);
    const c = this.champ;
    // Never having had a champion is a weaker risk than losing one.
    const gap =
      c.number === 0 ? 0.5 : !c.present ? 1 : c.number > 1 && t - c.changedAt < 6 ? 0.5 : 0;
    return {
      segment: this.firm.segment,
      engagement: avg((x) => x.e),
      ticketRatio: avg((x) => x.tr),
      nps: avg((x) => x.nps),
      championGap: gap,
      executiveSponsor: this.d.executiveSponsor,
      onboardingQuality: this.d.onboardingQuality,
      firstRenewal: this.renewals === 0,
      hiddenRisk: this.d.hiddenRisk,
    };
  }

  /** Annualised churn probability with this decision's own noise. */
  private churnProbability(h: HazardInput): number {
    return sigmoid(hazardLogit(h) + this.rng.normal(0, HAZARD_WEIGHTS.noiseSd));
  }

  /** The largest term names the reason; 15% are recorded differently, as CSMs do. */
  private reasonFor(h: HazardInput): { reason: ChurnReason; driver: string } {
    let driver = 'hidden';
    let best = -Infinity;
    for (const [k, v] of Object.entries(hazardTerms(h))) if (v > best) [driver, best] = [k, v];
    const random = (): ChurnReason =>
      this.rng.weighted([
        ['financial', 0.35],
        ['strategic', 0.25],
        ['competition', 0.4],
      ]);
    let reason = REASON_OF[driver] ?? random();
    if (this.rng.chance(0.15)) reason = random();
    return { reason, driver };
  }

  private expansionOdds(h: HazardInput): number {
    const sponsor = this.d.executiveSponsor ? 0.5 : 0;
    return sigmoid(-1.3 + 5 * (h.engagement - 0.6) + sponsor + 0.25 * (h.nps - 7));
  }

  /** Annual contracts: decide at 90 days out, contract before, renew or churn at term end. */
  private annualStep(t: number, day: number): boolean {
    const end = this.book.core().endT;
    if (t === end - 3) {
      const h = this.hazardInput(t);
      this.emit(t, day, { kind: 'renewal_window', endT: end });
      if (this.rng.next() < this.churnProbability(h)) {
        this.pendingChurn = { atT: end, ...this.reasonFor(h) };
        if (this.book.hasAddon() || this.rng.chance(0.45)) {
          this.pendingContraction = end - this.rng.int(1, 2);
        }
        if (this.rng.chance(0.65)) this.signalledAt = end - this.rng.int(1, 2);
      }
      this.stageTo(t, day, 'renewal', 'Renewal in 90 days');
      return false;
    }
    let acted = false;
    if (this.pendingContraction === t) {
      this.pendingContraction = null;
      acted = this.book.contract(t, day);
    }
    if (this.signalledAt === t && this.pendingChurn) {
      this.emit(t, day, { kind: 'non_renewal_signalled', reason: this.pendingChurn.reason });
      this.stageTo(t, day, 'at_risk', 'Customer signalled non-renewal');
    }
    if (t !== end) return acted;
    if (this.pendingChurn?.atT === t) this.churn(t, day);
    else this.renew(t, day);
    return true;
  }

  /** Month-to-month: a churn draw every month, often preceded by a downgrade. */
  private monthlyStep(t: number, day: number, since: number): boolean {
    if (since < 1) return false;
    if (this.pendingChurn) {
      if (this.pendingChurn.atT !== t) return false;
      this.churn(t, day);
      return true;
    }
    const h = this.hazardInput(t);
    const monthly = 1 - Math.pow(1 - this.churnProbability(h), 1 / 12);
    if (!this.rng.chance(monthly)) return false;
    const why = this.reasonFor(h);
    const recent = t - this.book.lastContraction <= 3;
    if (!recent && this.rng.chance(0.35) && this.book.shrink(t, day, this.book.core())) {
      this.pendingChurn = { atT: t + this.rng.int(1, 3), ...why };
      return true;
    }
    this.pendingChurn = { atT: t, ...why };
    this.churn(t, day);
    return true;
  }

  private midTermStep(t: number, day: number, since: number, annual: boolean): void {
    if (this.pendingChurn || since < 3 || t - this.book.lastExpansion < 4) return;
    const core = this.book.core();
    if (annual && t >= core.endT - 3) return;
    const odds = this.expansionOdds(this.hazardInput(t));
    if (this.rng.chance(odds / (annual ? 14 : 8))) {
      const big = this.firm.segment === 'enterprise' || this.firm.segment === 'mid_market';
      if (annual && big && !this.book.hasAddon() && this.rng.chance(0.45)) {
        this.book.addAddon(t, day);
      } else {
        this.book.resize(t, day, core, this.rng.float(1.05, 1.3), 0, 'expansion');
      }
      this.stageTo(t, day, 'expanding', 'Expansion signed');
    } else if (!annual && this.rng.chance(0.008)) {
      this.book.shrink(t, day, core);
    }
  }

  private stageStep(t: number, day: number, since: number): void {
    const rampLen = 1 + Math.round(4 * (1 - this.d.onboardingQuality));
    const recent = this.hist.slice(-3);
    const avgE = recent.reduce((s, x) => s + x.e, 0) / Math.max(1, recent.length);
    const s = this.stage;
    if (s === 'onboarding' && since >= Math.max(2, rampLen)) {
      this.stageTo(t, day, 'active', 'Onboarding complete');
    } else if (s === 'expanding' && t - this.book.lastExpansion >= 2) {
      this.stageTo(t, day, 'active', 'Expansion closed');
    } else if (
      s === 'at_risk' &&
      !this.pendingChurn &&
      this.champ.present &&
      avgE > 0.45 &&
      t - this.atRiskSince >= 2
    ) {
      this.stageTo(t, day, 'active', 'Risk resolved');
    } else if ((s === 'active' || s === 'expanding') && since >= 4 && avgE < 0.3) {
      this.stageTo(t, day, 'at_risk', 'Usage declining');
    }
  }

  private stageTo(t: number, day: number, to: Stage, reason: string): void {
    if (to === this.stage || !canTransition(this.stage, to)) return;
    // An at-risk account entering its renewal window stays at risk.
    if (to === 'renewal' && this.stage === 'at_risk') return;
    this.emit(t, day, { kind: 'stage', to, reason });
    this.stage = to;
    if (to === 'at_risk') this.atRiskSince = t;
  }

  private renew(t: number, day: number): void {
    const core = this.book.core();
    const h = this.hazardInput(t);
    const pExp = this.expansionOdds(h);
    // Accounts close to churning often downsell instead.
    const pCon = 0.55 * sigmoid(hazardLogit(h) + 0.8);
    const r = this.rng.next();
    const next = t + core.termMonths;
    let outcome: 'expansion' | 'contraction' | 'flat' = 'flat';
    if (r < pExp) {
      const step = this.rng.chance(0.25) ? 1 : 0;
      if (this.book.resize(t, day, core, this.rng.float(1.1, 1.6), step, 'expansion', next)) {
        outcome = 'expansion';
      }
    } else if (r < pExp + pCon && this.book.shrink(t, day, core, next)) {
      outcome = 'contraction';
    }
    if (outcome === 'flat') this.book.renewFlat(t, day, next, this.rng.chance(0.45));
    this.book.renewAddons(t, day, next);
    this.renewals++;
    if (outcome === 'expansion') this.stageTo(t, day, 'expanding', 'Expanded at renewal');
    else if (this.stage === 'renewal') this.stageTo(t, day, 'active', 'Renewed');
  }

  private churn(t: number, day: number): void {
    const why = this.pendingChurn!;
    this.book.cancelAll(t, day);
    this.live = false;
    this.stage = 'churned';
    this.emit(t, day, { kind: 'churned', reason: why.reason, driver: why.driver });
    this.pendingChurn = null;
    this.pendingContraction = null;
    this.signalledAt = null;
    // Win-back is likelier when the reason was outside the product and usage was decent.
    const lastE = this.hist[this.hist.length - 1]?.e ?? 0;
    let p = 0.16;
    if (why.reason === 'financial' || why.reason === 'strategic') p *= 1.8;
    if (why.reason === 'relationship') p *= 1.3;
    p *= lastE > 0.45 ? 1.3 : 0.8;
    if (this.rng.chance(Math.min(0.45, p))) this.winbackAt = t + this.rng.int(3, 14);
  }

  private reactivate(t: number, day: number): void {
    const prev = this.book.lastCore!;
    const seats = Math.max(1, Math.round(prev.seats * this.rng.float(0.5, 1)));
    const plan = (this.rng.chance(0.3) ? Book.shiftPlan(prev.plan, -1) : null) ?? prev.plan;
    this.live = true;
    this.stage = 'active';
    this.liveSince = t;
    this.book.create(t, day, plan, seats, prev.termMonths, prev.billing, prev.autoRenew, true);
    const q = this.d.onboardingQuality;
    this.eBase = clamp(0.45 + 0.25 * q + this.rng.normal(0, 0.08), 0.1, 0.95);
    this.trend = this.rng.normal(0.004, 0.01);
    this.pressure *= 0.7;
    this.champShock = 0;
    const c = this.champ;
    c.number++;
    [c.present, c.changedAt, c.replaceAt] = [true, t, null];
    this.emit(t, day, { kind: 'champion_added', champion: c.number });
    this.emit(t, day, { kind: 'reactivated' });
    this.hist = [];
    this.renewals = 0;
    this.winbackAt = null;
  }

  private pushMonth(t: number, sig: Sig | null): void {
    const core = this.live ? this.book.core() : null;
    const live = this.live && sig !== null;
    this.months.push({
      slot: this.firm.startSlot - t,
      live: this.live,
      stage: this.stage,
      engagement: live ? sig.e : 0,
      ticketsExpected: live ? sig.tickets : 0,
      npsMean: live ? sig.nps : null,
      championPresent: this.live && this.champ.present,
      executiveSponsor: this.live && this.d.executiveSponsor,
      incident: live && sig.incident,
      seats: core?.seats ?? 0,
      mrrMinor: this.book.mrr(),
      renewalWindow: core !== null && core.termMonths >= 12 && t >= core.endT - 3 && t < core.endT,
      nonRenewalSignalled: this.live && this.signalledAt !== null && t >= this.signalledAt,
    });
  }
}

export function simulateLife(seed: number, firm: Firm, drivers: DemoDrivers): LifeResult {
  return new LifeSim(seed, firm, drivers).run();
}
