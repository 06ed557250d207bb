import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TicketRow } from '../db/schema.js';
import {
  checkScore,
  checkTicket,
  median,
  nps,
  npsCategory,
  resolvedAtFor,
  ticketEvents,
} from './model.js';
import { summarize, type SummaryTicket } from './summary.js';

const scores = fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 300 });
const ints = fc.array(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), {
  minLength: 1,
  maxLength: 200,
});

describe('NPS', () => {
  it('buckets 9–10 as promoters, 7–8 as passives, 0–6 as detractors', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual([
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ]);
  });

  it('is % promoters − % detractors, rounded half away from zero', () => {
    expect(nps([])).toEqual({
      score: null,
      responses: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
    });
    expect(nps([10, 9, 8, 3]).score).toBe(25);
    // 1 promoter, 7 others: 12.5 → 13; mirrored: −12.5 → −13.
    expect(nps([9, 7, 7, 7, 7, 7, 7, 7]).score).toBe(13);
    expect(nps([0, 7, 7, 7, 7, 7, 7, 7]).score).toBe(-13);
    // 1 of 3: 33.33 → 33; 2 of 3: 66.67 → 67.
    expect(nps([10, 8, 8]).score).toBe(33);
    expect(nps([10, 10, 8]).score).toBe(67);
    expect(nps([6, 7, 8]).score).toBe(-33);
    expect(Object.is(nps([5, 9, 7, 7, 7]).score, 0)).toBe(true);
  });

  it('is an integer from −100 to 100 within half a point of the exact formula', () => {
    fc.assert(
      fc.property(scores, (xs) => {
        const r = nps(xs);
        expect(r.promoters + r.passives + r.detractors).toBe(xs.length);
        if (xs.length === 0) {
          expect(r.score).toBeNull();
          return;
        }
        const exact = (100 * (r.promoters - r.detractors)) / xs.length;
        expect(Number.isInteger(r.score)).toBe(true);
        expect(r.score).toBeGreaterThanOrEqual(-100);
        expect(r.score).toBeLessThanOrEqual(100);
        expect(Math.abs(r.score! - exact)).toBeLessThanOrEqual(0.5);
      }),
    );
  });

  it('does not depend on order or on repeating the whole set, and mirrors exactly', () => {
    fc.assert(
      fc.property(scores, fc.infiniteStream(fc.nat()), (xs, seeds) => {
        const shuffled = [...xs].sort(() => (seeds.next().value % 3) - 1);
        expect(nps(shuffled).score).toBe(nps(xs).score);
        expect(nps([...xs, ...xs]).score).toBe(nps(xs).score);
        // Promoters become detractors and back; passives stay.
        const mirrored = xs.map((s) => (s >= 9 ? 0 : s <= 6 ? 10 : s));
        const m = nps(mirrored).score;
        expect(m === null ? null : m === 0 ? 0 : -m).toBe(nps(xs).score);
      }),
    );
  });

  it('is 100, 0 or −100 for all promoters, all passives, all detractors; passives pull towards 0', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 100 }),
        fc.integer({ min: 1, max: 50 }),
        (xs, extra) => {
          expect(nps(xs.map((s) => (s % 2 ? 9 : 10))).score).toBe(100);
          expect(nps(xs.map((s) => (s % 2 ? 7 : 8))).score).toBe(0);
          expect(nps(xs.map((s) => s % 7)).score).toBe(-100);
          const diluted = nps([...xs, ...Array<number>(extra).fill(8)]).score!;
          expect(Math.abs(diluted)).toBeLessThanOrEqual(Math.abs(nps(xs).score!));
        },
      ),
    );
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle values', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([1, 1, 100])).toBe(1);
  });

  it('splits the values in halves, whatever their order', () => {
    fc.assert(
      fc.property(ints, (xs) => {
        const m = median(xs)!;
        expect(median([...xs].reverse())).toBe(m);
        expect(m).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(m).toBeLessThanOrEqual(Math.max(...xs));
        expect(xs.filter((x) => x <= m).length * 2).toBeGreaterThanOrEqual(xs.length);
        expect(xs.filter((x) => x >= m).length * 2).toBeGreaterThanOrEqual(xs.length);
        if (xs.length % 2) expect(xs).toContain(m);
        expect(median([...xs, ...xs])).toBe(m);
      }),
    );
  });

  it('is exact: shifting every value shifts the median by as much', () => {
    fc.assert(
      fc.property(ints, fc.integer({ min: -1_000_000, max: 1_000_000 }), (xs, c) => {
        expect(median(xs.map((x) => x + c))).toBe(median(xs)! + c);
        expect(median(xs.map((x) => 2 * x))).toBe(2 * median(xs)!);
      }),
    );
  });
});

