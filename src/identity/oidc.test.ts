import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config, type OidcConfig } from '../core/config.js';
import { makeCtx } from '../core/context.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { buildServer } from '../server/app.js';
import { createUser } from './service.js';
import { checkOidcConfig, mapRole, safeReturnTo } from './oidc.js';
import { STATE_COOKIE } from './oidc-routes.js';
import {
  Browser,
  formOf,
  startProvider,
  type Answer,
  type RunningProvider,
} from '../testing/oidc-provider.js';

/** Tenure as the browser and the provider know it; requests to it go to app.inject. */
const TENURE = 'http://tenure.localhost';
const CALLBACK = `${TENURE}/api/v1/auth/oidc/callback`;
const CLIENT_ID = 'tenure-test';
const CLIENT_SECRET = 'a-long-test-client-secret-0123456789';

const ACCOUNTS = {
  alice: {
    email: 'Alice@Example.com',
    email_verified: true,
    name: 'Alice Smith',
    roles: ['tenure-admins'],
  },
  bob: {
    email: 'bob@example.com',
    email_verified: true,
    name: 'Bob Jones',
    roles: ['tenure-viewers', 'cs-leads', 'unrelated'],
  },
  carol: { email: 'carol@example.com', email_verified: true, name: 'Carol', roles: 'nobody' },
  mallory: { email: 'mallory@example.com', email_verified: false, name: 'M', roles: ['cs-leads'] },
  // Some providers send no email_verified claim at all: not verified either.
  dave: { email: 'dave@example.com', name: 'Dave', roles: ['tenure-viewers'] },
};

const ROLE_MAP = { 'tenure-admins': 'admin', 'cs-leads': 'manager', 'tenure-viewers': 'viewer' };

let provider: RunningProvider;
let issuer: string;

beforeAll(async () => {
  provider = await startProvider({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [CALLBACK],
    accounts: ACCOUNTS,
  });
  issuer = provider.issuer;
});

afterAll(() => provider?.stop());

/**
 * Drive the sign-in up to the provider's redirect back to Tenure: login page (any
 * password), consent page. Returns the callback URL, not yet visited.
 */
async function throughProvider(browser: Browser, login: string, returnTo?: string) {
  const query = returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : '';
  const start = await browser.get(`${TENURE}/api/v1/auth/oidc/login${query}`);
  expect(start.status).toBe(302);
  expect(start.location!.startsWith(`${issuer}/auth?`)).toBe(true);
  const auth = new URL(start.location!);
  expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
  expect(auth.searchParams.get('redirect_uri')).toBe(CALLBACK);
  let next = start.location!;
  for (let step = 0; step < 12; step++) {
    if (next.startsWith(`${CALLBACK}?`)) return next;
    const page = await browser.get(next);
    if (page.location) {
      next = page.location;
      continue;
    }
    expect(page.status, page.body.slice(0, 300)).toBe(200);
    const form = formOf(page.body);
    const fields: Record<string, string> =
      form.prompt === 'login' ? { prompt: 'login', login, password: 'any' } : { prompt: 'consent' };
    const posted = await browser.request('POST', new URL(form.action, next).href, fields);
    expect(posted.location, posted.body.slice(0, 300)).not.toBeNull();
    next = posted.location!;
  }
  throw new Error('the provider never redirected back');
}

async function signIn(browser: Browser, login: string, returnTo?: string): Promise<Answer> {
  return browser.get(await throughProvider(browser, login, returnTo));
}

function oidcConfig(over: Partial<OidcConfig> = {}): OidcConfig {
  return {
    issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    roleClaim: 'roles',
    roleMap: ROLE_MAP,
    jitProvisioning: false,
    defaultRole: null,
    ...over,
  };
}

