import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { testCtx } from '../testing/ctx.js';
import { createUser } from '../identity/service.js';
import { portfolio, type PortfolioRow } from './service.js';
import {
  insertAccounts,
  insertAlerts,
  insertEntries,
  insertSnapshots,
  sentimentSnapshot,
  type AccountSpec,
  type AlertSpec,
  type EntrySpec,
} from './testing.js';

const NOW = '2026-03-10T12:00:00.000Z';
const TODAY = '2026-03-10';
const ACCOUNTS = 2000;
const day = (n: number) => addDays(TODAY, -n);
const pad = (i: number) => String(i).padStart(4, '0');

/**
 * A book of 2,000 accounts built from rules on the account's number `i`, so every row's
 * expected values are known exactly:
 * - every 100th (i % 100 = 99) is archived; every 10th (i % 10 = 9) was never scored;
 * - health: last scored today, or yesterday when i % 3 = 0, daily for 40 days before that,
 *   with a gap wherever (i + n) % 7 = 0 (n days ago) except the latest day; CSM sentiment
 *   1 + (i + n) % 10, so the composite is ten times that;
 * - alerts: i % 4 open, one snoozed past its end when i % 6 = 0 (open again), one snoozed
 *   into the future when i % 5 = 0 and one acknowledged when i % 7 = 0 (neither open);
 * - touches: none when i % 8 = 0; otherwise a note at 10:00 (i % 60) days ago and, when
 *   i % 3 = 0, a health check at 15:00 the same day (ahead of now on i % 60 = 0); a stage
 *   change an hour ago and a meeting next week never count.
 */
function latestOffset(i: number): number {
  return i % 3 === 0 ? 1 : 0;
}
function composite(i: number, n: number): number | null {
  if (n !== latestOffset(i) && (i + n) % 7 === 0) return null;
  return 10 * (1 + ((i + n) % 10));
}

