import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { loadConfig } from '../core/config.js';
import { makeCtx, type Ctx } from '../core/context.js';
import { ACTIONS, RESOURCES, type Action, type Resource } from '../core/access.js';
import { buildServer } from '../server/app.js';
import { createAccount } from '../accounts/account/service.js';
import { permissionTables, type DocReach } from '../testing/permissions-doc.js';
import { STORE_TABLES, storeDigest } from '../testing/digest.js';
import { createUser } from './service.js';
import { createKey, KEY_SCOPES } from './keys.js';
import { ROLES } from './model.js';
import { THREE_PILLARS } from '../health/model/presets.js';
import { createTask } from '../tasks/service.js';
import { createView } from '../portfolio/views.js';
import { withPortfolioRoutes } from '../portfolio/testing.js';

const PASSWORD = 'matrix-test-passphrase-9';
/** Whose account is acted on, seen from the caller. */
type Relation = 'self' | 'team' | 'other' | 'unowned';
const RELATIONS: Relation[] = ['self', 'team', 'other', 'unowned'];

interface Caller {
  column: string; // the column of docs/permissions.md
  headers: Record<string, string>;
  userId: string | null;
}

/** What the documented reach allows for a record in `relation` to the caller. */
function docAllows(reach: DocReach, relation: Relation, action: Action): boolean {
  if (reach === 'all') return true;
  if (reach === 'none') return false;
  // Nobody's record: only a manager may take it into the team (docs/permissions.md).
  if (relation === 'unowned') return action === 'reassign' && reach === 'team';
  if (relation === 'self') return true;
  return reach === 'team' && relation === 'team';
}

