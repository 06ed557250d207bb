import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { makeCtx } from '../../core/context.js';
import { checkEvent } from './model.js';
import { KnownUserEvents, RollupBacklog } from './backlog.js';
import { cutIntoSlices, flushBacklog, rollUpStranded, writeSlice } from './apply.js';
import { writeSubmitted, type Submitted } from './service.js';

const RECEIVED = new Date('2026-06-10T12:00:00.000Z');

/** An event as a sender might produce it: duplicates, out of order, skewed clocks. */
const eventArb = fc.record({
  id: fc.integer({ min: 0, max: 40 }), // small range: many repeated messageIds
  user: fc.integer({ min: 0, max: 5 }),
  group: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
  type: fc.constantFrom('track', 'track', 'page', 'identify', 'group'),
  name: fc.constantFrom('Login', 'Report Created', 'Export'),
  // The sender's own time: with the messageId it is the de-duplication key. A small range
  // so that many events repeat both (retries, possibly with another sentAt) and some repeat
  // the id at another time (distinct events).
  stamp: fc.integer({ min: 0, max: 2 }),
  skewSeconds: fc.integer({ min: -3600, max: 3600 }),
  seconds: fc.integer({ min: 0, max: 600 }),
});
type Gen = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function toSegment(g: Gen): Record<string, unknown> {
  const minutesAgo = (g.id * 997 + g.stamp * 1500) % (4 * 24 * 60);
  const original = new Date(RECEIVED.getTime() - minutesAgo * 60_000);
  const sentAt = new Date(RECEIVED.getTime() + g.skewSeconds * 1000);
  const base = {
    type: g.type,
    messageId: `m-${g.id}`,
    userId: `u${g.user}`,
    originalTimestamp: original.toISOString(),
    sentAt: sentAt.toISOString(),
  };
  if (g.type === 'track')
    return {
      ...base,
      event: g.name,
      properties: { session_seconds: g.seconds },
      context: g.group === null ? {} : { groupId: `g${g.group}` },
    };
  if (g.type === 'page')
    return { ...base, name: g.name, context: g.group === null ? {} : { groupId: `g${g.group}` } };
  if (g.type === 'group')
    return { ...base, groupId: `g${g.group ?? 0}`, traits: { name: `Org ${g.group ?? 0}` } };
  return { ...base, traits: { email: `u${g.user}@example.com` } };
}

const ROLLUP_TABLES = [
  'usage_daily_user_event',
  'usage_daily_event',
  'usage_daily_user',
  'product_users',
  'event_catalog',
  'event_properties',
  'events',
  'intake_rollup_backlog',
] as const;

async function clearRollups(db: TestDb['db']): Promise<void> {
  for (const t of ROLLUP_TABLES) await db.deleteFrom(t).execute();
}

/** Submitted items for generated events, all received at one time. */
function submitted(gens: readonly Gen[]): Submitted[] {
  return gens.map((g, index) => {
    const raw = toSegment(g);
    return {
      index,
      sourceId: 'src',
      receivedAt: RECEIVED.toISOString(),
      raw: () => JSON.stringify(raw),
      checked: checkEvent(raw, { receivedAt: RECEIVED }),
    };
  });
}

/**
 * Everything the rollups hold that does not depend on the order events were applied in
 * (traits and a user's account follow the latest event of a batch, not of a request).
 */
async function rollupState(db: TestDb['db']) {
  const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
  return {
    events: sorted(
      await db.selectFrom('events').select(['message_id', 'client_ms', 'account_id']).execute(),
    ),
    userDays: sorted(
      (await db.selectFrom('usage_daily_user').selectAll().execute()).map((r) => ({
        ...r,
        events: Number(r.events),
        session_seconds: Number(r.session_seconds),
      })),
    ),
    eventDays: sorted(
      (await db.selectFrom('usage_daily_event').selectAll().execute()).map((r) => ({
        ...r,
        events: Number(r.events),
        users: Number(r.users),
      })),
    ),
    userEvents: sorted(await db.selectFrom('usage_daily_user_event').selectAll().execute()),
    users: sorted(
      (
        await db
          .selectFrom('product_users')
          .select(['user_key', 'user_id', 'events', 'first_seen_at', 'last_seen_at'])
          .execute()
      ).map((r) => ({ ...r, events: Number(r.events) })),
    ),
    catalog: sorted(
      (
        await db
          .selectFrom('event_catalog')
          .select(['key', 'volume', 'first_seen_at', 'last_seen_at'])
          .execute()
      ).map((r) => ({ ...r, volume: Number(r.volume) })),
    ),
    properties: sorted(
      (
        await db
          .selectFrom('event_properties')
          .select(['event_key', 'property', 'volume', 'first_seen_at', 'last_seen_at'])
          .execute()
      ).map((r) => ({ ...r, volume: Number(r.volume) })),
    ),
  };
}

