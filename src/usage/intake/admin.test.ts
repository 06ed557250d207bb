import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { loadConfig } from '../../core/config.js';
import { testKey, testServer, type TestApp } from '../../testing/server.js';

for (const dialect of testDialects()) {
  describe(`intake admin: dead letters, replay, stats, catalog on ${dialect}`, () => {
    let db: TestDb;
    let app: TestApp;
    let basic: string;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      app = await testServer({ handle: db, config: loadConfig({}) });
      basic = `Basic ${Buffer.from(`${await testKey(db, 'ingest')}:`).toString('base64')}`;
    });
    afterEach(async () => {
      await app.close();
      await db.destroy();
    });

    const sendBatch = (batch: unknown[]) =>
      app.raw.inject({
        method: 'POST',
        url: '/v1/batch',
        payload: { batch },
        headers: { authorization: basic },
      });

    it('keeps refused events, lets an admin fix and replay them, and never stores one twice', async () => {
      const res = await sendBatch([
        {
          type: 'track',
          event: 'Login',
          userId: 'ann',
          messageId: 'ok-1',
          context: { groupId: 'g1' },
        },
        { type: 'track', event: 'Login', messageId: 'no-user', context: { groupId: 'g1' } },
        { type: 'track', userId: 'bob', messageId: 'no-name', context: { groupId: 'g1' } },
      ]);
      expect(res.json()).toMatchObject({ accepted: 1, rejected: 2 });
      const list = await app.inject({ method: 'GET', url: '/api/v1/ingest/dead-letters' });
      const items = list.json().items as { id: string; messageId: string; reason: string }[];
      expect(items.map((d) => [d.messageId, d.reason]).sort()).toEqual([
        ['no-name', 'event: a track call needs an event name (at most 200 characters)'],
        ['no-user', 'userId or anonymousId is required'],
      ]);
      const noUser = items.find((d) => d.messageId === 'no-user')!;
      const noName = items.find((d) => d.messageId === 'no-name')!;
      // Replaying unchanged data refuses it again and keeps it open.
      const again = await app.inject({
        method: 'POST',
        url: '/api/v1/ingest/dead-letters/replay',
        payload: { ids: [noUser.id] },
      });
      expect(again.json().items).toEqual([
        { id: noUser.id, status: 'rejected', reason: 'userId or anonymousId is required' },
      ]);
      const fixed = await app.inject({
        method: 'PATCH',
        url: `/api/v1/ingest/dead-letters/${noUser.id}`,
        payload: {
          payload: {
            type: 'track',
            event: 'Login',
            userId: 'cy',
            messageId: 'no-user',
            context: { groupId: 'g1' },
          },
        },
      });
      expect(fixed.statusCode).toBe(200);
      const replay = await app.inject({
        method: 'POST',
        url: '/api/v1/ingest/dead-letters/replay',
        payload: { all: true },
      });
      expect(replay.json().items).toEqual(
        expect.arrayContaining([
          { id: noUser.id, status: 'accepted' },
          expect.objectContaining({ id: noName.id, status: 'rejected' }),
        ]),
      );
      const open = await app.inject({
        method: 'GET',
        url: '/api/v1/ingest/dead-letters?status=open',
      });
      expect(open.json().items.map((d: { id: string }) => d.id)).toEqual([noName.id]);
      const stats = (await app.inject({ method: 'GET', url: '/api/v1/ingest/stats' })).json();
      expect(stats).toMatchObject({
        events: 2,
        deadLettersOpen: 1,
        unattributed: 0,
        productUsers: 2,
      });
      const catalog = (await app.inject({ method: 'GET', url: '/api/v1/events/catalog' })).json();
      expect(catalog.items).toEqual([
        expect.objectContaining({ key: 'track:Login', volume: 2, properties: [] }),
      ]);
    });
  });
}
