import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCtx, type Ctx } from '../core/context.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { testCtx } from '../testing/ctx.js';
import { createUser } from '../identity/service.js';
import { allowed, keyAllowed, type KeyScope } from '../identity/permissions.js';
import type { Role } from '../identity/model.js';
import { createView, deleteView, listViews, updateView } from './views.js';
import { MAX_FILTERS } from './schemas.js';

const NOW = '2026-03-10T12:00:00.000Z';

function issuePath(err: unknown): string | undefined {
  return (err as { details?: { issues?: { path: string }[] } }).details?.issues?.[0]?.path;
}

for (const dialect of testDialects()) {
  describe(`saved portfolio views on ${dialect}`, () => {
    let db: TestDb;
    let op: ReturnType<typeof testCtx>;
    const users: Record<string, string> = {};

    /** A signed-in user's context with their role's permissions. */
    function as(key: string, role: Role): Ctx {
      const subject = { role, userId: users[key]!, team: [] };
      return makeCtx(db.db, db.dialect, {
        actor: { kind: 'user', id: users[key]!, name: `${key}@example.com` },
        now: () => op.now(),
        access: (action, resource, target) => allowed(subject, action, resource, target),
      });
    }
    function key(scope: KeyScope): Ctx {
      return makeCtx(db.db, db.dialect, {
        actor: { kind: 'api_key', id: `key_${scope}`, name: `${scope} key` },
        now: () => op.now(),
        access: (action, resource) => keyAllowed(scope, action, resource),
      });
    }
    const caught = async (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => e,
      );

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      op = testCtx(db, NOW);
      for (const [k, role] of [
        ['admin', 'admin'],
        ['csm', 'csm'],
        ['other', 'manager'],
        ['viewer', 'viewer'],
      ] as const)
        users[k] = (
          await createUser(op, {
            email: `${k}@example.com`,
            name: k === 'csm' ? 'Cal Sims' : k,
            role,
          })
        ).id;
    });
    afterAll(async () => {
      await db?.destroy();
    });

    it('keeps a view private to its owner unless shared; lists by name', async () => {
      const csm = as('csm', 'csm');
      const other = as('other', 'manager');
      const mine = await createView(csm, {
        name: '  Renewals this quarter ',
        query: {
          scope: 'mine',
          q: 'acme',
          filters: { 'health.tier': ['Red', 'Yellow'], segment: 'enterprise' },
          sort: { field: 'renewalDate', dir: 'asc' },
          group: 'owner',
          columns: ['name', 'arrMinor', 'health.score'],
        },
      });
      expect(mine).toEqual({
        id: expect.stringMatching(/^pvw_/),
        name: 'Renewals this quarter',
        shared: false,
        ownerId: users.csm,
        ownerName: 'Cal Sims',
        editable: true,
        query: {
          scope: 'mine',
          q: 'acme',
          filters: { 'health.tier': ['Red', 'Yellow'], segment: 'enterprise' },
          sort: { field: 'renewalDate', dir: 'asc' },
          group: 'owner',
          columns: ['name', 'arrMinor', 'health.score'],
        },
        createdAt: NOW,
        updatedAt: NOW,
      });
      const shared = await createView(csm, { name: 'At risk', shared: true });
      expect(shared.query).toEqual({});
      const theirs = await createView(other, { name: 'Big accounts' });

      expect((await listViews(csm)).map((v) => [v.name, v.shared, v.editable])).toEqual([
        ['At risk', true, true],
        ['Renewals this quarter', false, true],
      ]);
      expect((await listViews(other)).map((v) => [v.name, v.shared, v.editable])).toEqual([
        ['At risk', true, false],
        ['Big accounts', false, true],
      ]);
      // An API key has no views of its own: the shared ones.
      expect((await listViews(key('read'))).map((v) => v.name)).toEqual(['At risk']);
      expect((await listViews(as('viewer', 'viewer'))).map((v) => v.editable)).toEqual([false]);

      await deleteView(other, theirs.id);
      await deleteView(csm, mine.id);
      await deleteView(csm, shared.id);
    });

    it('lets owners change their own, admins any shared one; others get 403, private ones 404', async () => {
      const csm = as('csm', 'csm');
      const admin = as('admin', 'admin');
      const other = as('other', 'manager');
      const shared = await createView(csm, { name: 'Shared', shared: true });
      const hidden = await createView(csm, { name: 'Hidden' });

      op.setNow('2026-03-11T08:00:00.000Z');
      const renamed = await updateView(csm, hidden.id, { name: 'Mine', query: { q: 'x' } });
      expect(renamed).toMatchObject({
        name: 'Mine',
        shared: false,
        query: { q: 'x' },
        createdAt: NOW,
        updatedAt: '2026-03-11T08:00:00.000Z',
      });

      expect(await caught(updateView(other, shared.id, { name: 'Taken' }))).toMatchObject({
        code: 'forbidden',
      });
      expect(await caught(deleteView(other, shared.id))).toMatchObject({ code: 'forbidden' });
      expect(await caught(updateView(other, hidden.id, { name: 'Seen' }))).toMatchObject({
        code: 'not_found',
      });
      // Private means private, to admins too.
      expect(await caught(deleteView(admin, hidden.id))).toMatchObject({ code: 'not_found' });

      op.setNow('2026-03-11T08:01:00.000Z');
      const tended = await updateView(admin, shared.id, { name: 'Team at risk', shared: false });
      expect(tended).toMatchObject({ name: 'Team at risk', shared: false, ownerId: users.csm });
      // Unshared, it is the owner's alone again.
      expect(await caught(updateView(admin, shared.id, { shared: true }))).toMatchObject({
        code: 'not_found',
      });
      op.setNow('2026-03-11T08:02:00.000Z');
      await updateView(csm, shared.id, { shared: true });
      op.setNow('2026-03-11T08:03:00.000Z');
      await deleteView(admin, shared.id);
      expect((await listViews(csm)).map((v) => v.name)).toEqual(['Mine']);

      // A write key may tend shared views but owns none, so it cannot create one.
      const keyed = await createView(csm, { name: 'Keyed', shared: true });
      expect((await updateView(key('write'), keyed.id, { name: 'Renamed' })).name).toBe('Renamed');
      expect(await caught(updateView(key('read'), keyed.id, { name: 'No' }))).toMatchObject({
        code: 'forbidden',
      });
      expect(await caught(createView(key('write'), { name: 'No owner' }))).toMatchObject({
        code: 'forbidden',
      });

      const audit = await db.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id'])
        .where('entity', '=', 'portfolio_view')
        .where('entity_id', '=', shared.id)
        .orderBy('id')
        .execute();
      expect(audit.map((a) => [a.action, a.actor_id])).toEqual([
        ['create', users.csm],
        ['update', users.admin],
        ['update', users.csm],
        ['delete', users.admin],
      ]);
      await deleteView(csm, keyed.id);
      await deleteView(csm, hidden.id);
      op.setNow(NOW);
    });

    it('refuses viewers and bad queries, naming the field', async () => {
      const viewer = as('viewer', 'viewer');
      expect(await caught(createView(viewer, { name: 'Mine' }))).toMatchObject({
        code: 'forbidden',
      });
      const csm = as('csm', 'csm');
      const bad = async (input: unknown) =>
        issuePath(await caught(createView(csm, input as Parameters<typeof createView>[1])));
      expect(await bad({ name: '   ' })).toBe('name');
      expect(await bad({ name: 'x'.repeat(81) })).toBe('name');
      expect(await bad({ name: 'V', colour: 'red' })).toBe('colour');
      expect(await bad({ name: 'V', query: { scope: 'mine', colour: 'red' } })).toBe(
        'query.colour',
      );
      expect(await bad({ name: 'V', query: { q: 'x'.repeat(201) } })).toBe('query.q');
      expect(await bad({ name: 'V', query: { scope: 'everyone' } })).toBe('query.scope');
      const filters = Object.fromEntries(
        Array.from({ length: MAX_FILTERS + 1 }, (_, i) => [`f${i}`, 'x']),
      );
      expect(await bad({ name: 'V', query: { filters } })).toBe('query.filters');
      expect(await bad({ name: 'V', query: { sort: { field: 'name', dir: 'up' } } })).toBe(
        'query.sort.dir',
      );
      expect(await bad({ name: 'V', query: { columns: ['name', 'name'] } })).toBe('query.columns');
      expect(await bad({ name: 'V', query: { group: 'drop table' } })).toBe('query.group');

      const v = await createView(csm, { name: 'Fine' });
      expect(await caught(updateView(csm, v.id, {}))).toMatchObject({ code: 'validation' });
      await deleteView(csm, v.id);
      expect((await listViews(csm)).map((x) => x.name)).toEqual([]);
    });
  });
}