describe('ticket rules', () => {
  const facts = {
    status: 'open',
    opened_at: '2026-03-01T10:00:00.000Z',
    first_response_at: null,
    resolved_at: null,
    csat: null,
  };

  it('refuses responses and resolutions before the opening, resolution while open, CSAT out of 1–5', () => {
    expect(checkTicket(facts)).toBeNull();
    expect(checkTicket({ ...facts, first_response_at: '2026-03-01T09:59:59.000Z' })).toMatchObject({
      field: 'firstResponseAt',
    });
    expect(checkTicket({ ...facts, resolved_at: '2026-03-02T00:00:00.000Z' })).toMatchObject({
      field: 'resolvedAt',
      reason: expect.stringMatching(/only solved or closed/),
    });
    expect(
      checkTicket({ ...facts, status: 'solved', resolved_at: '2026-02-28T00:00:00.000Z' }),
    ).toMatchObject({ field: 'resolvedAt' });
    expect(checkTicket({ ...facts, csat: 6 })).toMatchObject({ field: 'csat' });
    expect(checkTicket({ ...facts, csat: 0 })).toMatchObject({ field: 'csat' });
    expect(checkScore('nps', 10)).toBeNull();
    expect(checkScore('nps', 11)).toMatchObject({ field: 'score' });
    expect(checkScore('csat', 0)).toMatchObject({ field: 'score' });
    expect(checkScore('nps', 7.5)).toMatchObject({ field: 'score' });
  });

  it('resolves on moving to solved (now unless given), keeps it while resolved, clears it on reopening', () => {
    const now = '2026-03-05T00:00:00.000Z';
    const given = '2026-03-04T00:00:00.000Z';
    expect(resolvedAtFor(null, 'solved', undefined, now)).toBe(now);
    expect(resolvedAtFor(null, 'solved', undefined, null)).toBeNull();
    expect(resolvedAtFor(null, 'open', undefined, now)).toBeNull();
    expect(resolvedAtFor({ status: 'open', resolved_at: null }, 'closed', given, now)).toBe(given);
    expect(resolvedAtFor({ status: 'solved', resolved_at: given }, 'closed', undefined, now)).toBe(
      given,
    );
    expect(resolvedAtFor({ status: 'solved', resolved_at: given }, 'open', undefined, now)).toBe(
      null,
    );
  });

  it('writes opened, escalated and resolved events once each', () => {
    const row: TicketRow = {
      id: 'tkt_1',
      account_id: 'acc_1',
      external_id: '881',
      subject: 'Export fails',
      priority: 'urgent',
      ...facts,
      escalated: 0,
      contact_id: null,
      created_at: facts.opened_at,
      updated_at: facts.opened_at,
    };
    expect(ticketEvents(null, row).map((e) => [e.kind, e.title])).toEqual([
      ['ticket_opened', 'Urgent ticket opened: #881 Export fails'],
    ]);
    const escalated = { ...row, escalated: 1 };
    expect(ticketEvents(row, escalated).map((e) => e.kind)).toEqual(['ticket_escalated']);
    expect(ticketEvents(escalated, escalated)).toEqual([]);
    const solved = { ...row, status: 'solved', resolved_at: '2026-03-01T16:30:00.000Z' };
    expect(ticketEvents(row, solved)).toMatchObject([
      { kind: 'ticket_resolved', occurredAt: solved.resolved_at, title: /after 6.5 h/ },
    ]);
    expect(ticketEvents(solved, { ...solved, status: 'closed' })).toEqual([]);
  });
});

describe('summary windows', () => {
  const asOf = new Date('2026-06-30T12:00:00.000Z');
  const t = (over: Partial<SummaryTicket>): SummaryTicket => ({
    opened_at: '2026-06-01T00:00:00.000Z',
    first_response_at: null,
    resolved_at: null,
    status: 'open',
    priority: 'normal',
    escalated: 0,
    csat: null,
    ...over,
  });

  it('counts the window end in and its start out, and tickets solved after asOf as open', () => {
    const s = summarize(
      'acc_1',
      asOf,
      [
        t({ opened_at: '2026-06-30T12:00:00.000Z' }),
        t({
          opened_at: '2026-05-31T12:00:00.000Z',
          status: 'solved',
          resolved_at: '2026-05-31T13:00:00.000Z',
        }),
        t({
          opened_at: '2026-05-01T12:00:01.000Z',
          status: 'closed',
          resolved_at: '2026-07-01T00:00:00.000Z',
        }),
        t({
          opened_at: '2026-05-01T12:00:00.000Z',
          status: 'solved',
          resolved_at: '2026-05-01T13:00:00.000Z',
        }),
        t({ opened_at: '2026-07-01T00:00:00.000Z' }),
      ],
      [],
      null,
    );
    expect(s.tickets).toMatchObject({
      open: 2,
      openedLast30Days: 1,
      openedPrior30Days: 2,
      openedChange: -1,
      resolvedLast90Days: 2,
      medianResolutionHours: 1,
      medianFirstResponseHours: null,
    });
    expect(s.nps).toMatchObject({ latest: null, trend: null, last90Days: { score: null } });
    expect(s.csat).toEqual({ average: null, ratings: 0, fromTickets: 0, fromSurveys: 0 });
  });
});
