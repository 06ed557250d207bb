import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { testCtx } from '../testing/ctx.js';
import { createAccount } from './account/service.js';
import { createContact, listContacts } from './contact/service.js';
import { CONTACT_SORTS } from './contact/schemas.js';
import { createSubscription, listSubscriptions } from './subscription/service.js';
import { SUBSCRIPTION_SORTS } from './subscription/schemas.js';

async function allPages<T extends { id: string }>(
  fetch: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

for (const dialect of testDialects()) {
  describe(`contact and subscription lists on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('page through every sort exactly once, in order, with missing values last', async () => {
      const ctx = testCtx(db);
      const a = await createAccount(ctx, { name: 'Lists' });
      const names = ['mia', 'Zoe', 'ana', 'Ben', 'carl', 'ana', 'Émile', 'dan'];
      for (const [i, name] of names.entries()) {
        ctx.setNow(`2026-01-${String(10 + i).padStart(2, '0')}T00:00:00.000Z`);
        await createContact(ctx, {
          accountId: a.id,
          name,
          lastSeenAt: i % 3 ? `2026-02-0${i}T00:00:00.000Z` : null,
        });
        await createSubscription(ctx, {
          accountId: a.id,
          plan: `P${i}`,
          mrrMinor: (i % 4) * 1000,
          startDate: `2025-0${1 + (i % 5)}-01`,
          endDate: i % 2 ? `2026-0${1 + (i % 7)}-15` : null,
        });
      }
      for (const sort of CONTACT_SORTS) {
        const paged = await allPages((cursor) =>
          listContacts(ctx, { accountId: a.id, limit: 3, sort, cursor }),
        );
        const whole = await listContacts(ctx, { accountId: a.id, limit: 100, sort });
        expect(
          paged.map((c) => c.id),
          sort,
        ).toEqual(whole.items.map((c) => c.id));
        expect(paged).toHaveLength(names.length);
      }
      const byName = (await listContacts(ctx, { accountId: a.id, limit: 100, sort: 'name' })).items;
      expect(byName.map((c) => c.name)).toEqual([
        'Ben',
        'Zoe',
        'ana',
        'ana',
        'carl',
        'dan',
        'mia',
        'Émile',
      ]);
      const seen = (await listContacts(ctx, { accountId: a.id, limit: 100, sort: '-lastSeenAt' }))
        .items;
      expect(seen.slice(-3).map((c) => c.lastSeenAt)).toEqual([null, null, null]);

      for (const sort of SUBSCRIPTION_SORTS) {
        const paged = await allPages((cursor) =>
          listSubscriptions(ctx, { accountId: a.id, limit: 3, sort, cursor }),
        );
        const whole = await listSubscriptions(ctx, { accountId: a.id, limit: 100, sort });
        expect(
          paged.map((s) => s.id),
          sort,
        ).toEqual(whole.items.map((s) => s.id));
        expect(paged).toHaveLength(names.length);
      }
      const byMrr = (
        await listSubscriptions(ctx, { accountId: a.id, limit: 100, sort: '-mrr' })
      ).items.map((s) => s.mrrMinor);
      expect(byMrr).toEqual([...byMrr].sort((x, y) => y - x));
      for (const sort of ['endDate', '-endDate'] as const) {
        const ends = (
          await listSubscriptions(ctx, { accountId: a.id, limit: 100, sort })
        ).items.map((s) => s.endDate);
        expect(ends.slice(-4)).toEqual([null, null, null, null]);
      }
    });
  });
}
