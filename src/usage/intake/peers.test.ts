import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Analytics } from '@segment/analytics-node';
import Rudder from '@rudderstack/rudder-sdk-node';
import { loadConfig } from '../../core/config.js';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { buildServer } from '../../server/app.js';
import { testKey } from '../../testing/server.js';
import { decodeBody } from '../routes.js';

/**
 * The official client libraries against the real server on a real port: what they put on
 * the wire (batching, gzip, Basic auth, retries with the same ids) and what ends up in the
 * store and the rollups, counted exactly.
 */

/** Every event happens at noon of one fixed day, so the daily rollups are predictable. */
const AT = new Date('2026-03-02T12:00:00.000Z');
const DAY = '2026-03-02';

const ACCOUNTS = { acme: 'Acme Inc', globex: 'Globex Corporation' } as const;
type AccountRef = keyof typeof ACCOUNTS;

interface Person {
  userId: string;
  account: AccountRef;
  reports: number;
  dashboards: number;
  /** Page views sent without context.groupId: attributed through the user's group call. */
  pages: number;
}

const PEOPLE: readonly Person[] = [
  { userId: 'u-ada', account: 'acme', reports: 7, dashboards: 3, pages: 2 },
  { userId: 'u-bob', account: 'acme', reports: 1, dashboards: 12, pages: 0 },
  { userId: 'u-cy', account: 'acme', reports: 0, dashboards: 4, pages: 5 },
  { userId: 'u-dee', account: 'globex', reports: 9, dashboards: 0, pages: 1 },
  { userId: 'u-eve', account: 'globex', reports: 2, dashboards: 2, pages: 2 },
];
/** An anonymous visitor who never identifies, seen inside Acme's product. */
const VISITOR = { anonymousId: 'anon-7f3a', account: 'acme' as AccountRef, pricing: 3 };

const activityOf = (p: Person) => p.reports + p.dashboards + p.pages;
const TOTAL_EVENTS =
  PEOPLE.length * 2 + PEOPLE.reduce((n, p) => n + activityOf(p), 0) + VISITOR.pricing;

/** What the server is told to do with the next /v1/batch requests, in arrival order. */
type Fault = 'none' | '503' | '429' | 'lost-ack';

interface WireRecord {
  /** When it arrived (ms, monotonic). */
  at: number;
  fault: Fault;
  status: number;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  user: string;
  password: string;
  retryHeader: string | undefined;
  writeKeyInBody: unknown;
  events: Record<string, unknown>[];
  accepted: number;
  duplicates: number;
}

interface Peer {
  db: TestDb;
  app: FastifyInstance;
  url: string;
  key: string;
  wire: WireRecord[];
  faults: Fault[];
  /** TCP connections the client opened: more than one means batches went out concurrently. */
  connections: number;
}

function basicOf(req: FastifyRequest): { user: string; password: string } {
  const [, value = ''] = (req.headers.authorization ?? '').split(' ', 2);
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  return at < 0
    ? { user: decoded, password: '' }
    : { user: decoded.slice(0, at), password: decoded.slice(at + 1) };
}

/**
 * The real server on a loopback port, with a fault injector in front of the intake: a
 * planned 503/429 refuses a batch before it is stored; a lost acknowledgement stores it and
 * then answers 503, as if the connection had dropped, so the client must retry it.
 */
