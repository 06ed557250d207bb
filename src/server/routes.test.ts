import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { loadConfig } from '../core/config.js';
import { ACTIONS, RESOURCES } from '../core/access.js';
import { buildServer } from './app.js';
import { isPublic, PUBLIC_ROUTES } from './auth.js';

/**
 * The route table: every route Fastify registered is either on the explicit public list
 * or declares what it needs. A new route without a guard fails here.
 */
for (const dialect of testDialects())
  describe(`route table on ${dialect}`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    beforeAll(async () => {
      db = await freshTestDb(dialect);
      app = await buildServer({ handle: db, config: loadConfig({}) });
      await app.ready();
    });
    afterAll(async () => {
      await app.close();
      await db.destroy();
    });

    it('has no route that is neither public nor guarded', () => {
      const unguarded = app.routeTable
        .filter((r) => !isPublic(r.method, r.url) && r.access === undefined)
        .map((r) => `${r.method} ${r.url}`);
      expect(unguarded).toEqual([]);
    });

    it('guards with real permissions only, and guards every /api/v1 route but sign-in', () => {
      for (const r of app.routeTable) {
        const a = r.access;
        if (a && typeof a === 'object') {
          expect(RESOURCES).toContain(a.resource);
          expect(ACTIONS).toContain(a.action);
        }
        if (r.url.startsWith('/api/v1/') && !r.url.startsWith('/api/v1/auth/')) {
          expect(isPublic(r.method, r.url), `${r.method} ${r.url}`).toBe(false);
          expect(a, `${r.method} ${r.url}`).toBeDefined();
        }
      }
      // Writes never hide behind a read permission. The exceptions write nothing: they POST
      // only because what they read is too big for a query string.
      const READS_BY_POST = [
        'POST /api/v1/health/models/preview',
        'POST /api/v1/rules/preview',
        'POST /api/v1/outbound/preview',
        'POST /api/v1/quotes/preview',
      ];
      const writesGuardedByRead = app.routeTable.filter(
        (r) =>
          ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) &&
          typeof r.access === 'object' &&
          r.access.action === 'read' &&
          !READS_BY_POST.includes(`${r.method} ${r.url}`),
      );
      expect(writesGuardedByRead).toEqual([]);
    });

    it('keeps the public list short and every entry real', () => {
      const registered = new Set(app.routeTable.map((r) => `${r.method} ${r.url}`));
      for (const entry of PUBLIC_ROUTES) {
        if (entry.endsWith('*')) continue;
        if (entry.includes('/oidc/')) continue; // registered only when SSO is configured
        expect(registered, entry).toContain(entry);
      }
    });

    it('answers every guarded route 401 to an anonymous caller', async () => {
      for (const r of app.routeTable) {
        // The web app's pages and files are for anyone (see server/web.ts).
        if (isPublic(r.method, r.url) || r.access === 'page' || r.method === 'HEAD') continue;
        const url = r.url.replace(/:(\w+)/g, 'x_$1');
        const res = await app.inject({ method: r.method as 'GET', url });
        expect(res.statusCode, `${r.method} ${url}`).toBe(401);
        expect(res.json().error.code).toBe('unauthenticated');
      }
    });
  });