describe('OIDC helpers', () => {
  it('maps several claim values to the most powerful role', () => {
    expect(mapRole(['tenure-viewers', 'cs-leads'], ROLE_MAP)).toBe('manager');
    expect(mapRole(['x'], ROLE_MAP)).toBeNull();
    expect(mapRole(['cs-leads', 'tenure-admins'], ROLE_MAP)).toBe('admin');
  });
  it('refuses settings that cannot work at start-up', () => {
    const base = { ...oidcConfig(), issuer: 'https://id.example.com' };
    expect(() => checkOidcConfig(base)).not.toThrow();
    expect(() => checkOidcConfig({ ...base, issuer: 'http://id.example.com' })).toThrow(/https/);
    expect(() => checkOidcConfig({ ...base, issuer: 'http://localhost:8080' })).not.toThrow();
    expect(() => checkOidcConfig({ ...base, roleMap: { x: 'owner' } })).toThrow(/ROLE_MAP/);
    expect(() => checkOidcConfig({ ...base, defaultRole: 'owner' })).toThrow(/DEFAULT_ROLE/);
  });
  it('accepts only same-site paths to return to', () => {
    expect(safeReturnTo('/accounts?x=1#top')).toBe('/accounts?x=1#top');
    for (const bad of [
      '//evil.example/',
      'https://evil.example/',
      '/\\evil.example',
      'x',
      '/a b',
      '/.//evil.example',
      '/..//evil.example',
      '/%2e//evil.example',
    ])
      expect(safeReturnTo(bad)).toBeNull();
  });
});