for (const dialect of testDialects()) {
  describe(`portfolio of ${ACCOUNTS} accounts on ${dialect}`, () => {
    let db: TestDb;
    let ctx: ReturnType<typeof testCtx>;
    const owners: string[] = [];

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      ctx = testCtx(db, NOW);
      for (let k = 0; k < 4; k++)
        owners.push(
          (await createUser(ctx, { email: `csm${k}@example.com`, name: `CSM ${k}`, role: 'csm' }))
            .id,
        );
      const accounts: AccountSpec[] = [];
      const snapshots = [];
      const alerts: AlertSpec[] = [];
      const entries: EntrySpec[] = [];
      for (let i = 0; i < ACCOUNTS; i++) {
        const id = `acc_${pad(i)}`;
        accounts.push({
          id,
          name: `Account ${pad(i)}`,
          owner_id: i % 25 === 0 ? null : owners[i % 4],
          mrr_minor: (i + 1) * 100,
          renewal_date: i % 2 === 1 ? addDays(TODAY, i % 365) : null,
          archived_at: i % 100 === 99 ? NOW : null,
        });
        if (i % 10 !== 9) {
          const latest = latestOffset(i);
          for (let n = latest + 39; n >= latest; n--) {
            const c = composite(i, n);
            if (c !== null) snapshots.push(sentimentSnapshot(id, day(n), c / 10));
          }
        }
        for (let k = 0; k < i % 4; k++)
          alerts.push({ id: `alr_${pad(i)}_o${k}`, account_id: id, status: 'open' });
        if (i % 6 === 0)
          alerts.push({
            id: `alr_${pad(i)}_s`,
            account_id: id,
            status: 'snoozed',
            snoozed_until: '2026-03-09T00:00:00.000Z',
          });
        if (i % 5 === 0)
          alerts.push({
            id: `alr_${pad(i)}_f`,
            account_id: id,
            status: 'snoozed',
            snoozed_until: '2026-04-01T00:00:00.000Z',
          });
        if (i % 7 === 0)
          alerts.push({ id: `alr_${pad(i)}_a`, account_id: id, status: 'acknowledged' });
        const touched = day(i % 60);
        if (i % 8 !== 0)
          entries.push({
            id: `tle_${pad(i)}_n`,
            account_id: id,
            kind: 'note',
            occurred_at: `${touched}T10:00:00.000Z`,
          });
        if (i % 8 !== 0 && i % 3 === 0)
          entries.push({
            id: `tle_${pad(i)}_r`,
            account_id: id,
            kind: 'health_review',
            occurred_at: `${touched}T15:00:00.000Z`,
          });
        entries.push(
          {
            id: `tle_${pad(i)}_s`,
            account_id: id,
            kind: 'stage_changed',
            occurred_at: '2026-03-10T11:00:00.000Z',
          },
          {
            id: `tle_${pad(i)}_m`,
            account_id: id,
            kind: 'meeting',
            occurred_at: '2026-03-17T10:00:00.000Z',
          },
        );
      }
      await insertAccounts(db.db, accounts);
      await insertSnapshots(db.db, snapshots);
      await insertAlerts(db.db, alerts);
      await insertEntries(db.db, entries);
    });
    afterAll(async () => {
      await db?.destroy();
    });

    it('answers every live account with exact health, trend, alerts and last touch', async () => {
      const out = await portfolio(ctx, {}, null);
      expect(out.rows).toHaveLength(ACCOUNTS - ACCOUNTS / 100);
      const by = new Map(out.rows.map((r) => [r.id, r]));

      // A few accounts spelled out.
      const a42 = by.get('acc_0042')!;
      expect(a42.health).toMatchObject({ score: 40, tier: 'Red', date: '2026-03-09' });
      expect(a42.health!.trend).toHaveLength(30);
      expect(a42.health!.trend.slice(0, 8)).toEqual([30, 20, null, 100, 90, 80, 70, 60]);
      expect(a42.health!.trend.slice(-3)).toEqual([60, 50, 40]);
      expect([a42.openAlerts, a42.lastTouchAt]).toEqual([3, '2026-01-27T15:00:00.000Z']);
      expect(a42.owner?.name).toBe('CSM 2');
      expect(a42.arrMinor).toBe(51_600);

      const a7 = by.get('acc_0007')!;
      expect(a7.health).toMatchObject({ score: 80, tier: 'Green', date: TODAY });
      expect(a7.health!.trend.slice(-7)).toEqual([40, 30, 20, 10, 100, 90, 80]);
      expect([a7.openAlerts, a7.lastTouchAt]).toEqual([3, '2026-03-03T10:00:00.000Z']);

      const a19 = by.get('acc_0019')!;
      expect([a19.health, a19.openAlerts, a19.lastTouchAt]).toEqual([
        null,
        3,
        '2026-02-19T10:00:00.000Z',
      ]);
      const a1000 = by.get('acc_1000')!;
      expect([a1000.owner, a1000.openAlerts, a1000.lastTouchAt]).toEqual([null, 0, null]);
      expect(a1000.health).toMatchObject({ score: 10, tier: 'Red', date: TODAY });
      expect(by.has('acc_0099')).toBe(false);

      // And every row against the rules.
      for (let i = 0; i < ACCOUNTS; i++) {
        if (i % 100 === 99) continue;
        const row = by.get(`acc_${pad(i)}`)!;
        const latest = latestOffset(i);
        const expected: Partial<PortfolioRow> = {
          openAlerts: (i % 4) + (i % 6 === 0 ? 1 : 0),
          // On i % 60 = 0 the note is this morning and the 15:00 check still ahead of now.
          lastTouchAt:
            i % 8 === 0
              ? null
              : `${day(i % 60)}T${i % 3 === 0 && i % 60 !== 0 ? '15' : '10'}:00:00.000Z`,
          health:
            i % 10 === 9
              ? null
              : {
                  score: composite(i, latest),
                  tier:
                    composite(i, latest)! >= 80
                      ? 'Green'
                      : composite(i, latest)! >= 60
                        ? 'Yellow'
                        : 'Red',
                  date: day(latest),
                  trend: Array.from({ length: 30 }, (_, k) => composite(i, latest + 29 - k)),
                },
        };
        expect(row, row.id).toMatchObject(expected);
      }
    });

    it('scopes the same book to one owner', async () => {
      const mine = await portfolio(
        ctx,
        { scope: 'mine' },
        { role: 'csm', userId: owners[1]!, team: [] },
      );
      // i % 4 = 1, minus every 25th (unowned) and every 100th (archived, i % 100 = 99 has i % 4 = 3).
      expect(mine.rows).toHaveLength(500 - 20);
      expect(mine.rows.every((r) => r.owner?.id === owners[1])).toBe(true);
    });
  });
}
