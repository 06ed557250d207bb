import { describe, expect, it } from 'vitest';
import { canTransition, type Stage } from '../accounts/account/model.js';
import { demoIndexOfCrmId } from './names.js';
import { buildPlan, demoSignals, type AccountPlan } from './plan.js';
import { Rng, rngFor } from './random.js';

const TODAY = '2026-11-23';
const plan = buildPlan(42, 2000, TODAY);

/** Replay an account's plan the way the services will see it. */
function replay(a: AccountPlan) {
  let stage: Stage = 'onboarding';
  const subs = new Map<string, number>();
  const contacts = new Set<string>();
  let mrr = 0;
  let everChurned = false;
  for (const e of a.events) {
    if (e.type === 'add_contact') contacts.add(e.contact.key);
    if (e.type === 'activity' && e.contact) expect(contacts.has(e.contact)).toBe(true);
    if (e.type === 'contact_left' || e.type === 'survey')
      expect(contacts.has(e.contact)).toBe(true);
    if (e.type === 'stage') {
      expect(canTransition(stage, e.to), `${stage} → ${e.to}`).toBe(true);
      stage = e.to;
    }
    if (e.type === 'sub_update' || e.type === 'sub_cancel') expect(subs.has(e.key)).toBe(true);
    if (e.type === 'sub_create' || e.type === 'sub_update') subs.set(e.key, e.mrrMinor);
    if (e.type === 'sub_cancel') subs.set(e.key, 0);
    const before = mrr;
    mrr = [...subs.values()].reduce((s, x) => s + x, 0);
    if (before > 0 && mrr === 0) {
      stage = 'churned';
      everChurned = true;
    }
    if (before === 0 && mrr > 0 && stage === 'churned') stage = 'active';
  }
  return { stage, mrr, everChurned };
}

describe('demo plan', () => {
  it('is a pure function of seed and day', () => {
    expect(buildPlan(42, 120, TODAY)).toEqual(buildPlan(42, 120, TODAY));
    const other = buildPlan(43, 120, TODAY);
    expect(other.accounts.map((a) => a.firm.name)).not.toEqual(
      plan.accounts.slice(0, 120).map((a) => a.firm.name),
    );
  });

  it('tells the same story whatever the calendar date', () => {
    const later = buildPlan(42, 300, '2027-03-31');
    const summary = (p: typeof later) =>
      p.accounts.map((a) => [a.firm.crmId, a.firm.name, a.expectedMrrMinor, a.events.length]);
    expect(summary(later)).toEqual(summary(buildPlan(42, 300, TODAY)));
  });

  it('plays back cleanly: order, references, stages and MRR', () => {
    for (const a of plan.accounts) {
      expect(a.events[0]?.type).toBe('create_account');
      const ats = a.events.map((e) => e.at);
      expect([...ats].sort()).toEqual(ats);
      expect(ats.every((at) => at < `${TODAY}T00:00:00.000Z`)).toBe(true);
      const r = replay(a);
      expect(r.mrr).toBe(a.expectedMrrMinor);
      expect(r.stage === 'churned').toBe(a.expectedChurned);
    }
  });

  it('gives unique names, domains and external ids', () => {
    const firms = plan.accounts.map((a) => a.firm);
    for (const key of ['name', 'domain', 'crmId', 'billingId'] as const) {
      expect(new Set(firms.map((f) => f[key])).size).toBe(firms.length);
    }
    const subIds = plan.accounts.flatMap((a) =>
      a.events.flatMap((e) => (e.type === 'sub_create' ? [e.externalId] : [])),
    );
    expect(new Set(subIds).size).toBe(subIds.length);
    expect(firms[0]!.crmId).toMatch(/^0015g00000[0-9A-Za-z]{5}$/);
    expect(firms[0]!.billingId).toMatch(/^cus_[0-9A-Za-z]{14}$/);
  });

  it('maps CRM ids back to account indexes', () => {
    plan.accounts.forEach((a, i) => expect(demoIndexOfCrmId(42, a.firm.crmId)).toBe(i));
    expect(demoIndexOfCrmId(42, 'nope')).toBeNull();
  });

  it('regenerates the hidden signals of any account without building the demo', () => {
    for (const i of [0, 17, 999, 1999]) {
      const s = demoSignals(42, i);
      const a = plan.accounts[i]!;
      expect(s.crmId).toBe(a.firm.crmId);
      expect(s.months).toHaveLength(a.firm.startSlot);
      expect(s.months[s.months.length - 1]!.slot).toBe(1);
      const last = s.months[s.months.length - 1]!;
      expect(last.live).toBe(!a.expectedChurned);
      expect(last.mrrMinor).toBe(a.expectedMrrMinor);
    }
  });

  it('makes churn follow the hidden signals', () => {
    const rows = plan.accounts.map((a, i) => {
      const s = demoSignals(42, i);
      const live = s.months.filter((m) => m.live);
      return {
        churned: replay(a).everChurned,
        engagement: live.reduce((x, m) => x + m.engagement, 0) / Math.max(1, live.length),
        sponsor: s.drivers.executiveSponsor,
        selfServe: a.firm.segment === 'self_serve',
      };
    });
    const rate = (f: (r: (typeof rows)[number]) => boolean) => {
      const g = rows.filter(f);
      return g.filter((r) => r.churned).length / g.length;
    };
    const mean = (f: (r: (typeof rows)[number]) => boolean) => {
      const g = rows.filter(f);
      return g.reduce((x, r) => x + r.engagement, 0) / g.length;
    };
    expect(rate((r) => !r.selfServe && !r.sponsor)).toBeGreaterThan(
      1.8 * rate((r) => !r.selfServe && r.sponsor),
    );
    expect(mean((r) => r.churned)).toBeLessThan(mean((r) => !r.churned) - 0.05);
  });
});

describe('seeded random', () => {
  it('repeats exactly for a seed and differs across streams', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(rngFor(42, 'life', 1).next()).not.toBe(rngFor(42, 'life', 2).next());
  });
});
