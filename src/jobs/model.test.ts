import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs, checkSchedule, dueSlot, nextSlotAt, type Schedule } from './model.js';

const instant = fc
  .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) })
  .map((t) => new Date(t));
const schedule: fc.Arbitrary<Schedule> = fc.oneof(
  fc.constantFrom(1, 2, 5, 10, 15, 30, 60, 120, 1440).map((minutes) => ({
    every: 'minutes' as const,
    minutes,
  })),
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => ({
    every: 'day' as const,
    at: `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`,
  })),
);

describe('recurring slots', () => {
  it('the due slot is never in the future and the next one is after now', () => {
    fc.assert(
      fc.property(schedule, instant, (s, now) => {
        const slot = dueSlot(s, now);
        expect(slot.dueAt.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(nextSlotAt(s, now).getTime()).toBeGreaterThan(now.getTime());
        expect(slot.id).toBe(slot.dueAt.toISOString().slice(0, 16) + 'Z');
      }),
    );
  });

  it('every instant up to the next slot names the same slot (so processes agree)', () => {
    fc.assert(
      fc.property(schedule, instant, fc.double({ min: 0, max: 1, noNaN: true }), (s, now, f) => {
        const slot = dueSlot(s, now);
        const next = nextSlotAt(s, now).getTime();
        const inside = new Date(
          slot.dueAt.getTime() + Math.floor(f * (next - 1 - slot.dueAt.getTime())),
        );
        expect(dueSlot(s, inside).id).toBe(slot.id);
        expect(dueSlot(s, new Date(next)).id).not.toBe(slot.id);
      }),
    );
  });

  it('a day at 02:00 is due from 02:00 and names that day', () => {
    const s: Schedule = { every: 'day', at: '02:00' };
    expect(dueSlot(s, new Date('2026-03-10T01:59:59Z')).id).toBe('2026-03-09T02:00Z');
    expect(dueSlot(s, new Date('2026-03-10T02:00:00Z')).id).toBe('2026-03-10T02:00Z');
    expect(dueSlot({ every: 'minutes', minutes: 15 }, new Date('2026-03-10T10:44:59Z')).id).toBe(
      '2026-03-10T10:30Z',
    );
  });

  it('refuses schedules that do not tile a day', () => {
    expect(() => checkSchedule({ every: 'minutes', minutes: 7 })).toThrow(/divide a day/);
    expect(() => checkSchedule({ every: 'day', at: '24:00' })).toThrow(/HH:MM/);
    expect(() => checkSchedule({ every: 'minutes', minutes: 30 })).not.toThrow();
  });
});

describe('backoff', () => {
  it('doubles from the base, never past the cap, and jitter only shortens by up to a fifth', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, baseMs, extra, jitter) => {
          const b = { baseMs, maxMs: baseMs + extra };
          const plain = backoffMs(attempt, b);
          expect(plain).toBe(Math.min(b.maxMs, baseMs * 2 ** (attempt - 1)));
          expect(backoffMs(attempt + 1, b)).toBeGreaterThanOrEqual(plain);
          const j = backoffMs(attempt, b, jitter);
          expect(j).toBeLessThanOrEqual(plain);
          expect(j).toBeGreaterThanOrEqual(Math.floor(plain * 0.8));
        },
      ),
    );
  });
});
