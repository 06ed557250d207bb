import { describe, expect, it } from 'vitest';
import { freshTestDb, testDialects } from './testing.js';

for (const dialect of testDialects()) {
  describe(`isolated test databases on ${dialect}`, () => {
    it('can be open side by side, each migrated and empty', async () => {
      const [a, b] = await Promise.all([freshTestDb(dialect), freshTestDb(dialect)]);
      try {
        await a.db
          .insertInto('settings')
          .values({ key: 'k', value: '1', updated_at: 'x' })
          .execute();
        const inB = await b.db.selectFrom('settings').selectAll().execute();
        expect(inB).toEqual([]);
      } finally {
        await Promise.all([a.destroy(), b.destroy()]);
      }
    });
  });
}