async function startPeer(dialect: 'sqlite' | 'postgres'): Promise<Peer> {
  const db = await freshTestDb(dialect);
  const app = await buildServer({ handle: db, config: loadConfig({}), logger: false });
  const peer: Peer = {
    db,
    app,
    url: '',
    key: await testKey(db, 'ingest'),
    wire: [],
    faults: [],
    connections: 0,
  };
  const records = new WeakMap<FastifyRequest, WireRecord>();
  const sockets = new WeakSet<object>();
  app.addHook('preHandler', async (req, reply) => {
    if (req.url !== '/v1/batch') return;
    if (!sockets.has(req.raw.socket)) {
      sockets.add(req.raw.socket);
      peer.connections += 1;
    }
    const body = decodeBody(req.body as Buffer, req.headers['content-encoding']) as {
      batch: Record<string, unknown>[];
      writeKey?: unknown;
    };
    const { user, password } = basicOf(req);
    const retry = req.headers['x-retry-count'];
    const record: WireRecord = {
      at: performance.now(),
      fault: peer.faults.shift() ?? 'none',
      status: 0,
      contentType: req.headers['content-type'],
      contentEncoding: req.headers['content-encoding'],
      user,
      password,
      retryHeader: Array.isArray(retry) ? retry[0] : retry,
      writeKeyInBody: body.writeKey,
      events: body.batch,
      accepted: 0,
      duplicates: 0,
    };
    records.set(req, record);
    peer.wire.push(record);
    if (record.fault === '503')
      return reply.code(503).send({ error: { code: 'unavailable', message: 'injected 503' } });
    if (record.fault === '429')
      return reply
        .code(429)
        .header('retry-after', '1')
        .send({ error: { code: 'rate_limited', message: 'injected 429' } });
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const record = records.get(req);
    if (!record) return payload;
    record.status = reply.statusCode;
    if (reply.statusCode === 200 && typeof payload === 'string') {
      const out = JSON.parse(payload) as { accepted: number; duplicates: number };
      record.accepted = out.accepted;
      record.duplicates = out.duplicates;
      if (record.fault === 'lost-ack') {
        record.status = 503;
        reply.code(503);
        return JSON.stringify({ error: { code: 'unavailable', message: 'injected lost ack' } });
      }
    }
    return payload;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  peer.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return peer;
}

/** A client library, as far as these tests drive it. */
interface Sender {
  identify(p: Person, done: (err?: unknown) => void): void;
  group(p: Person, done: (err?: unknown) => void): void;
  report(p: Person, done: (err?: unknown) => void): void;
  dashboard(p: Person, done: (err?: unknown) => void): void;
  page(p: Person, done: (err?: unknown) => void): void;
  pricing(done: (err?: unknown) => void): void;
  close(): Promise<void>;
}

function segmentSender(peer: Peer): Sender {
  const client = new Analytics({
    writeKey: peer.key,
    host: peer.url,
    path: '/v1/batch',
    flushAt: 8,
    flushInterval: 50,
    maxRetries: 5,
  });
  const ctx = (p: Person) => ({ groupId: p.account });
  return {
    identify: (p, done) =>
      client.identify(
        {
          userId: p.userId,
          traits: { email: `${p.userId}@${p.account}.example`, name: p.userId.slice(2) },
          timestamp: AT,
        },
        done,
      ),
    group: (p, done) =>
      client.group(
        {
          userId: p.userId,
          groupId: p.account,
          traits: { name: ACCOUNTS[p.account], plan: 'pro' },
          timestamp: AT,
        },
        done,
      ),
    report: (p, done) =>
      client.track(
        {
          userId: p.userId,
          event: 'Report Created',
          properties: { rows: 12, format: 'pdf' },
          context: ctx(p),
          timestamp: AT,
        },
        done,
      ),
    dashboard: (p, done) =>
      client.track(
        {
          userId: p.userId,
          event: 'Dashboard Viewed',
          properties: { dashboard: 'health' },
          context: ctx(p),
          timestamp: AT,
        },
        done,
      ),
    page: (p, done) =>
      client.page(
        {
          userId: p.userId,
          name: 'Settings',
          category: 'Admin',
          properties: { path: '/settings' },
          timestamp: AT,
        },
        done,
      ),
    pricing: (done) =>
      client.track(
        {
          anonymousId: VISITOR.anonymousId,
          event: 'Pricing Viewed',
          properties: { plan: 'enterprise' },
          context: { groupId: VISITOR.account },
          timestamp: AT,
        },
        done,
      ),
    close: () => client.closeAndFlush({ timeout: 60_000 }),
  };
}

function rudderSender(peer: Peer, errors: unknown[]): Sender {
  const client = new Rudder(peer.key, {
    dataPlaneUrl: peer.url,
    flushAt: 8,
    flushInterval: 50,
    retryCount: 5,
    logLevel: 'none',
    // Without a handler a failed flush becomes an unhandled rejection in the app.
    errorHandler: (err: unknown) => void errors.push(err),
  });
  // Rudder stamps originalTimestamp itself (and no timestamp); an explicit one pins the day.
  const when = { originalTimestamp: AT };
  return {
    identify: (p, done) =>
      client.identify(
        {
          ...when,
          userId: p.userId,
          traits: { email: `${p.userId}@${p.account}.example`, name: p.userId.slice(2) },
        },
        done,
      ),
    group: (p, done) =>
      client.group(
        {
          ...when,
          userId: p.userId,
          groupId: p.account,
          traits: { name: ACCOUNTS[p.account], plan: 'pro' },
        },
        done,
      ),
    report: (p, done) =>
      client.track(
        {
          ...when,
          userId: p.userId,
          event: 'Report Created',
          properties: { rows: 12, format: 'pdf' },
          context: { groupId: p.account },
        },
        done,
      ),
    dashboard: (p, done) =>
      client.track(
        {
          ...when,
          userId: p.userId,
          event: 'Dashboard Viewed',
          properties: { dashboard: 'health' },
          context: { groupId: p.account },
        },
        done,
      ),
    page: (p, done) =>
      client.page(
        {
          ...when,
          userId: p.userId,
          name: 'Settings',
          category: 'Admin',
          properties: { path: '/settings' },
        },
        done,
      ),
    pricing: (done) =>
      client.track(
        {
          ...when,
          anonymousId: VISITOR.anonymousId,
          event: 'Pricing Viewed',
          properties: { plan: 'enterprise' },
          context: { groupId: VISITOR.account },
        },
        done,
      ),
    close: async () => {
      await client.flush();
    },
  };
}

/** Issue calls and wait until the library reports every one of them delivered (or failed). */
async function deliver(calls: ((done: (err?: unknown) => void) => void)[]): Promise<unknown[]> {
  const failures: unknown[] = [];
  await Promise.all(
    calls.map(
      (call) =>
        new Promise<void>((resolve) =>
          call((err) => {
            if (err) failures.push(err);
            resolve();
          }),
        ),
    ),
  );
  return failures;
}

/**
 * Sign-up first (identify, group), then product use with the calls interleaved across
 * users, as a running app would make them.
 */
async function sendEverything(sender: Sender): Promise<unknown[]> {
  const failures = await deliver(
    PEOPLE.flatMap((p) => [
      (d: (err?: unknown) => void) => sender.identify(p, d),
      (d: (err?: unknown) => void) => sender.group(p, d),
    ]),
  );
  const activity: ((done: (err?: unknown) => void) => void)[] = [];
  const longest = Math.max(...PEOPLE.map(activityOf), VISITOR.pricing);
  for (let round = 0; round < longest; round++) {
    for (const p of PEOPLE) {
      if (round < p.reports) activity.push((d) => sender.report(p, d));
      if (round < p.dashboards) activity.push((d) => sender.dashboard(p, d));
      if (round < p.pages) activity.push((d) => sender.page(p, d));
    }
    if (round < VISITOR.pricing) activity.push((d) => sender.pricing(d));
  }
  const pending = deliver(activity);
  await sender.close();
  failures.push(...(await pending));
  return failures;
}

const num = (v: unknown) => Number(v);

/** The store and rollups hold exactly what was sent, once. */
async function expectExactStore(peer: Peer): Promise<void> {
  const db = peer.db.db;
  const sentIds = new Set(peer.wire.flatMap((w) => w.events.map((e) => String(e.messageId))));
  expect(sentIds.size).toBe(TOTAL_EVENTS);
  const rows = await db.selectFrom('events').select(['message_id', 'ts', 'type']).execute();
  expect(rows).toHaveLength(TOTAL_EVENTS);
  expect(new Set(rows.map((r) => r.message_id))).toEqual(sentIds);
  // Each event's time is the sender's, corrected for transit: the fixed noon (plus at most
  // the retry delays, which the skew correction cannot tell from clock skew).
  for (const r of rows) {
    const off = Date.parse(r.ts) - AT.getTime();
    expect(off).toBeGreaterThanOrEqual(0);
    expect(off).toBeLessThan(30_000);
  }

  const accounts = await db
    .selectFrom('accounts')
    .select(['id', 'name', 'product_id'])
    .orderBy('product_id')
    .execute();
  expect(accounts.map((a) => [a.product_id, a.name])).toEqual([
    ['acme', ACCOUNTS.acme],
    ['globex', ACCOUNTS.globex],
  ]);
  const accountId = new Map(accounts.map((a) => [a.product_id as AccountRef, a.id]));
  const idOf = (ref: AccountRef) => accountId.get(ref)!;

  const userDays = await db
    .selectFrom('usage_daily_user')
    .selectAll()
    .orderBy('user_key')
    .execute();
  const expectedUserDays = [
    ...PEOPLE.map((p) => [idOf(p.account), DAY, p.userId, activityOf(p)]),
    [idOf(VISITOR.account), DAY, `anon:${VISITOR.anonymousId}`, VISITOR.pricing],
  ].sort((a, b) => String(a[2]).localeCompare(String(b[2])));
  expect(userDays.map((d) => [d.account_id, d.day, d.user_key, num(d.events)])).toEqual(
    expectedUserDays,
  );

  const eventDays = await db
    .selectFrom('usage_daily_event')
    .selectAll()
    .orderBy('account_id')
    .orderBy('event')
    .execute();
  const expectedEventDays: [string, string, string, number, number][] = [];
  for (const ref of Object.keys(ACCOUNTS) as AccountRef[]) {
    const members = PEOPLE.filter((p) => p.account === ref);
    const tally = (name: string, count: (p: Person) => number, extra = 0, extraUsers = 0) => {
      const events = members.reduce((n, p) => n + count(p), 0) + extra;
      const users = members.filter((p) => count(p) > 0).length + extraUsers;
      if (events > 0) expectedEventDays.push([idOf(ref), DAY, name, events, users]);
    };
    tally('Dashboard Viewed', (p) => p.dashboards);
    tally('Page: Settings', (p) => p.pages);
    const visits = ref === VISITOR.account ? VISITOR.pricing : 0;
    tally('Pricing Viewed', () => 0, visits, visits > 0 ? 1 : 0);
    tally('Report Created', (p) => p.reports);
  }
  expectedEventDays.sort((a, b) =>
    a[0] === b[0] ? a[2].localeCompare(b[2]) : a[0] < b[0] ? -1 : 1,
  );
  expect(eventDays.map((e) => [e.account_id, e.day, e.event, num(e.events), num(e.users)])).toEqual(
    expectedEventDays,
  );

  const userEvents = await db
    .selectFrom('usage_daily_user_event')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  expect(num(userEvents.n)).toBe(
    PEOPLE.reduce((n, p) => n + [p.reports, p.dashboards, p.pages].filter((c) => c > 0).length, 0) +
      1,
  );

  const users = await db
    .selectFrom('product_users')
    .select(['user_key', 'user_id', 'account_id', 'email', 'events'])
    .orderBy('user_key')
    .execute();
  expect(users.map((u) => [u.user_key, u.user_id, u.account_id, u.email, num(u.events)])).toEqual(
    [
      ...PEOPLE.map((p) => [
        p.userId,
        p.userId,
        idOf(p.account),
        `${p.userId}@${p.account}.example`,
        activityOf(p),
      ]),
      [`anon:${VISITOR.anonymousId}`, null, idOf(VISITOR.account), null, VISITOR.pricing],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );

  const catalog = await db
    .selectFrom('event_catalog')
    .select(['key', 'volume'])
    .orderBy('key')
    .execute();
  const sum = (f: (p: Person) => number) => PEOPLE.reduce((n, p) => n + f(p), 0);
  expect(catalog.map((c) => [c.key, num(c.volume)])).toEqual([
    ['group:$group', PEOPLE.length],
    ['identify:$identify', PEOPLE.length],
    ['page:Page: Settings', sum((p) => p.pages)],
    ['track:Dashboard Viewed', sum((p) => p.dashboards)],
    ['track:Pricing Viewed', VISITOR.pricing],
    ['track:Report Created', sum((p) => p.reports)],
  ]);
  const totals = await db
    .selectFrom('usage_daily_user')
    .select((eb) => eb.fn.sum<number>('events').as('n'))
    .executeTakeFirstOrThrow();
  expect(num(totals.n)).toBe(TOTAL_EVENTS - PEOPLE.length * 2);
}

/** Every refused or unacknowledged batch came back with the same ids and was stored once. */
function expectRetriedOnce(peer: Peer): void {
  const faulted = peer.wire.filter((w) => w.fault !== 'none');
  expect(faulted.length).toBeGreaterThan(0);
  for (const f of faulted) {
    const ids = f.events.map((e) => String(e.messageId));
    const retried = peer.wire.find(
      (w) =>
        w !== f &&
        w.fault === 'none' &&
        w.status === 200 &&
        ids.every((id) => w.events.some((e) => e.messageId === id)),
    );
    expect(retried, `batch refused with ${f.fault} was not retried`).toBeDefined();
  }
  // What the lost acknowledgements stored, the retries reported as duplicates, nothing more.
  const lost = peer.wire.filter((w) => w.fault === 'lost-ack');
  const storedUnacknowledged = lost.reduce((n, w) => n + w.accepted, 0);
  expect(storedUnacknowledged).toBeGreaterThan(0);
  expect(peer.wire.reduce((n, w) => n + (w.fault === 'none' ? w.duplicates : 0), 0)).toBe(
    storedUnacknowledged,
  );
}

for (const dialect of testDialects()) {
  describe(`official client libraries against the intake on ${dialect}`, () => {
    let peer: Peer;
    beforeEach(async () => {
      peer = await startPeer(dialect);
    });
    afterEach(async () => {
      await peer.app.close();
      await peer.db.destroy();
    });

    it('@segment/analytics-node: batches to /v1/batch with the key as Basic user, stored exactly once', async () => {
      const failures = await sendEverything(segmentSender(peer));
      expect(failures).toEqual([]);
      expect(peer.wire.length).toBeGreaterThan(5);
      for (const w of peer.wire) {
        expect(w.status).toBe(200);
        expect([w.user, w.password, w.writeKeyInBody]).toEqual([peer.key, '', peer.key]);
        expect(w.contentEncoding).toBeUndefined();
        expect(w.events.length).toBeLessThanOrEqual(8);
        for (const e of w.events)
          expect(String(e.messageId)).toMatch(/^node-next-\d+-[0-9a-f-]{36}$/);
      }
      // The library does not wait for one batch before sending the next.
      expect(peer.connections).toBeGreaterThan(1);
      await expectExactStore(peer);
    });

    it('@rudderstack/rudder-sdk-node: gzip under a form content type, stored exactly once', async () => {
      const errors: unknown[] = [];
      const failures = await sendEverything(rudderSender(peer, errors));
      expect([...failures, ...errors]).toEqual([]);
      expect(peer.wire.length).toBeGreaterThan(5);
      for (const w of peer.wire) {
        expect(w.status).toBe(200);
        expect([w.user, w.password]).toEqual([peer.key, '']);
        expect(w.contentEncoding).toBe('gzip');
        expect(w.contentType).not.toMatch(/json/);
        for (const e of w.events) {
          expect(e.timestamp).toBeUndefined();
          expect(e.originalTimestamp).toBe(AT.toISOString());
          expect(typeof e.sentAt).toBe('string');
        }
      }
      expect(peer.connections).toBeGreaterThan(1);
      await expectExactStore(peer);
    });

    it('@segment/analytics-node retries 503, 429 (honouring Retry-After) and lost acknowledgements with the same ids', async () => {
      peer.faults.push('503', 'lost-ack', 'none', '429', 'none', 'lost-ack', '503');
      const failures = await sendEverything(segmentSender(peer));
      expect(failures).toEqual([]);
      const retried = peer.wire.filter((w) => w.retryHeader !== undefined);
      expect(retried.length).toBeGreaterThanOrEqual(5);
      // Segment waits out Retry-After (1 s) before sending the refused batch again.
      const limited = peer.wire.find((w) => w.fault === '429')!;
      const again = peer.wire
        .slice(peer.wire.indexOf(limited) + 1)
        .find((w) => w.events.some((e) => e.messageId === limited.events[0]!.messageId))!;
      expect(again.at - limited.at).toBeGreaterThanOrEqual(990);
      expectRetriedOnce(peer);
      await expectExactStore(peer);
    });

    it('@rudderstack/rudder-sdk-node retries 503, 429 and lost acknowledgements with the same ids', async () => {
      peer.faults.push('lost-ack', '503', 'none', '429', 'lost-ack', 'none', '503');
      const errors: unknown[] = [];
      const failures = await sendEverything(rudderSender(peer, errors));
      expect([...failures, ...errors]).toEqual([]);
      expectRetriedOnce(peer);
      await expectExactStore(peer);
    });
  });
}
