import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { loadConfig } from '../../core/config.js';
import { buildServer } from '../../server/app.js';
import { testKey } from '../../testing/server.js';
import { expectSchema } from '../../testing/schema.js';
import { IntakeOut } from '../routes.js';

const NOW = new Date('2026-05-04T12:00:00.000Z');

for (const dialect of testDialects()) {
  describe(`Segment-compatible intake on ${dialect}`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let basic: string;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      app = await buildServer({ handle: db, config: loadConfig({}), now: () => NOW });
      const key = await testKey(db, 'ingest');
      basic = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
    });
    afterEach(async () => {
      await app.close();
      await db.destroy();
    });

    const send = (url: string, body: unknown, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url,
        payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
        headers: { authorization: basic, 'content-type': 'application/json', ...headers },
      });
    const count = async (table: 'events' | 'dead_letters' | 'accounts' | 'product_users') =>
      Number(
        (
          await db.db
            .selectFrom(table)
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    const batch = (n: number, prefix = 'm') => ({
      sentAt: '2026-05-04T12:00:05.000Z',
      batch: Array.from({ length: n }, (_, i) => ({
        type: 'track',
        event: i % 2 ? 'Report Created' : 'Dashboard Viewed',
        userId: `u${i % 3}`,
        messageId: `${prefix}-${i}`,
        context: { groupId: 'org-1' },
        originalTimestamp: '2026-05-04T12:00:00.000Z',
        properties: { plan: 'pro' },
      })),
    });

    it('stores a batch, corrects clock skew, creates the account, and rolls usage up exactly once', async () => {
      const first = await send('/v1/batch', batch(6));
      expect(first.statusCode, first.body).toBe(200);
      // Written without zod on the way out: exactly the documented shape.
      expectSchema(IntakeOut, first.json());
      expect(first.json()).toMatchObject({
        success: true,
        accepted: 6,
        duplicates: 0,
        rejected: 0,
      });
      for (let i = 0; i < 2; i++) {
        const again = await send('/v1/batch', batch(6));
        expect(again.json()).toMatchObject({ accepted: 0, duplicates: 6 });
      }
      expect(await count('events')).toBe(6);
      const ev = await db.db
        .selectFrom('events')
        .selectAll()
        .orderBy('seq')
        .executeTakeFirstOrThrow();
      // Sent 5 s after it happened by the sender's clock; received at NOW: happened at NOW − 5 s.
      expect(ev.ts).toBe('2026-05-04T11:59:55.000Z');
      const account = await db.db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
      expect(account.product_id).toBe('org-1');
      const days = await db.db
        .selectFrom('usage_daily_user')
        .selectAll()
        .orderBy('user_key')
        .execute();
      expect(days.map((d) => [d.user_key, Number(d.events)])).toEqual([
        ['u0', 2],
        ['u1', 2],
        ['u2', 2],
      ]);
      const byEvent = await db.db
        .selectFrom('usage_daily_event')
        .selectAll()
        .orderBy('event')
        .execute();
      expect(byEvent.map((e) => [e.event, Number(e.events), Number(e.users)])).toEqual([
        ['Dashboard Viewed', 3, 3],
        ['Report Created', 3, 3],
      ]);
      const catalog = await db.db.selectFrom('event_catalog').selectAll().orderBy('key').execute();
      expect(catalog.map((c) => [c.key, Number(c.volume)])).toEqual([
        ['track:Dashboard Viewed', 3],
        ['track:Report Created', 3],
      ]);
    });

    it('de-duplicates a retry sent later (new sentAt) but keeps a reused messageId at another time', async () => {
      expect((await send('/v1/batch', batch(2, 'r'))).json()).toMatchObject({ accepted: 2 });
      const retry = { ...batch(2, 'r'), sentAt: '2026-05-04T12:03:00.000Z' };
      expect((await send('/v1/batch', retry)).json()).toMatchObject({ accepted: 0, duplicates: 2 });
      // The key is (key, sender's time, messageId): the same id for an event at another time
      // is another event, not a retry.
      const later = batch(1, 'r');
      later.batch[0]!.originalTimestamp = '2026-05-04T12:01:00.000Z';
      expect((await send('/v1/batch', later)).json()).toMatchObject({ accepted: 1 });
      // Within one request the same pair counts once.
      const twice = batch(1, 'twin');
      twice.batch.push({ ...twice.batch[0]! });
      expect((await send('/v1/batch', twice)).json()).toMatchObject({
        accepted: 1,
        duplicates: 1,
      });
      expect(await count('events')).toBe(4);
      const rows = await db.db.selectFrom('events').select(['message_id', 'client_ms']).execute();
      expect(rows.find((r) => r.message_id === 'twin-0')?.client_ms).toBe(
        Date.parse('2026-05-04T12:00:00.000Z'),
      );
    });

    it('refuses a groupId longer than an account product id may be', async () => {
      const body = batch(2, 'long');
      body.batch[1]!.context = { groupId: 'g'.repeat(129) };
      const res = await send('/v1/batch', body);
      expectSchema(IntakeOut, res.json());
      expect(res.json()).toMatchObject({ accepted: 1, rejected: 1 });
      expect(res.json().results[1].reason).toMatch(/context\.groupId: .*128 characters/);
    });

    it('reports bad events by index, stores the good ones, and dead-letters the bad', async () => {
      const body = batch(3);
      body.batch[1] = { type: 'track', messageId: 'bad-1' } as never;
      const res = await send('/v1/batch', body);
      expect(res.statusCode).toBe(200);
      expect(res.json().results[1]).toMatchObject({
        index: 1,
        status: 'rejected',
        reason: 'userId or anonymousId is required',
      });
      expect(await count('events')).toBe(2);
      const dead = await db.db.selectFrom('dead_letters').selectAll().execute();
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ batch_index: 1, message_id: 'bad-1', status: 'open' });
    });

    it('takes gzip bodies under any content type, and enforces the size limits', async () => {
      const gz = gzipSync(JSON.stringify(batch(4, 'gz')));
      const res = await send('/v1/batch', gz, {
        'content-encoding': 'gzip',
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(res.json()).toMatchObject({ accepted: 4 });
      const big = {
        type: 'track',
        event: 'Big',
        userId: 'u',
        properties: { blob: 'x'.repeat(40_000) },
      };
      const single = await send('/v1/track', big);
      expect(single.statusCode).toBe(400);
      expect(single.json().error.message).toMatch(/larger than 32 KB/);
      const huge = {
        batch: Array.from({ length: 30 }, () => ({
          ...batch(1).batch[0]!,
          properties: { blob: 'y'.repeat(20_000) },
        })),
      };
      const tooBig = await send('/v1/batch', huge);
      expect(tooBig.statusCode).toBe(413);
    });

    it('refuses calls without an ingest key, and ingest keys elsewhere', async () => {
      const anon = await app.inject({ method: 'POST', url: '/v1/track', payload: '{}' });
      expect(anon.statusCode).toBe(401);
      const other = await app.inject({
        method: 'GET',
        url: '/api/v1/accounts',
        headers: { authorization: basic },
      });
      expect(other.statusCode).toBe(401);
      const admin = await testKey(db, 'admin');
      const wrongScope = await app.inject({
        method: 'POST',
        url: '/v1/track',
        payload: '{}',
        headers: { authorization: `Basic ${Buffer.from(`${admin}:`).toString('base64')}` },
      });
      expect(wrongScope.json().error.code).toBe('insufficient_scope');
    });
  });
}