for (const dialect of testDialects()) {
  describe(`OpenID Connect sign-in on ${dialect}`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => {
      await app?.close();
      await db.destroy();
    });

    async function serve(config: Partial<Config>): Promise<FastifyInstance> {
      app = await buildServer({ handle: db, config: { ...loadConfig({}), ...config } });
      return app;
    }
    const users = () => db.db.selectFrom('users').selectAll().orderBy('email').execute();
    const audit = (entityId: string) =>
      db.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', entityId)
        .orderBy('id')
        .execute();

    it('links an existing user by verified email, signs in and syncs the role', async () => {
      await serve({ publicUrl: TENURE, oidc: oidcConfig() });
      const existing = await createUser(makeCtx(db.db, db.dialect), {
        email: 'alice@example.com',
        name: 'Alice',
        role: 'csm',
        password: 'correct horse battery staple 42',
      });
      const browser = new Browser(app, TENURE);
      const done = await signIn(browser, 'alice', '/accounts?sort=-mrr');
      expect(done.status, done.body).toBe(302);
      expect(done.location).toBe('/accounts?sort=-mrr');
      const cookie = done.cookies.find((c) => c.startsWith('tenure_session='))!;
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);

      const who = await browser.get(`${TENURE}/api/v1/auth/session`);
      expect(who.status).toBe(200);
      expect(JSON.parse(who.body).user).toMatchObject({
        id: existing.id,
        email: 'alice@example.com',
        role: 'admin',
        sso: true,
        hasPassword: true,
      });
      const [row] = await users();
      expect(row).toMatchObject({ oidc_issuer: issuer, oidc_subject: 'alice', role: 'admin' });
      const actions = (await audit(existing.id)).map((a) => `${a.actor_kind}:${a.action}`);
      expect(actions).toEqual(expect.arrayContaining(['system:link', 'system:update']));
      const session = await db.db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow();
      expect(session).toMatchObject({ user_id: existing.id, method: 'oidc' });

      // Next time the identity itself is known; an archived user is refused.
      const again = await signIn(new Browser(app, TENURE), 'alice');
      expect(again.status).toBe(302);
      expect(again.location).toBe('/');
      await db.db
        .updateTable('users')
        .set({ archived_at: new Date().toISOString() })
        .where('id', '=', existing.id)
        .execute();
      const archived = await signIn(new Browser(app, TENURE), 'alice');
      expect(archived.status).toBe(403);
      expect(JSON.parse(archived.body).error.message).toMatch(/archived/);
    });

    it('creates users just in time with the role mapped from the claim', async () => {
      await serve({ publicUrl: TENURE, oidc: oidcConfig({ jitProvisioning: true }) });
      const browser = new Browser(app, TENURE);
      const done = await signIn(browser, 'bob');
      expect(done.status, done.body).toBe(302);
      const who = JSON.parse((await browser.get(`${TENURE}/api/v1/auth/session`)).body);
      expect(who.user).toMatchObject({
        email: 'bob@example.com',
        name: 'Bob Jones',
        role: 'manager',
        hasPassword: false,
        sso: true,
      });
      const created = await audit(who.user.id);
      expect(created.find((a) => a.action === 'create')).toMatchObject({
        entity: 'user',
        actor_kind: 'system',
        actor_id: 'system',
      });

      // No claim value maps to a role and there is no default role: refused, nothing made.
      const carol = await signIn(new Browser(app, TENURE), 'carol');
      expect(carol.status).toBe(403);
      expect(JSON.parse(carol.body).error.message).toMatch(/grants no Tenure role/);
      // An email the provider says is unverified is never trusted.
      const mallory = await signIn(new Browser(app, TENURE), 'mallory');
      expect(mallory.status).toBe(403);
      expect(mallory.cookies.some((c) => c.startsWith('tenure_session='))).toBe(false);
      expect((await users()).map((u) => u.email)).toEqual(['bob@example.com']);
    });

    it('gives unknown users a default role when one is set', async () => {
      await serve({
        publicUrl: TENURE,
        oidc: oidcConfig({ jitProvisioning: true, defaultRole: 'viewer' }),
      });
      const done = await signIn(new Browser(app, TENURE), 'carol');
      expect(done.status, done.body).toBe(302);
      expect(await users()).toMatchObject([{ email: 'carol@example.com', role: 'viewer' }]);
    });

    it('links only verified emails, and takes a role away when the provider does', async () => {
      await serve({ publicUrl: TENURE, oidc: oidcConfig() });
      const op = makeCtx(db.db, db.dialect);
      const dave = await createUser(op, { email: 'dave@example.com', name: 'Dave', role: 'admin' });
      const refused = await signIn(new Browser(app, TENURE), 'dave');
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body).error.message).toMatch(/not verified/);
      expect((await users())[0]).toMatchObject({ id: dave.id, oidc_subject: null });

      const carol = await createUser(op, {
        email: 'carol@example.com',
        name: 'Carol',
        role: 'manager',
      });
      await db.db
        .updateTable('users')
        .set({ oidc_issuer: issuer, oidc_subject: 'carol' })
        .where('id', '=', carol.id)
        .execute();
      // Carol's claim maps to no role any more: no default role, so no access at all.
      const lost = await signIn(new Browser(app, TENURE), 'carol');
      expect(lost.status).toBe(403);
      expect(JSON.parse(lost.body).error.message).toMatch(/grants no Tenure role/);
      await app.close();
      await serve({ publicUrl: TENURE, oidc: oidcConfig({ defaultRole: 'viewer' }) });
      const demoted = await signIn(new Browser(app, TENURE), 'carol');
      expect(demoted.status, demoted.body).toBe(302);
      expect((await users()).find((u) => u.id === carol.id)?.role).toBe('viewer');
    });

    it('refuses unknown users when just-in-time creation is off', async () => {
      await serve({ publicUrl: TENURE, oidc: oidcConfig() });
      const done = await signIn(new Browser(app, TENURE), 'bob');
      expect(done.status).toBe(403);
      expect(JSON.parse(done.body).error).toMatchObject({
        code: 'forbidden',
        message: 'no Tenure user for this identity; ask an admin',
      });
      expect(done.cookies).toEqual([]);
      expect(await users()).toEqual([]);
    });

    it('refuses a callback from another browser, a tampered or replayed state', async () => {
      await serve({ publicUrl: TENURE, oidc: oidcConfig({ jitProvisioning: true }) });
      const browser = new Browser(app, TENURE);
      const callback = await throughProvider(browser, 'bob');
      const state = new URL(callback).searchParams.get('state')!;
      const tenureJar = browser.jar.get('tenure.localhost')!;
      expect(tenureJar.get(STATE_COOKIE)).toBe(state);
      const message = (a: Answer) => JSON.parse(a.body).error.message as string;

      // Someone else's browser opening this callback link (login CSRF) is refused.
      const elsewhere = await new Browser(app, TENURE).get(callback);
      expect(elsewhere.status).toBe(401);
      expect(message(elsewhere)).toMatch(/another browser/);
      // A state changed in the URL matches neither the browser's cookie nor a stored flow.
      const tampered = new URL(callback);
      tampered.searchParams.set('state', `${state}x`);
      const forged = await browser.get(tampered.href);
      expect(forged.status).toBe(401);
      tenureJar.set(STATE_COOKIE, `${state}x`);
      const forgedBoth = await browser.get(tampered.href);
      expect(forgedBoth.status).toBe(401);
      expect(message(forgedBoth)).toMatch(/unknown, used or expired/);
      expect([...forged.cookies, ...forgedBoth.cookies]).toEqual([]);

      // The browser that started it still can finish, once.
      tenureJar.set(STATE_COOKIE, state);
      const done = await browser.get(callback);
      expect(done.status, done.body).toBe(302);
      expect(tenureJar.has(STATE_COOKIE)).toBe(false);
      tenureJar.set(STATE_COOKIE, state);
      const replayed = await browser.get(callback);
      expect(replayed.status).toBe(401);
      expect(message(replayed)).toMatch(/unknown, used or expired/);
      expect(replayed.cookies).toEqual([]);
      expect(await db.db.selectFrom('sessions').selectAll().execute()).toHaveLength(1);
      expect(await db.db.selectFrom('oidc_flows').selectAll().execute()).toEqual([]);
    });

    it('reports a sign-in the user cancelled at the provider', async () => {
      await serve({ publicUrl: TENURE, oidc: oidcConfig({ jitProvisioning: true }) });
      const browser = new Browser(app, TENURE);
      let next = (await browser.get(`${TENURE}/api/v1/auth/oidc/login`)).location!;
      while (!next.includes('/interaction/')) next = (await browser.get(next)).location!;
      next = (await browser.get(`${next}/abort`)).location!;
      while (!next.startsWith(CALLBACK)) next = (await browser.get(next)).location!;
      const cancelled = await browser.get(next);
      expect(cancelled.status).toBe(401);
      expect(JSON.parse(cancelled.body).error.message).toMatch(/access_denied/);
      expect(await users()).toEqual([]);
    });

    it('refuses return paths off the site and callbacks without state', async () => {
      await serve({ publicUrl: TENURE, oidc: oidcConfig() });
      for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
        const res = await app.inject({
          url: `/api/v1/auth/oidc/login?returnTo=${encodeURIComponent(bad)}`,
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.message).toMatch(/returnTo/);
      }
      const noState = await app.inject({ url: '/api/v1/auth/oidc/callback?code=abc' });
      expect(noState.statusCode).toBe(400);
      const login = await app.inject({ url: '/api/v1/auth/oidc/login' });
      const cookie = [login.headers['set-cookie']].flat().join('\n');
      expect(cookie).toMatch(/^tenure_oidc_state=/);
      expect(cookie).toMatch(/Path=\/api\/v1\/auth\/oidc\/callback/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
    });

    it('derives the callback URL from the request when no public URL is set', async () => {
      await serve({ publicUrl: undefined, oidc: oidcConfig() });
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/auth/oidc/login',
        headers: { host: 'cs.example.test:8080' },
      });
      expect(res.statusCode).toBe(302);
      expect(new URL(res.headers.location as string).searchParams.get('redirect_uri')).toBe(
        'http://cs.example.test:8080/api/v1/auth/oidc/callback',
      );
    });

    it('answers 404 when single sign-on is not configured', async () => {
      await serve({ publicUrl: TENURE, oidc: null });
      for (const url of [
        '/api/v1/auth/oidc/login',
        '/api/v1/auth/oidc/callback?state=abc&code=def',
      ]) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode).toBe(404);
        expect(res.json().error).toMatchObject({
          code: 'not_found',
          message: 'single sign-on is not configured',
        });
      }
      const paths = Object.keys((await app.inject({ url: '/api/openapi.json' })).json().paths);
      expect(paths).toEqual(
        expect.arrayContaining(['/api/v1/auth/oidc/login', '/api/v1/auth/oidc/callback']),
      );
    });
  });
}