for (const dialect of testDialects()) {
  describe(`permission matrix over HTTP on ${dialect}`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let op: Ctx;
    const users: Record<string, string> = {};
    const callers: Caller[] = [];
    const docs = permissionTables();
    let n = 0;

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      op = makeCtx(db.db, db.dialect);
      app = await withPortfolioRoutes(await buildServer({ handle: db, config: loadConfig({}) }));
      const make = async (key: string, role: (typeof ROLES)[number], managerId?: string) => {
        const u = await createUser(op, {
          email: `${key}@example.com`,
          name: key,
          role,
          password: PASSWORD,
          managerId: managerId ?? null,
        });
        users[key] = u.id;
      };
      await make('admin', 'admin');
      await make('manager', 'manager');
      await make('csm', 'csm', users.manager);
      await make('teammate', 'csm', users.manager);
      await make('outsider', 'csm');
      await make('viewer', 'viewer');
      for (const role of ROLES) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: `${role}@example.com`, password: PASSWORD },
        });
        expect(res.statusCode).toBe(200);
        const cookie = String(res.headers['set-cookie']).split(';')[0]!;
        callers.push({
          column: role,
          headers: { cookie, 'x-csrf-token': res.json().csrfToken },
          userId: users[role]!,
        });
      }
      for (const scope of KEY_SCOPES) {
        const { secret } = await createKey(op, { name: `${scope} key`, scope });
        callers.push({
          column: `${scope} key`,
          headers: { authorization: `Bearer ${secret}` },
          userId: null,
        });
      }
    });
    afterAll(async () => {
      await app?.close();
      await db?.destroy();
    });

    /** The owner of a record in `relation` to the caller (a key's own records are the admin's). */
    function ownerFor(c: Caller, relation: Exclude<Relation, 'unowned'>): string {
      if (relation === 'self') return c.userId ?? users.admin!;
      // For a CSM, "team" has no meaning beyond its own book: a teammate's record is other.
      if (relation === 'team') return c.column === 'manager' ? users.csm! : users.teammate!;
      return users.outsider!;
    }

    /** An account whose owner stands in `relation` to the caller. */
    async function accountFor(c: Caller, relation: Relation): Promise<string> {
      const owner = relation === 'unowned' ? null : ownerFor(c, relation);
      const a = await createAccount(op, { name: `Acct ${++n}`, ownerId: owner ?? undefined });
      return a.id;
    }

    /** A shared saved view (so everyone can see it) whose owner stands in `relation` to the caller. */
    async function viewFor(c: Caller, relation: Relation): Promise<string> {
      if (relation === 'unowned') throw new Error('a saved view always has an owner');
      const owner = ownerFor(c, relation);
      // Made as its owner with every right, so even a viewer has one of their own to try.
      const as = makeCtx(db.db, db.dialect, { actor: { kind: 'user', id: owner, name: owner } });
      return (await createView(as, { name: `View ${++n}`, shared: true })).id;
    }

    /** A task whose assignee stands in `relation` to the caller (unowned: nobody's). */
    async function taskFor(c: Caller, relation: Relation): Promise<string> {
      const assignee = relation === 'unowned' ? null : ownerFor(c, relation);
      const t = await createTask(op, { title: `Task ${++n}`, assigneeId: assignee });
      return t.id;
    }

    type Op = (c: Caller, relation: Relation) => Promise<InjectOptions>;
    const CSV = 'Account Name\nImported Co\n';
    /** One API call per resource and action that has an endpoint. */
    const OPS: Partial<Record<`${Resource} ${Action}`, Op>> = {
      'account read': async (c, r) => ({
        method: 'GET',
        url: `/api/v1/accounts/${await accountFor(c, r)}`,
      }),
      'account write': async (c, r) => ({
        method: 'PATCH',
        url: `/api/v1/accounts/${await accountFor(c, r)}`,
        payload: { region: 'EMEA' },
      }),
      'account reassign': async (c, r) => ({
        method: 'PATCH',
        url: `/api/v1/accounts/${await accountFor(c, r)}`,
        // To the caller (or, for its own account, to nobody) so the owner really changes.
        payload: { ownerId: r === 'self' ? null : (c.userId ?? users.admin) },
      }),
      'user read': async () => ({ method: 'GET', url: '/api/v1/users' }),
      'user write': async () => ({
        method: 'POST',
        url: '/api/v1/users',
        payload: { email: `new${++n}@example.com`, name: 'New', role: 'viewer' },
      }),
      'user reassign': async () => {
        const u = await db.db
          .selectFrom('users')
          .select('manager_id')
          .where('id', '=', users.outsider!)
          .executeTakeFirstOrThrow();
        return {
          method: 'PATCH',
          url: `/api/v1/users/${users.outsider}`,
          payload: { managerId: u.manager_id ? null : users.manager },
        };
      },
      'api_key read': async () => ({ method: 'GET', url: '/api/v1/keys' }),
      'api_key write': async () => ({
        method: 'POST',
        url: '/api/v1/keys',
        payload: { name: 'k', scope: 'read' },
      }),
      'setting read': async () => ({ method: 'GET', url: '/api/v1/settings/segments' }),
      'setting write': async () => ({
        method: 'PUT',
        url: '/api/v1/settings/segments',
        payload: { segments: ['enterprise', 'mid_market', 'smb', `seg_${++n}`] },
      }),
      'import read': async () => ({ method: 'GET', url: '/api/v1/imports' }),
      'health_model read': async () => ({ method: 'GET', url: '/api/v1/health/models' }),
      'health_model write': async () => ({
        method: 'POST',
        url: '/api/v1/health/models',
        payload: {
          definition: { ...THREE_PILLARS, key: `model-${++n}`, name: `Model ${n}` },
          activate: false,
        },
      }),
      'import write': async () => ({
        method: 'POST',
        url: '/api/v1/imports?kind=accounts',
        payload: CSV,
        headers: { 'content-type': 'text/csv' },
      }),
      'audit read': async () => ({ method: 'GET', url: '/api/v1/audit' }),
      'portfolio_view read': async () => ({ method: 'GET', url: '/api/v1/portfolio/views' }),
      'job read': async () => ({ method: 'GET', url: '/api/v1/jobs' }),
      'outbound read': async () => ({ method: 'GET', url: '/api/v1/outbox' }),
      'outbound write': async () => ({
        method: 'POST',
        url: '/api/v1/outbound/endpoints',
        payload: { kind: 'slack', name: `#cs-${++n}`, url: 'https://hooks.example.com/x' },
      }),
      'rule read': async () => ({ method: 'GET', url: '/api/v1/rules' }),
      'rule write': async () => ({
        method: 'POST',
        url: '/api/v1/rules',
        payload: {
          definition: {
            key: `rule-${++n}`,
            name: `Rule ${n}`,
            when: { type: 'schedule' },
            then: [{ type: 'create_task', title: 'Check in' }],
          },
        },
      }),
      'playbook read': async () => ({ method: 'GET', url: '/api/v1/playbooks' }),
      'playbook write': async () => ({
        method: 'POST',
        url: '/api/v1/playbooks',
        payload: {
          key: `custom-${++n}`,
          name: `Custom ${n}`,
          category: 'risk',
          steps: [{ title: 'Call them', dueAfterDays: 1 }],
        },
      }),
      'task read': async (c, r) => ({ method: 'GET', url: `/api/v1/tasks/${await taskFor(c, r)}` }),
      'task write': async (c, r) => ({
        method: 'PATCH',
        url: `/api/v1/tasks/${await taskFor(c, r)}`,
        payload: { title: `Renamed ${++n}` },
      }),
      'task reassign': async (c, r) => ({
        method: 'PATCH',
        url: `/api/v1/tasks/${await taskFor(c, r)}`,
        // To the caller (or, for their own task, to nobody) so the assignee really changes.
        payload: { assigneeId: r === 'self' ? null : (c.userId ?? users.admin) },
      }),
      'job write': async () => ({
        method: 'POST',
        url: '/api/v1/jobs/run',
        payload: { kind: 'jobs.prune' },
      }),
      'portfolio_view write': async (c, r) => ({
        method: 'PATCH',
        url: `/api/v1/portfolio/views/${await viewFor(c, r)}`,
        payload: { name: `Renamed ${++n}` },
      }),
    };
    /** Scoped operations are tried against records in each relation to the caller; the rest once. */
    const SCOPED: Partial<Record<string, Relation[]>> = {
      'account read': RELATIONS,
      'account write': RELATIONS,
      'account reassign': RELATIONS,
      'task read': RELATIONS,
      'task write': RELATIONS,
      'task reassign': RELATIONS,
      // A saved view always has an owner.
      'portfolio_view write': ['self', 'team', 'other'],
    };
    const TABLES = [
      ...STORE_TABLES,
      'portfolio_views',
      'jobs',
      'tasks',
      'playbooks',
      'outbound_endpoints',
    ] as const;

    it('covers every permission a route is guarded with', () => {
      const guarded = new Set(
        app.routeTable
          .map((r) => r.access)
          .filter((a): a is { action: Action; resource: Resource } => typeof a === 'object')
          .map((a) => `${a.resource} ${a.action}`),
      );
      for (const g of guarded) expect(Object.keys(OPS), `no matrix case for ${g}`).toContain(g);
    });

    for (const resource of RESOURCES)
      for (const action of ACTIONS) {
        const key = `${resource} ${action}` as const;
        it(`${key}: every role and key scope gets what docs/permissions.md says`, async () => {
          const op = OPS[key];
          if (!op) return; // no endpoint yet (tasks, health models arrive with their issues)
          for (const c of callers) {
            const reach = docs.get(c.column)!.get(key)!;
            for (const relation of SCOPED[key] ?? (['unowned'] as Relation[])) {
              const expected = docAllows(reach, relation, action);
              const req = await op(c, relation);
              const before = await storeDigest(db, TABLES);
              const res = await app.inject({
                ...req,
                headers: { ...c.headers, ...(req.headers ?? {}) },
              });
              const label = `${c.column} ${key} (${relation}) → ${res.statusCode} ${res.body.slice(0, 120)}`;
              if (expected) {
                expect(res.statusCode, label).toBeLessThan(300);
                if (req.method !== 'GET') {
                  const audited = await db.db
                    .selectFrom('audit_log')
                    .select('id')
                    .where('request_id', '=', String(res.headers['x-request-id']))
                    .execute();
                  expect(audited.length, `audit entry for ${label}`).toBeGreaterThan(0);
                }
              } else {
                expect([403, 404], label).toContain(res.statusCode);
                expect(
                  await storeDigest(db, TABLES),
                  `forbidden call changed the store: ${label}`,
                ).toEqual(before);
              }
            }
          }
        });
      }
  });
}
