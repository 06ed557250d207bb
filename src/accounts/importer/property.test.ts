import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createUser } from '../../identity/service.js';
import { CHURN_REASONS, DEFAULT_SEGMENTS, STAGES } from '../account/model.js';
import { createAccount, setArchived } from '../account/service.js';
import { exportAccounts } from '../export/service.js';
import { csvLine } from '../export/format.js';
import { importFile } from './service.js';
import { csvDir, snapshot } from './testing.js';

const files = csvDir();
afterAll(() => files.cleanup());

const USERS = ['ana@example.com', 'bo@example.com'];

/** Text as people type it into a CRM: commas, quotes, semicolons, line breaks, accents, formula-ish starts. */
const text = fc
  .string({
    unit: fc.constantFrom('a', 'Z', ' ', ',', ';', '"', '\n', 'é', '=', '-', '+', '1', '@'),
    minLength: 1,
    maxLength: 12,
  })
  .map((s) => s.trim())
  .filter((s) => s.length > 0);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const isoDay = fc
  .date({ min: new Date('2015-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const accountArb = fc.record({
  name: text,
  domain: optional(fc.stringMatching(/^[a-z]{1,8}\.(com|io|de)$/)),
  segment: fc.constantFrom(...DEFAULT_SEGMENTS),
  stage: fc.constantFrom(...STAGES),
  owner: optional(fc.constantFrom(...USERS)),
  industry: optional(text),
  region: optional(fc.constantFrom('EMEA', 'NA', 'APAC')),
  currency: fc.constantFrom('USD', 'EUR', 'GBP'),
  churnedOn: optional(isoDay),
  churnReason: optional(fc.constantFrom(...CHURN_REASONS)),
  churnNote: optional(text),
  archived: fc.boolean(),
  // One type per trait key, as a column has one type.
  traits: fc.record(
    {
      tier: fc.constantFrom('gold', 'silver', 'v-2e5'),
      seats: fc.integer({ min: 0, max: 100_000 }),
      active: fc.boolean(),
      note: text.map((t) => `n${t}`),
    },
    { requiredKeys: [] },
  ),
});

/** Accounts with distinct CRM and billing ids where they have them (ids like A-2e4581 included). */
const bookArb = fc
  .array(
    fc.record({
      account: accountArb,
      crm: fc.option(fc.stringMatching(/^A-[0-9]e[0-9]{1,5}$/), { nil: undefined }),
      billing: fc.option(fc.stringMatching(/^cus_[a-z0-9]{4,8}$/), { nil: undefined }),
      // Some accounts belong to an earlier one (a hierarchy), picked modulo their position.
      parent: fc.option(fc.nat(), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((rows) => {
    const seen = new Set<string>();
    const fresh = (v: string | undefined) =>
      v === undefined || seen.has(v) ? undefined : (seen.add(v), v);
    return rows.map((r, i) => ({
      ...r.account,
      crmId: fresh(r.crm),
      billingId: fresh(r.billing),
      parentIndex: i > 0 && r.parent !== undefined ? r.parent % i : undefined,
    }));
  });

type Book = typeof bookArb extends fc.Arbitrary<infer T> ? T : never;

async function seedUsers(db: TestDb): Promise<void> {
  const ctx = testCtx(db);
  for (const email of USERS)
    await createUser(ctx, { email, name: email.split('@')[0]!, role: 'csm' });
}

async function loadBook(db: TestDb, book: Book): Promise<void> {
  const ctx = testCtx(db);
  const ids: string[] = [];
  for (const a of book) {
    const created = await createAccount(ctx, {
      name: a.name,
      domain: a.domain,
      crmId: a.crmId,
      billingId: a.billingId,
      segment: a.segment,
      stage: a.stage,
      ownerId: a.owner,
      industry: a.industry,
      region: a.region,
      currency: a.currency,
      churnedOn: a.churnedOn,
      churnReason: a.churnReason,
      churnNote: a.churnNote,
      traits: a.traits,
      parentId: a.parentIndex === undefined ? undefined : ids[a.parentIndex],
    });
    ids.push(created.id);
    if (a.archived) await setArchived(ctx, created.id, true);
  }
}

/** Everything an account record says, with owners by email so two databases compare. */
async function records(db: TestDb) {
  const emails = new Map(
    (await db.db.selectFrom('users').select(['id', 'email']).execute()).map((u) => [u.id, u.email]),
  );
  const rows = await db.db.selectFrom('accounts').selectAll().orderBy('id').execute();
  return rows.map(
    ({
      created_at: _c,
      updated_at: _u,
      stage_changed_at: _s,
      archived_at,
      owner_id,
      traits,
      mrr_minor,
      ...rest
    }) => ({
      ...rest,
      mrr_minor: Number(mrr_minor),
      owner: owner_id ? emails.get(owner_id) : null,
      archived: archived_at !== null,
      traits: JSON.parse(traits) as unknown,
    }),
  );
}

async function exportText(db: TestDb): Promise<string> {
  let out = '';
  for await (const chunk of await exportAccounts(testCtx(db), { includeArchived: true }))
    out += chunk;
  return out;
}

const runs = (n: number) => ({ numRuns: process.env.TEST_DATABASE_URL ? Math.ceil(n / 2) : n });

for (const dialect of testDialects()) {
  describe(`import properties on ${dialect}`, () => {
    it('an exported book re-imports into a fresh database as the same records', async () => {
      await fc.assert(
        fc.asyncProperty(bookArb, async (book) => {
          const from = await freshTestDb(dialect);
          const to = await freshTestDb(dialect);
          try {
            await seedUsers(from);
            await seedUsers(to);
            await loadBook(from, book);
            const csv = await exportText(from);
            expect(csv.startsWith('\ufeff')).toBe(true);
            const r = await importFile(testCtx(to), 'accounts', files.write('book.csv', csv));
            expect(r.report.errors).toEqual([]);
            expect(r.status).toBe('applied');
            expect(await records(to)).toEqual(await records(from));
            // The same export again: every row (parent links included) is unchanged.
            const before = await snapshot(to.db);
            const again = await importFile(testCtx(to), 'accounts', files.write('again.csv', csv));
            expect(again.report).toMatchObject({
              created: 0,
              updated: 0,
              unchanged: book.length,
              errorCount: 0,
            });
            expect({ ...(await snapshot(to.db)), imports: [] }).toEqual({ ...before, imports: [] });
          } finally {
            await from.destroy();
            await to.destroy();
          }
        }),
        runs(20),
      );
    });

    const HEADER = [
      'Name',
      'CRM ID',
      'Segment',
      'Stage',
      'Owner',
      'Currency',
      'Churned On',
      'Archived',
    ];
    const fileRows = (book: Book) =>
      book.map((a, i) => [
        a.name,
        a.crmId ?? `gen-${i}`,
        a.segment,
        a.stage,
        a.owner ?? '',
        a.currency,
        a.churnedOn ?? '',
        a.archived ? 'TRUE' : 'false',
      ]);
    const CORRUPT: Record<string, string> = {
      Segment: 'gigantic',
      Stage: 'asleep',
      Owner: 'nobody@example.com',
      Currency: 'US',
      'Churned On': '31/02/2024',
      Archived: 'maybe',
      Name: '',
    };

    it('a single corrupted cell is named by line and column, and the apply writes nothing', async () => {
      await fc.assert(
        fc.asyncProperty(
          bookArb,
          fc.nat(),
          fc.constantFrom(...Object.keys(CORRUPT), 'CRM ID'),
          fc.nat(),
          async (book, rowPick, column, seedPick) => {
            const db = await freshTestDb(dialect);
            try {
              await seedUsers(db);
              // Part of the file updates accounts that exist already.
              const seeded = seedPick % (book.length + 1);
              await loadBook(
                db,
                book.slice(0, seeded).map((a, i) => ({ ...a, crmId: a.crmId ?? `gen-${i}` })),
              );
              const rows = fileRows(book);
              const row = rowPick % rows.length;
              const col = HEADER.indexOf(column);
              if (column === 'CRM ID') {
                if (rows.length < 2) return;
                rows[row]![col] = rows[(row + 1) % rows.length]![col]!;
              } else {
                rows[row]![col] = CORRUPT[column]!;
              }
              // Names may span lines: the issue must name the line the record starts on.
              const lineOf = (k: number) =>
                2 +
                rows
                  .slice(0, k)
                  .reduce((n, r) => n + (csvLine(r).match(/\r\n|\r|\n/g) ?? []).length, 0);
              // A duplicated CRM id is reported on the later of the two rows.
              const line =
                column === 'CRM ID'
                  ? Math.max(lineOf(row), lineOf((row + 1) % rows.length))
                  : lineOf(row);
              const file = files.write(
                'corrupt.csv',
                csvLine(HEADER) + rows.map((r) => csvLine(r)).join(''),
              );
              const before = await snapshot(db.db);
              const dry = await importFile(testCtx(db), 'accounts', file, { dryRun: true });
              if (column === 'Name' && row < seeded) {
                // An existing account keeps its name when the cell is empty: nothing to report.
                return;
              }
              expect(dry.report.errors).toContainEqual(expect.objectContaining({ line, column }));
              // A moved CRM id may also point a row at another account (and a stage move it may not make).
              if (column !== 'CRM ID') expect(dry.report.errors).toHaveLength(1);
              const applied = await importFile(testCtx(db), 'accounts', file);
              expect(applied.status).toBe('invalid');
              expect(await snapshot(db.db)).toEqual(before);
            } finally {
              await db.destroy();
            }
          },
        ),
        runs(25),
      );
    });

    it('importing the same file twice changes nothing the second time', async () => {
      await fc.assert(
        fc.asyncProperty(bookArb, async (book) => {
          const db = await freshTestDb(dialect);
          try {
            await seedUsers(db);
            const rows = book.map((a) => [
              a.name,
              a.crmId ?? '',
              a.billingId ?? '',
              a.domain ?? '',
              a.segment,
              a.stage,
              a.owner ?? '',
              a.currency,
              a.churnedOn ?? '',
              a.traits.tier ?? '',
              a.traits.seats ?? '',
              a.traits.active ?? '',
            ]);
            const header = [
              'Name',
              'CRM ID',
              'Billing ID',
              'Domain',
              'Segment',
              'Stage',
              'Owner',
              'Currency',
              'Churned On',
              'Tier Name',
              'Seats',
              'Active',
            ];
            const file = files.write(
              'twice.csv',
              csvLine(header) + rows.map((r) => csvLine(r)).join(''),
            );
            const first = await importFile(testCtx(db), 'accounts', file);
            if (first.status !== 'applied') {
              // Rows without ids that share a domain (or, without one, a name) are ambiguous.
              expect(
                first.report.errors.every((e) => e.column === 'Domain' || e.column === 'Name'),
              ).toBe(true);
              return;
            }
            const before = await snapshot(db.db);
            const second = await importFile(testCtx(db), 'accounts', file);
            expect(second.report).toMatchObject({
              created: 0,
              updated: 0,
              unchanged: book.length,
              errorCount: 0,
            });
            expect({ ...(await snapshot(db.db)), imports: [] }).toEqual({ ...before, imports: [] });
          } finally {
            await db.destroy();
          }
        }),
        runs(20),
      );
    });
  });
}
