import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount } from '../account/service.js';
import { createContact, markContactLeft } from '../contact/service.js';
import { createSubscription, updateSubscription } from '../subscription/service.js';
import { importFile } from '../importer/service.js';
import { csvDir } from '../importer/testing.js';
import type { BookKind } from '../importer/fields.js';
import { cellText, csvField, csvLine } from './format.js';
import { exportCsv } from './service.js';

const files = csvDir();
afterAll(() => files.cleanup());

describe('CSV formatting', () => {
  it('quotes what RFC 4180 needs quoting and ends lines with CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('a;b')).toBe('"a;b"');
    expect(csvLine(['x', 1, true, null])).toBe('x,1,TRUE,\r\n');
  });

  it('keeps spreadsheets from running cell text as formulas', () => {
    expect(cellText('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(cellText('+1 555 0100')).toBe("'+1 555 0100");
    expect(cellText(-5)).toBe('-5');
  });
});

async function dump(db: TestDb, kind: BookKind): Promise<string> {
  let out = '';
  for await (const chunk of await exportCsv(testCtx(db), kind)) out += chunk;
  return out;
}

for (const dialect of testDialects()) {
  describe(`exports round-trip on ${dialect}`, () => {
    let from: TestDb;
    let to: TestDb;
    beforeEach(async () => {
      from = await freshTestDb(dialect);
      to = await freshTestDb(dialect);
    });
    afterEach(async () => {
      await from.destroy();
      await to.destroy();
    });

    it('re-imports accounts, contacts and subscriptions into a fresh database as the same records', async () => {
      const ctx = testCtx(from);
      const acme = await createAccount(ctx, {
        name: 'Acme, Inc.',
        crmId: 'A-2e4581',
        billingId: 'cus_1',
        stage: 'active',
        traits: { tier: 'gold' },
      });
      const beta = await createAccount(ctx, { name: 'Beta', stage: 'onboarding' });
      await createContact(ctx, {
        accountId: acme.id,
        name: 'Ana "the champ"',
        email: 'ana@acme.com',
        roles: ['champion', 'economic_buyer'],
        latestNps: 9,
        lastSeenAt: '2026-01-10T08:30:00.000Z',
      });
      const bo = await createContact(ctx, { accountId: beta.id, name: 'Bo', phone: '+1 555 0100' });
      await markContactLeft(ctx, bo.id, { leftOn: '2026-01-05', reason: 'new job' });
      const sub = await createSubscription(ctx, {
        accountId: acme.id,
        externalId: 'sub_A',
        plan: 'Growth',
        mrrMinor: 120050,
        currency: 'EUR',
        startDate: '2025-01-15',
        endDate: '2027-01-15',
        autoRenew: true,
        seats: 40,
      });
      await createSubscription(ctx, {
        accountId: beta.id,
        plan: 'Starter',
        mrrMinor: 9900,
        startDate: '2025-06-01',
      });
      await updateSubscription(ctx, sub.id, { mrrMinor: 130050, effectiveDate: '2025-07-01' });

      for (const kind of ['accounts', 'contacts', 'subscriptions'] as const) {
        const text = await dump(from, kind);
        expect(text.startsWith('\ufeff')).toBe(true);
        expect(text.endsWith('\r\n')).toBe(true);
        const r = await importFile(testCtx(to), kind, files.write(`${kind}.csv`, text));
        expect(r.report.errors).toEqual([]);
        expect(r.status).toBe('applied');
        // Twice changes nothing.
        expect(
          (await importFile(testCtx(to), kind, files.write(`${kind}.csv`, text))).report,
        ).toMatchObject({ created: 0, updated: 0 });
      }

      const strip = <T extends Record<string, unknown>>(rows: T[]) =>
        rows.map(({ created_at: _c, updated_at: _u, stage_changed_at: _s, ...rest }) => rest);
      const contactsOf = (db: TestDb) =>
        db.db.selectFrom('contacts').selectAll().orderBy('email').orderBy('name').execute();
      const subsOf = (db: TestDb) =>
        db.db.selectFrom('subscriptions').selectAll().orderBy('plan').execute();
      const accountsOf = (db: TestDb) =>
        db.db.selectFrom('accounts').selectAll().orderBy('id').execute();
      expect(strip(await accountsOf(to))).toEqual(strip(await accountsOf(from)));
      const noIds = <T extends { id: string }>(rows: T[]) =>
        rows.map(({ id: _id, ...rest }) => rest);
      expect(noIds(strip(await contactsOf(to)))).toEqual(noIds(strip(await contactsOf(from))));
      // Subscription ids travel too (the Tenure ID column), so even ones without an external id match again.
      expect(strip(await subsOf(to))).toEqual(strip(await subsOf(from)));
    });
  });
}
