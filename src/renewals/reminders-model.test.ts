import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../core/clock.js';
import { planReminders, reminderKey } from './reminders-model.js';

const WINDOWS = [120, 90, 60, 30];
const START = '2027-01-01';

/**
 * A generated history: subscriptions whose renewal dates move back and forth on some days,
 * and a job that runs on some days only (late runs, gaps of weeks).
 */
const history = fc.record({
  subs: fc.array(
    fc.record({
      firstOffset: fc.integer({ min: 0, max: 200 }),
      moves: fc.array(
        fc.record({
          onDay: fc.integer({ min: 0, max: 200 }),
          toOffset: fc.integer({ min: 0, max: 260 }),
        }),
        { maxLength: 4 },
      ),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  runDays: fc.uniqueArray(fc.integer({ min: 0, max: 220 }), { minLength: 1, maxLength: 80 }),
  windows: fc.constantFrom(WINDOWS, [90, 30], [60], [120, 60, 30, 7]),
});

describe('renewal reminders over generated schedules', () => {
  it('each (subscription, renewal date, window) is sent at most once, and the current window always is', () => {
    fc.assert(
      fc.property(history, ({ subs, runDays, windows }) => {
        const recorded = new Set<string>();
        const sends = new Map<string, number>();
        const runs = [...runDays].sort((a, b) => a - b);
        for (const day of runs) {
          const today = addDays(START, day);
          const state = subs.map((s, i) => {
            let offset = s.firstOffset;
            for (const m of [...s.moves].sort((a, b) => a.onDay - b.onDay))
              if (m.onDay <= day) offset = m.toOffset;
            return { subscriptionId: `sub${i}`, renewalDate: addDays(START, offset) };
          });
          const plan = planReminders(state, today, windows, recorded);
          // At most one message per subscription per run.
          const perSub = new Map<string, number>();
          for (const k of plan.send)
            perSub.set(k.subscriptionId, (perSub.get(k.subscriptionId) ?? 0) + 1);
          for (const n of perSub.values()) expect(n).toBe(1);
          for (const k of [...plan.send, ...plan.supersede]) {
            const key = reminderKey(k);
            expect(recorded.has(key)).toBe(false);
            recorded.add(key);
          }
          for (const k of plan.send)
            sends.set(reminderKey(k), (sends.get(reminderKey(k)) ?? 0) + 1);
          // The window a renewal stands in at this run has been sent exactly once, now or
          // before, unless it was passed over earlier (see below).
          for (const s of state) {
            const days = daysBetween(today, s.renewalDate);
            if (days < 0) continue;
            const current = [...windows].sort((a, b) => a - b).find((w) => days <= w);
            if (current === undefined) continue;
            const key = reminderKey({ ...s, windowDays: current });
            const sentNowOrBefore = sends.get(key) ?? 0;
            const supersededBefore = recorded.has(key) && sentNowOrBefore === 0;
            // A window recorded as superseded stays so: it was passed over when a tighter
            // one was current (the date later moved back out). Otherwise it was sent once.
            if (!supersededBefore) expect(sentNowOrBefore).toBe(1);
          }
        }
        for (const n of sends.values()) expect(n).toBe(1);
      }),
      { numRuns: 1000 },
    );
  });

  it('sends the tightest window reached and supersedes the wider ones on a late run', () => {
    const plan = planReminders(
      [{ subscriptionId: 's', renewalDate: '2027-03-01' }],
      '2027-01-15', // 45 days out: the 120- and 90-day reminders were missed
      WINDOWS,
      new Set(),
    );
    expect(plan.send.map((k) => k.windowDays)).toEqual([60]);
    expect(plan.supersede.map((k) => k.windowDays).sort()).toEqual([120, 90]);
  });

  it('a renewal date moved back to one already reminded sends nothing again', () => {
    const recorded = new Set<string>();
    const at = (renewalDate: string, today: string) => {
      const p = planReminders([{ subscriptionId: 's', renewalDate }], today, WINDOWS, recorded);
      for (const k of [...p.send, ...p.supersede]) recorded.add(reminderKey(k));
      return p.send.map((k) => `${k.renewalDate}/${k.windowDays}`);
    };
    expect(at('2027-06-01', '2027-02-10')).toEqual(['2027-06-01/120']);
    expect(at('2027-07-01', '2027-02-11')).toEqual([]); // 140 days out: nothing yet
    expect(at('2027-06-01', '2027-02-12')).toEqual([]); // moved back: already reminded
    expect(at('2027-06-01', '2027-03-04')).toEqual(['2027-06-01/90']);
  });
});
