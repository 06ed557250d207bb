import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import type { Ctx } from '../../core/context.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount } from '../../accounts/account/service.js';
import { createSurveyResponse } from '../../support/service.js';
import { createUser } from '../../identity/service.js';
import {
  acknowledgeAlert,
  evaluateAlerts,
  getAlert,
  listAlerts,
  resolveAlert,
  snoozeAlert,
  type Alert,
} from './service.js';
import { userCtx } from './testing.js';

const D = '2026-03-25';
const NOW = `${D}T12:00:00.000Z`;

for (const dialect of testDialects()) {
  describe(`alert inbox on ${dialect}`, () => {
    let db: TestDb;
    let ctx: ReturnType<typeof testCtx>;
    let csm: string;
    let viewer: string;
    let mine: string;
    let theirs: string;
    let unowned: string;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      ctx = testCtx(db, NOW);
      const user = async (email: string, role: 'csm' | 'viewer') =>
        (await createUser(ctx, { email, name: email, role })).id;
      csm = await user('csm@example.com', 'csm');
      const other = await user('other@example.com', 'csm');
      viewer = await user('viewer@example.com', 'viewer');
      mine = (await createAccount(ctx, { name: 'Mine', ownerId: csm })).id;
      theirs = (await createAccount(ctx, { name: 'Theirs', ownerId: other })).id;
      unowned = (await createAccount(ctx, { name: 'Nobody' })).id;
      for (const accountId of [mine, theirs, unowned])
        for (const score of [2, 5])
          await createSurveyResponse(ctx, {
            accountId,
            kind: 'nps',
            score,
            respondedAt: `2026-03-2${score}T08:00:00.000Z`,
          });
      expect((await evaluateAlerts(ctx, D)).created).toBe(6);
    });
    afterEach(async () => db.destroy());

    const inbox = async (c: Ctx = ctx, q: Partial<Parameters<typeof listAlerts>[1]> = {}) =>
      (await listAlerts(c, { limit: 100, ...q })).items;
    const first = async (accountId: string): Promise<Alert> =>
      (await inbox(ctx, { accountId }))[0]!;
    const audits = (entityId: string) =>
      db.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id', 'changes'])
        .where('entity', '=', 'health_alert')
        .where('entity_id', '=', entityId)
        .orderBy('id')
        .execute();

    it('acknowledges, snoozes and resolves, each audited; resolved is final', async () => {
      const me = userCtx(db, csm, 'csm', NOW);
      const a = await first(mine);
      const acked = await acknowledgeAlert(me, a.id);
      expect(acked).toMatchObject({ status: 'acknowledged', updatedBy: `user:${csm}` });
      await expect(acknowledgeAlert(me, a.id)).rejects.toMatchObject({ code: 'conflict' });

      const snoozed = await snoozeAlert(me, a.id, '2026-03-27');
      expect(snoozed).toMatchObject({
        status: 'snoozed',
        snoozedUntil: '2026-03-27T00:00:00.000Z',
      });
      expect((await inbox(me, { status: 'open' })).map((x) => x.id)).not.toContain(a.id);
      expect((await inbox(me, { status: 'snoozed' })).map((x) => x.id)).toEqual([a.id]);
      // Once the snooze runs out the alert is open again.
      const later = userCtx(db, csm, 'csm', '2026-03-27T00:00:00.000Z');
      expect((await getAlert(later, a.id)).status).toBe('open');
      expect((await inbox(later, { status: 'open' })).map((x) => x.id)).toContain(a.id);
      expect(await inbox(later, { status: 'snoozed' })).toEqual([]);

      const resolved = await resolveAlert(later, a.id, '  Called Dana, fixed  ');
      expect(resolved).toMatchObject({
        status: 'resolved',
        resolvedAt: '2026-03-27T00:00:00.000Z',
      });
      await expect(snoozeAlert(later, a.id, '2026-04-10')).rejects.toMatchObject({
        code: 'conflict',
      });
      const log = await audits(a.id);
      // Same-moment entries (a fixed test clock) have no order among themselves.
      expect(log.map((l) => [l.action, l.actor_id]).sort()).toEqual([
        ['acknowledge', csm],
        ['resolve', csm],
        ['snooze', csm],
      ]);
      const resolve = log.find((l) => l.action === 'resolve')!;
      expect(JSON.parse(resolve.changes)).toMatchObject({
        status: ['snoozed', 'resolved'],
        note: [null, 'Called Dana, fixed'],
      });
    });

    it('a viewer cannot acknowledge, a CSM only on its own accounts; nothing changes', async () => {
      const asViewer = userCtx(db, viewer, 'viewer', NOW);
      const me = userCtx(db, csm, 'csm', NOW);
      const a = await first(mine);
      await expect(acknowledgeAlert(asViewer, a.id)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(resolveAlert(asViewer, a.id)).rejects.toMatchObject({ code: 'forbidden' });
      for (const accountId of [theirs, unowned]) {
        const b = await first(accountId);
        await expect(acknowledgeAlert(me, b.id)).rejects.toMatchObject({ code: 'forbidden' });
        await expect(snoozeAlert(me, b.id, '2026-04-01')).rejects.toMatchObject({
          code: 'forbidden',
        });
      }
      expect((await getAlert(ctx, a.id)).status).toBe('open');
      expect(await audits(a.id)).toEqual([]);
      // A viewer still reads the inbox.
      expect(await inbox(asViewer)).toHaveLength(6);
      await expect(acknowledgeAlert(me, 'alr_nope')).rejects.toMatchObject({ code: 'not_found' });
    });

    it('refuses a snooze in the past or too far ahead', async () => {
      const a = await first(mine);
      await expect(snoozeAlert(ctx, a.id, '2026-03-25')).rejects.toThrow(/future/);
      await expect(snoozeAlert(ctx, a.id, '2027-04-01')).rejects.toThrow(/366 days/);
      await expect(snoozeAlert(ctx, a.id, 'soon')).rejects.toThrow(/until/);
    });

    it('filters by owner (me, none, a user), kind, status and account, and pages by keyset', async () => {
      const me = userCtx(db, csm, 'csm', NOW);
      expect(new Set((await inbox(me, { owner: 'me' })).map((a) => a.accountId))).toEqual(
        new Set([mine]),
      );
      expect((await inbox(ctx, { owner: 'csm@example.com' })).map((a) => a.accountName)).toEqual([
        'Mine',
        'Mine',
      ]);
      expect(new Set((await inbox(ctx, { owner: 'none' })).map((a) => a.accountId))).toEqual(
        new Set([unowned]),
      );
      await expect(inbox(ctx, { owner: 'me' })).rejects.toThrow(/owner/);
      expect(await inbox(ctx, { kind: 'score_drop' })).toEqual([]);
      expect(await inbox(ctx, { kind: 'detractor_nps', severity: 'high' })).toHaveLength(6);

      const b = await first(theirs);
      await resolveAlert(ctx, b.id);
      expect(await inbox(ctx, { status: 'resolved' })).toMatchObject([{ id: b.id }]);
      expect(await inbox(ctx, { status: 'open' })).toHaveLength(5);
      expect(await inbox(ctx)).toHaveLength(6);

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listAlerts(ctx, { limit: 4, cursor, sort: 'createdAt' });
        seen.push(...page.items.map((a) => a.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(6);
      expect(new Set(seen).size).toBe(6);
      expect(seen).toEqual([...seen].sort());
    });
  });
}
