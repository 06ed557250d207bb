import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { migrateToLatest, openSqlite, type DbHandle } from '../db/database.js';
import { testServer, type TestApp } from '../testing/server.js';
import { webRoot } from './web.js';

describe('the web app is served next to the API', () => {
  let handle: DbHandle;
  let t: TestApp;
  beforeAll(async () => {
    handle = openSqlite(':memory:');
    await migrateToLatest(handle.db);
    t = await testServer({ handle, config: loadConfig({}) });
  });
  afterAll(async () => {
    await t.close();
    await handle.destroy();
  });
  const anonymous = (url: string) => t.raw.inject({ method: 'GET', url });

  it('answers every page path with the app, and its hashed files with long caching', async () => {
    expect(webRoot(), 'npm test builds the web app first').not.toBeNull();
    for (const path of ['/', '/portfolio', '/accounts/acc_123?tab=timeline', '/signin']) {
      const r = await anonymous(path);
      expect(r.statusCode, path).toBe(200);
      expect(r.headers['content-type']).toMatch(/text\/html/);
      expect(r.body).toContain('<div id="root"></div>');
      expect(r.headers['cache-control']).toBe('no-cache');
    }
    const html = (await anonymous('/')).body;
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await t.raw.inject({
      method: 'GET',
      url: script!,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toMatch(/immutable/);
    expect(js.headers['content-encoding']).toBe('gzip');
    const missing = await anonymous('/assets/nope.js');
    expect(missing.statusCode).toBe(404);
    const traversal = await anonymous('/assets/..%2F..%2Fpackage.json');
    expect([403, 404]).toContain(traversal.statusCode);
  });

  it('keeps unknown API paths API errors, and says nothing about them to the anonymous', async () => {
    const anon = await anonymous('/api/v1/no-such-thing');
    expect(anon.statusCode).toBe(401);
    // With the test's admin key.
    const known = await t.inject({ method: 'GET', url: '/api/v1/no-such-thing' });
    expect(known.statusCode).toBe(404);
    expect(known.json()).toMatchObject({ error: { code: 'not_found' } });
    const intake = await t.inject({ method: 'GET', url: '/v1/batch' });
    expect(intake.statusCode).toBe(404);
  });
});