for (const dialect of testDialects()) {
  describe(`rollups on ${dialect}`, () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await freshTestDb(dialect);
    });
    afterAll(async () => db.destroy());

    it('always equal a straightforward recomputation from the stored raw events', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(eventArb, { maxLength: 60 }),
          fc.integer({ min: 1, max: 25 }),
          // Which chunks the writer defers (their rollups wait for a later one), cycled.
          fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
          fc.boolean(),
          async (gens, chunk, deferPattern, remember) => {
            await clearRollups(db.db);
            const ctx = makeCtx(db.db, db.dialect, { now: () => RECEIVED });
            const items = submitted(gens);
            // First without deferring, for the accounts each event is attributed to.
            for (let i = 0; i < items.length; i += chunk)
              await writeSubmitted(ctx, items.slice(i, i + chunk));
            const attributed = async () =>
              new Map(
                (
                  await db.db
                    .selectFrom('events')
                    .select(['message_id', 'client_ms', 'account_id'])
                    .execute()
                ).map((r) => [`${r.message_id}|${r.client_ms}`, r.account_id]),
              );
            const plain = await attributed();
            await clearRollups(db.db);
            // Then deferring some chunks' rollups: held groups must tie users to accounts as
            // their rollups would, and every rollup must come out the same once flushed.
            const backlog = new RollupBacklog();
            const known = remember ? new KnownUserEvents() : undefined;
            for (let i = 0, k = 0; i < items.length; i += chunk, k += 1)
              await writeSubmitted(ctx, items.slice(i, i + chunk), {
                backlog,
                defer: deferPattern[k % deferPattern.length],
                known,
              });
            await flushBacklog(ctx, backlog, [], known);
            expect(backlog.events).toBe(0);
            expect(await db.db.selectFrom('intake_rollup_backlog').selectAll().execute()).toEqual(
              [],
            );
            expect(await attributed()).toEqual(plain);

            const raw = await db.db.selectFrom('events').selectAll().execute();
            // Exactly one stored row per distinct (messageId, sender's time).
            expect(raw.length).toBe(new Set(gens.map((g) => `${g.id}|${g.stamp}`)).size);
            const activity = raw.filter(
              (r) => (r.type === 'track' || r.type === 'page') && r.account_id,
            );
            const expectUser = new Map<string, number>();
            const expectEvent = new Map<string, { events: number; users: Set<string> }>();
            for (const r of activity) {
              const day = r.ts.slice(0, 10);
              const uk = `${r.account_id}|${day}|${r.user_key}`;
              expectUser.set(uk, (expectUser.get(uk) ?? 0) + 1);
              const ek = `${r.account_id}|${day}|${r.event}`;
              const e = expectEvent.get(ek) ?? { events: 0, users: new Set<string>() };
              e.events += 1;
              e.users.add(r.user_key!);
              expectEvent.set(ek, e);
            }
            const users = await db.db.selectFrom('usage_daily_user').selectAll().execute();
            expect(
              new Map(
                users.map((u) => [`${u.account_id}|${u.day}|${u.user_key}`, Number(u.events)]),
              ),
            ).toEqual(expectUser);
            const events = await db.db.selectFrom('usage_daily_event').selectAll().execute();
            expect(
              new Map(
                events.map((e) => [
                  `${e.account_id}|${e.day}|${e.event}`,
                  [Number(e.events), Number(e.users)],
                ]),
              ),
            ).toEqual(new Map([...expectEvent].map(([k, v]) => [k, [v.events, v.users.size]])));
            const total = await db.db
              .selectFrom('usage_daily_user')
              .select(sql<number>`coalesce(sum(events), 0)`.as('n'))
              .executeTakeFirstOrThrow();
            expect(Number(total.n)).toBe(activity.length);
          },
        ),
        { numRuns: dialect === 'postgres' ? 15 : 40 },
      );
    });

    it('come out the same when held batches are cut into slices, written in any number of steps, and a crash strands some', async () => {
      // What each step does after storing a chunk with its rollups held.
      const stepArb = fc.record({
        cut: fc.boolean(),
        eventsPerSlice: fc.integer({ min: 1, max: 12 }),
        slicesWritten: fc.integer({ min: 0, max: 40 }),
        crash: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(eventArb, { maxLength: 60 }),
          fc.integer({ min: 1, max: 20 }),
          fc.array(stepArb, { minLength: 1, maxLength: 6 }),
          async (gens, chunk, steps) => {
            const ctx = makeCtx(db.db, db.dialect, { now: () => RECEIVED });
            const items = submitted(gens);
            await clearRollups(db.db);
            for (let i = 0; i < items.length; i += chunk)
              await writeSubmitted(ctx, items.slice(i, i + chunk));
            const plain = await rollupState(db.db);

            await clearRollups(db.db);
            let backlog = new RollupBacklog();
            let known = new KnownUserEvents();
            for (let i = 0, k = 0; i < items.length; i += chunk, k += 1) {
              await writeSubmitted(ctx, items.slice(i, i + chunk), { backlog, defer: true, known });
              const step = steps[k % steps.length]!;
              if (step.cut && !backlog.slicing)
                await cutIntoSlices(ctx, backlog, step.eventsPerSlice);
              for (let n = 0; n < step.slicesWritten && backlog.slicing; n++)
                await writeSlice(ctx, backlog, known);
              if (step.crash) {
                // The server stops: what it held in memory is gone, its rows are not.
                backlog = new RollupBacklog();
                known = new KnownUserEvents();
                await rollUpStranded(ctx);
              }
            }
            await flushBacklog(ctx, backlog, [], known);
            expect(await db.db.selectFrom('intake_rollup_backlog').selectAll().execute()).toEqual(
              [],
            );
            expect(await rollupState(db.db)).toEqual(plain);
          },
        ),
        { numRuns: dialect === 'postgres' ? 15 : 40 },
      );
    });
  });
}
