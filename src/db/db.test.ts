import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertTestDatabaseName, freshTestDb, testDialects, type TestDb } from './testing.js';
import { mapped } from './errors.js';
import { migrateToLatest } from './database.js';

describe('test database guard', () => {
  it('refuses databases not named for tests', () => {
    expect(() => assertTestDatabaseName('tenure')).toThrow(/refusing/);
    expect(() => assertTestDatabaseName('production')).toThrow(/refusing/);
    expect(() => assertTestDatabaseName('latest_prod')).toThrow(/refusing/);
    expect(() => assertTestDatabaseName('test')).not.toThrow();
    expect(() => assertTestDatabaseName('tenure_test')).not.toThrow();
  });
});

const row = (id: string, crm: string) => ({
  id,
  name: id,
  crm_id: crm,
  segment: 'smb',
  stage: 'active',
  traits: '{}',
  currency: 'USD',
  mrr_minor: 0,
  search_text: '',
  stage_changed_at: '2026-01-01T00:00:00.000Z',
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

for (const dialect of testDialects()) {
  describe(`database layer on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('maps a unique violation to a conflict by error code, with no driver text', async () => {
      await db.db.insertInto('accounts').values(row('a1', 'X')).execute();
      const err = await mapped(() =>
        db.db.insertInto('accounts').values(row('a2', 'X')).execute(),
      ).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'conflict' });
      expect(String((err as Error).message)).not.toMatch(
        /constraint failed|duplicate key value|violates/,
      );
      if (dialect === 'postgres') expect(err).toMatchObject({ details: { field: 'crmId' } });
    });

    it('maps a foreign key violation to a validation error', async () => {
      const err = await mapped(() =>
        db.db
          .insertInto('accounts')
          .values({ ...row('a1', 'Y'), parent_id: 'missing' })
          .execute(),
      ).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'validation' });
    });

    it('round-trips money beyond 32 bits as numbers', async () => {
      await db.db
        .insertInto('accounts')
        .values({ ...row('a1', 'Z'), mrr_minor: 9_000_000_000_000 })
        .execute();
      const r = await db.db.selectFrom('accounts').select('mrr_minor').executeTakeFirstOrThrow();
      expect(r.mrr_minor).toBe(9_000_000_000_000);
    });

    it('migrates idempotently', async () => {
      expect(await migrateToLatest(db.db)).toEqual([]);
    });
  });
}
