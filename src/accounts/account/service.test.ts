import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createUser } from '../../identity/service.js';
import { listTimeline } from '../timeline/service.js';
import * as service from './service.js';
import { countAccounts } from './store.js';

for (const dialect of testDialects()) {
  describe(`accounts on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('creates an account with every A1 field and reads it back', async () => {
      const ctx = testCtx(db);
      const owner = await createUser(ctx, { email: 'Ana@Example.com', name: 'Ana', role: 'csm' });
      const parent = await service.createAccount(ctx, {
        name: 'Globex Holding',
        segment: 'enterprise',
      });
      const a = await service.createAccount(ctx, {
        name: 'Globex EU',
        domain: 'https://www.globex.eu/',
        crmId: '0015g00000AbCdE',
        billingId: 'cus_123',
        segment: 'Mid-Market',
        industry: 'Manufacturing',
        region: 'EMEA',
        ownerId: 'ana@example.com',
        parentId: parent.id,
        stage: 'active',
        traits: { plan_tier: 'gold', seats_contracted: 40 },
        currency: 'EUR',
      });
      expect(a).toMatchObject({
        domain: 'globex.eu',
        segment: 'mid_market',
        ownerId: owner.id,
        parentId: parent.id,
        stage: 'active',
        traits: { plan_tier: 'gold', seats_contracted: 40 },
        currency: 'EUR',
        mrrMinor: 0,
      });
      expect(await service.getAccount(ctx, a.id)).toEqual(a);
    });

    it('rejects a duplicate CRM id naming the field, and leaves data as it was', async () => {
      const ctx = testCtx(db);
      await service.createAccount(ctx, { name: 'A', crmId: 'X1' });
      await expect(service.createAccount(ctx, { name: 'B', crmId: 'X1' })).rejects.toMatchObject({
        code: 'conflict',
        details: { field: 'crmId' },
      });
      expect(await countAccounts(db.db)).toBe(1);
    });

    it('rejects unknown segments, owners and parents by field', async () => {
      const ctx = testCtx(db);
      await expect(
        service.createAccount(ctx, { name: 'A', segment: 'galactic' }),
      ).rejects.toMatchObject({
        code: 'validation',
        message: expect.stringContaining('segment'),
      });
      await expect(
        service.createAccount(ctx, { name: 'A', ownerId: 'nobody@x.io' }),
      ).rejects.toMatchObject({
        code: 'validation',
        message: expect.stringContaining('ownerId'),
      });
      await expect(
        service.createAccount(ctx, { name: 'A', parentId: 'acc_missing' }),
      ).rejects.toMatchObject({
        code: 'validation',
        message: expect.stringContaining('parentId'),
      });
      expect(await countAccounts(db.db)).toBe(0);
    });

    it('keeps the stage history and refuses moves the lifecycle does not allow', async () => {
      const ctx = testCtx(db);
      const a = await service.createAccount(ctx, { name: 'A', stage: 'onboarding' });
      ctx.setNow('2026-02-01T00:00:00.000Z');
      await service.changeStage(ctx, a.id, 'active', 'go-live');
      ctx.setNow('2026-03-01T00:00:00.000Z');
      await service.changeStage(ctx, a.id, 'churned', 'budget cut');
      await expect(service.changeStage(ctx, a.id, 'expanding')).rejects.toMatchObject({
        code: 'validation',
      });
      const after = await service.getAccount(ctx, a.id);
      expect(after.churnedOn).toBe('2026-03-01');
      const history = await service.stageHistory(ctx, a.id);
      expect(history.map((h) => [h.fromStage, h.toStage, h.reason])).toEqual([
        [null, 'onboarding', 'created'],
        ['onboarding', 'active', 'go-live'],
        ['active', 'churned', 'budget cut'],
      ]);
      const tl = await listTimeline(ctx, a.id, { limit: 50, kinds: ['stage_changed'] });
      expect(tl.items).toHaveLength(2);
    });

    it('refuses a parent that would make a loop', async () => {
      const ctx = testCtx(db);
      const a = await service.createAccount(ctx, { name: 'A' });
      const b = await service.createAccount(ctx, { name: 'B', parentId: a.id });
      await expect(service.updateAccount(ctx, a.id, { parentId: b.id })).rejects.toMatchObject({
        code: 'validation',
        message: expect.stringContaining('parentId'),
      });
    });

    it('records owner changes and keeps archived accounts whole', async () => {
      const ctx = testCtx(db);
      const u = await createUser(ctx, { email: 'b@x.io', name: 'B', role: 'csm' });
      const a = await service.createAccount(ctx, { name: 'A' });
      await service.updateAccount(ctx, a.id, { ownerId: u.id });
      await service.setArchived(ctx, a.id, true);
      const list = await service.listAccounts(ctx, { limit: 50, sort: 'name' });
      expect(list.items).toHaveLength(0);
      const all = await service.listAccounts(ctx, {
        limit: 50,
        sort: 'name',
        includeArchived: true,
      });
      expect(all.items[0]?.archivedAt).not.toBeNull();
      const tl = await listTimeline(ctx, a.id, { limit: 50 });
      expect(tl.items.map((t) => t.kind).sort()).toEqual([
        'account_archived',
        'account_created',
        'owner_changed',
      ]);
    });

    it('pages through any filtered, sorted list exactly once and in order', async () => {
      const ctx = testCtx(db);
      const names = [
        'delta',
        'Alpha',
        'charlie',
        'bravo',
        'echo',
        'alpha',
        'foxtrot',
        'golf',
        'hotel',
        'india',
        'juliet',
      ];
      for (const [i, name] of names.entries()) {
        await service.createAccount(ctx, { name, segment: i % 2 ? 'smb' : 'enterprise' });
      }
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 5 }),
          fc.constantFrom('name', '-name', 'createdAt', '-createdAt', 'mrr', '-renewalDate'),
          fc.constantFrom(undefined, 'smb', 'enterprise'),
          async (limit, sort, segment) => {
            const seen: string[] = [];
            let cursor: string | undefined;
            do {
              const page = await service.listAccounts(ctx, { limit, sort, segment, cursor });
              seen.push(...page.items.map((a) => a.id));
              cursor = page.nextCursor ?? undefined;
            } while (cursor);
            const all = await service.listAccounts(ctx, { limit: 500, sort, segment });
            expect(seen).toEqual(all.items.map((a) => a.id));
            expect(new Set(seen).size).toBe(seen.length);
            expect(seen.length).toBe(segment ? (segment === 'smb' ? 5 : 6) : 11);
          },
        ),
        { numRuns: 15 },
      );
    });
  });
}

for (const dialect of testDialects()) {
  describe(`account lists behave the same on ${dialect}`, () => {
    it('sorts names by code point and refuses a cursor from another sort', async () => {
      const db = await freshTestDb(dialect);
      try {
        const ctx = testCtx(db);
        for (const name of ['beta', 'Alpha', 'alpha', 'Zulu', 'école'])
          await service.createAccount(ctx, { name });
        const page = await service.listAccounts(ctx, { limit: 2, sort: 'name' });
        const all = await service.listAccounts(ctx, { limit: 50, sort: 'name' });
        expect(all.items.map((a) => a.name)).toEqual(['Alpha', 'Zulu', 'alpha', 'beta', 'école']);
        await expect(
          service.listAccounts(ctx, { limit: 2, sort: '-mrr', cursor: page.nextCursor! }),
        ).rejects.toMatchObject({ code: 'validation', message: expect.stringContaining('cursor') });
      } finally {
        await db.destroy();
      }
    });
  });
}

for (const dialect of testDialects()) {
  describe(`account search on ${dialect}`, () => {
    it('finds names and domains regardless of case and accents, and ids exactly', async () => {
      const db = await freshTestDb(dialect);
      try {
        const ctx = testCtx(db);
        const a = await service.createAccount(ctx, { name: 'ÉCOLE Supérieure', crmId: 'SF-9' });
        const b = await service.createAccount(ctx, { name: 'Nordic', domain: 'skole.no' });
        await service.createAccount(ctx, { name: '100% Juice' });
        const find = async (q: string) =>
          (await service.listAccounts(ctx, { limit: 50, sort: 'name', q })).items.map(
            (x) => x.name,
          );
        expect(await find('ecole')).toEqual(['ÉCOLE Supérieure']);
        expect(await find('supérieure')).toEqual(['ÉCOLE Supérieure']);
        expect(await find('SKOLE')).toEqual(['Nordic']);
        expect(await find('SF-9')).toEqual(['ÉCOLE Supérieure']);
        expect(await find('%')).toEqual(['100% Juice']);
        await service.updateAccount(ctx, b.id, { name: 'Fjord Ærø' });
        expect(await find('ærø')).toEqual(['Fjord Ærø']);
        expect(a.id).toBeTruthy();
      } finally {
        await db.destroy();
      }
    });
  });
}
