import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays } from '../../core/clock.js';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import type { Executor } from '../../db/database.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount } from '../../accounts/account/service.js';
import { putUsageSettings } from '../../usage/settings.js';
import { MANUAL_MEASURE_IDS } from './model.js';
import { measuresAt } from './service.js';
import {
  addContact,
  addManual,
  addMovement,
  addNps,
  addSubscription,
  addTicket,
  addTouch,
} from './testing.js';

/**
 * No look-ahead: whatever an account's history up to a day, adding records dated after it —
 * or changing records in ways dated after it (a ticket solved, a contact leaving, a
 * subscription canceled later) — never changes a value as of that day.
 */

const AS_OF = '2026-06-30';
const MINUTE = 60_000;
const BASE_MS = Date.parse(`${AS_OF}T00:00:00.000Z`);
/** The first instant after AS_OF. */
const END_MS = BASE_MS + 1440 * MINUTE;

const iso = (ms: number) => new Date(ms).toISOString();
const day = (offset: number) => addDays(AS_OF, offset);

/** An instant anywhere in the 400 days up to 60 after AS_OF (base history). */
const anyInstant = fc
  .integer({ min: -400 * 1440, max: 60 * 1440 })
  .map((m) => BASE_MS + m * MINUTE);
/** An instant at or after the end of AS_OF, the boundary itself included. */
const laterInstant = fc.oneof(
  fc.constant(END_MS),
  fc.integer({ min: 0, max: 200 * 1440 }).map((m) => END_MS + m * MINUTE),
);
const anyDay = fc.integer({ min: -400, max: 60 });
const laterDay = fc.integer({ min: 1, max: 200 });

type Rec =
  | { t: 'user'; user: string; day: number }
  | { t: 'event'; event: string; day: number }
  | {
      t: 'ticket';
      at: number;
      status: string;
      priority: string;
      escalated: number;
      resolvedAfter: number | null;
      csat: number | null;
    }
  | { t: 'nps'; at: number; score: number }
  | { t: 'contact'; at: number; champion: number; sponsor: number; leftOn: number | null }
  | { t: 'touch'; at: number; kind: string }
  | {
      t: 'sub';
      start: number;
      end: number | null;
      status: string;
      canceled: number | null;
      seats: number | null;
    }
  | { t: 'move'; day: number; kind: string; delta: number }
  | { t: 'manual'; at: number; measure: string; value: number; staleAfter: number };

function records(instant: fc.Arbitrary<number>, dayArb: fc.Arbitrary<number>): fc.Arbitrary<Rec[]> {
  const rec: fc.Arbitrary<Rec> = fc.oneof(
    fc.record({
      t: fc.constant('user' as const),
      user: fc.constantFrom('u1', 'u2', 'u3', 'u4'),
      day: dayArb,
    }),
    fc.record({
      t: fc.constant('event' as const),
      event: fc.constantFrom('A', 'B', 'C'),
      day: dayArb,
    }),
    fc.record({
      t: fc.constant('ticket' as const),
      at: instant,
      status: fc.constantFrom('open', 'pending', 'solved', 'closed'),
      priority: fc.constantFrom('low', 'normal', 'high', 'urgent'),
      escalated: fc.constantFrom(0, 1),
      resolvedAfter: fc.option(fc.integer({ min: 0, max: 60 * 1440 })),
      csat: fc.option(fc.integer({ min: 1, max: 5 })),
    }),
    fc.record({
      t: fc.constant('nps' as const),
      at: instant,
      score: fc.integer({ min: 0, max: 10 }),
    }),
    fc.record({
      t: fc.constant('contact' as const),
      at: instant,
      champion: fc.constantFrom(0, 1),
      sponsor: fc.constantFrom(0, 1),
      leftOn: fc.option(dayArb, { freq: 1 }),
    }),
    fc.record({
      t: fc.constant('touch' as const),
      at: instant,
      kind: fc.constantFrom('note', 'call', 'meeting', 'email', 'email_sent', 'payment_failed'),
    }),
    fc.record({
      t: fc.constant('sub' as const),
      start: dayArb,
      end: fc.option(fc.integer({ min: 0, max: 400 })),
      status: fc.constantFrom('active', 'past_due', 'trialing', 'canceled', 'expired'),
      canceled: fc.option(fc.integer({ min: 0, max: 300 }), { freq: 1 }),
      seats: fc.option(fc.integer({ min: 0, max: 20 })),
    }),
    fc.record({
      t: fc.constant('move' as const),
      day: dayArb,
      kind: fc.constantFrom('new', 'expansion', 'contraction', 'churn', 'reactivation'),
      delta: fc.integer({ min: -2000, max: 2000 }),
    }),
    fc.record({
      t: fc.constant('manual' as const),
      at: instant,
      measure: fc.constantFrom(...MANUAL_MEASURE_IDS),
      value: fc.integer({ min: 1, max: 10 }),
      staleAfter: fc.integer({ min: -30, max: 200 }),
    }),
  );
  // Usage rows have natural keys: one per user (or event) and day.
  return fc.array(rec, { maxLength: 40 }).map((rs) => {
    const seen = new Set<string>();
    return rs.filter((r) => {
      if (r.t !== 'user' && r.t !== 'event') return true;
      const key = `${r.t}|${r.t === 'user' ? r.user : r.event}|${r.day}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });
}

async function insert(
  db: Executor,
  acc: string,
  subId: string,
  rs: readonly Rec[],
  usageDays: Set<string>,
) {
  for (const r of rs) {
    switch (r.t) {
      case 'user': {
        const key = `u|${r.user}|${r.day}`;
        if (usageDays.has(key)) break;
        usageDays.add(key);
        await db
          .insertInto('usage_daily_user')
          .values({
            account_id: acc,
            day: day(r.day),
            user_key: r.user,
            events: 1,
            session_seconds: 0,
            first_at: `${day(r.day)}T01:00:00.000Z`,
            last_at: `${day(r.day)}T02:00:00.000Z`,
          })
          .execute();
        break;
      }
      case 'event': {
        const key = `e|${r.event}|${r.day}`;
        if (usageDays.has(key)) break;
        usageDays.add(key);
        await db
          .insertInto('usage_daily_event')
          .values({ account_id: acc, day: day(r.day), event: r.event, events: 1, users: 1 })
          .execute();
        break;
      }
      case 'ticket': {
        const resolved = r.status === 'solved' || r.status === 'closed';
        await addTicket(db, acc, {
          opened_at: iso(r.at),
          status: r.status,
          priority: r.priority,
          escalated: r.escalated,
          resolved_at:
            resolved && r.resolvedAfter !== null ? iso(r.at + r.resolvedAfter * MINUTE) : null,
          csat: resolved ? r.csat : null,
        });
        break;
      }
      case 'nps':
        await addNps(db, acc, r.score, iso(r.at));
        break;
      case 'contact':
        await addContact(db, acc, {
          created_at: iso(r.at),
          is_champion: r.champion,
          is_executive_sponsor: r.sponsor,
          left_on: r.leftOn === null ? null : day(r.leftOn),
        });
        break;
      case 'touch':
        await addTouch(db, acc, r.kind, iso(r.at));
        break;
      case 'sub':
        await addSubscription(db, acc, {
          start_date: day(r.start),
          end_date: r.end === null ? null : day(r.start + r.end),
          status: r.status,
          canceled_on: r.canceled === null ? null : day(r.start + r.canceled),
          seats: r.seats,
        });
        break;
      case 'move':
        await addMovement(db, acc, subId, {
          kind: r.kind,
          effective_date: day(r.day),
          mrr_delta_minor: r.delta,
        });
        break;
      case 'manual':
        await addManual(db, acc, {
          measure: r.measure,
          value: r.value,
          recorded_at: iso(r.at),
          stale_after: day(Math.floor((r.at - BASE_MS) / (1440 * MINUTE)) + r.staleAfter),
        });
        break;
    }
  }
}

/** Changes to existing records whose own dates fall after AS_OF. */
async function changeLater(db: Executor, acc: string, seed: number): Promise<void> {
  const later = (n: number) => day(1 + ((seed + n) % 90));
  const laterAt = iso(END_MS + ((seed * 7919) % (90 * 1440)) * MINUTE);
  // Open tickets get solved after AS_OF.
  await db
    .updateTable('tickets')
    .set({ status: seed % 2 ? 'solved' : 'closed', resolved_at: laterAt })
    .where('account_id', '=', acc)
    .where('status', 'in', ['open', 'pending'])
    .where('opened_at', '<=', laterAt)
    .execute();
  // Present contacts leave, or are archived, after AS_OF.
  await db
    .updateTable('contacts')
    .set({ left_on: later(1) })
    .where('account_id', '=', acc)
    .where('left_on', 'is', null)
    .execute();
  await db
    .updateTable('contacts')
    .set({ archived_at: laterAt })
    .where('account_id', '=', acc)
    .where('archived_at', 'is', null)
    .execute();
  // Live subscriptions are canceled after AS_OF.
  await db
    .updateTable('subscriptions')
    .set({ status: 'canceled', canceled_on: later(2) })
    .where('account_id', '=', acc)
    .where('status', 'in', ['active', 'past_due'])
    .where('canceled_on', 'is', null)
    .execute();
}

const ROLLBACK = new Error('rollback');

for (const dialect of testDialects()) {
  describe(`no look-ahead on ${dialect}`, () => {
    let db: TestDb;
    let ctx: ReturnType<typeof testCtx>;
    let acc: string;
    let other: string;

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      ctx = testCtx(db, '2026-12-31T12:00:00.000Z');
      await putUsageSettings(ctx, { features: { A: 'alpha', B: 'beta', C: 'beta' } });
      acc = (await createAccount(ctx, { name: 'Acme', productId: 'p-acme' })).id;
      other = (await createAccount(ctx, { name: 'Other' })).id;
    });
    afterAll(async () => {
      await db.destroy();
    });

    it('values as of a day ignore every record and change dated after it', async () => {
      await fc.assert(
        fc.asyncProperty(
          records(anyInstant, anyDay),
          records(laterInstant, laterDay),
          fc.boolean(),
          fc.nat(1000),
          async (base, future, mutate, seed) => {
            let checked = false;
            await db.db
              .transaction()
              .execute(async (trx) => {
                const tctx = { ...ctx, db: trx };
                const subId = await addSubscription(trx, other, { start_date: '2020-01-01' });
                const usageDays = new Set<string>();
                await insert(trx, acc, subId, base, usageDays);
                const before = await measuresAt(tctx, AS_OF, [acc]);
                await insert(trx, acc, subId, future, usageDays);
                if (mutate) await changeLater(trx, acc, seed);
                const after = await measuresAt(tctx, AS_OF, [acc]);
                expect(after).toEqual(before);
                // The scan of all accounts agrees with the IN-list path.
                expect((await measuresAt(tctx, AS_OF)).get(acc)).toEqual(after.get(acc));
                checked = true;
                throw ROLLBACK;
              })
              .catch((err: unknown) => {
                if (err !== ROLLBACK) throw err;
              });
            expect(checked).toBe(true);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}
