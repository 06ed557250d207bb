import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { loadConfig, type Config } from '../core/config.js';
import { makeCtx } from '../core/context.js';
import { buildServer } from '../server/app.js';
import { createUser } from './service.js';
import { createKey } from './keys.js';

const PASSWORD = 'plum-orchard-velvet-42';
const ORIGIN = 'http://localhost:80';

function cookieOf(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const line = (Array.isArray(header) ? header : [header ?? '']).find((c) =>
    c.startsWith('tenure_session='),
  );
  if (!line) throw new Error('no session cookie set');
  return line.split(';')[0]!;
}

for (const dialect of testDialects()) {
  describe(`sign-in, sessions, CSRF, throttling and keys on ${dialect}`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let now: Date;
    const build = async (over: Partial<Config> = {}) => {
      app = await buildServer({
        handle: db,
        config: { ...loadConfig({}), ...over },
        now: () => now,
      });
    };
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      now = new Date('2026-03-02T09:00:00.000Z');
      const ctx = makeCtx(db.db, db.dialect, { now: () => now });
      await createUser(ctx, {
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
        password: PASSWORD,
      });
      await createUser(ctx, {
        email: 'vic@example.com',
        name: 'Vic',
        role: 'viewer',
        password: PASSWORD,
      });
      await build();
    });
    afterEach(async () => {
      await app.close();
      await db.destroy();
    });

    const login = (email: string, password: string, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password },
        headers: { 'x-forwarded-for': '10.0.0.1', ...headers },
      });
    const signIn = async (email = 'ada@example.com') => {
      const res = await login(email, PASSWORD);
      expect(res.statusCode).toBe(200);
      return { cookie: cookieOf(res), csrf: res.json().csrfToken as string };
    };
    const whoami = (cookie: string) =>
      app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } });
    const createAccount = (
      s: { cookie: string; csrf?: string },
      headers: Record<string, string> = {},
    ) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/accounts',
        payload: { name: 'Initech' },
        headers: { cookie: s.cookie, ...(s.csrf ? { 'x-csrf-token': s.csrf } : {}), ...headers },
      });
    const accountCount = async () =>
      Number(
        (
          await db.db
            .selectFrom('accounts')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('signs in with an HttpOnly, SameSite=Lax cookie holding an opaque token stored only hashed', async () => {
      const res = await login('ADA@example.com ', PASSWORD);
      expect(res.statusCode).toBe(200);
      const raw = String(res.headers['set-cookie']);
      expect(raw).toMatch(/HttpOnly/);
      expect(raw).toMatch(/SameSite=Lax/);
      expect(raw).not.toMatch(/Secure/); // plain HTTP here
      const token = cookieOf(res).split('=')[1]!;
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
      const stored = await db.db.selectFrom('sessions').selectAll().execute();
      expect(stored).toHaveLength(1);
      expect(stored[0]!.token_hash).not.toContain(token);
      expect(JSON.stringify(stored)).not.toContain(token);
      expect((await whoami(cookieOf(res))).json()).toMatchObject({
        kind: 'user',
        user: { email: 'ada@example.com' },
      });
    });

    it('sets Secure on the cookie behind HTTPS', async () => {
      await app.close();
      await build({ publicUrl: 'https://cs.example.com' });
      const res = await login('ada@example.com', PASSWORD);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^__Host-tenure_session=/);
      expect(cookie).toMatch(/Secure/);
      expect(cookie).not.toMatch(/Domain=/);
      expect(res.headers['cache-control']).toBe('no-store');
      const token = cookie.split(';')[0]!;
      expect((await whoami(token)).json().user.email).toBe('ada@example.com');
    });

    it('gives the same 401 for an unknown email and a wrong password', async () => {
      const unknown = await login('nobody@example.com', PASSWORD);
      const wrong = await login('ada@example.com', 'not-the-password-at-all');
      expect(unknown.statusCode).toBe(401);
      expect(wrong.statusCode).toBe(401);
      expect(unknown.json().error.code).toBe('invalid_credentials');
      expect(unknown.json().error.message).toBe(wrong.json().error.message);
      expect(await db.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
    });

    it('issues a new token at sign-in and kills the one the client brought (no fixation)', async () => {
      const first = await signIn();
      const again = await login('ada@example.com', PASSWORD, { cookie: first.cookie });
      const second = cookieOf(again);
      expect(second).not.toBe(first.cookie);
      expect((await whoami(first.cookie)).statusCode).toBe(401);
      expect((await whoami(second)).statusCode).toBe(200);
    });

    it('ends a session after the idle timeout and after the absolute timeout', async () => {
      const s = await signIn();
      now = new Date(now.getTime() + 119 * 60_000);
      expect((await whoami(s.cookie)).statusCode).toBe(200);
      now = new Date(now.getTime() + 121 * 60_000);
      const idle = await whoami(s.cookie);
      expect(idle.statusCode).toBe(401);
      expect(idle.json().error.code).toBe('session_expired');

      const busy = await signIn();
      // Active every hour: the idle limit never bites, the 12-hour limit does.
      for (let h = 0; h < 11; h++) {
        now = new Date(now.getTime() + 60 * 60_000);
        expect((await whoami(busy.cookie)).statusCode).toBe(200);
      }
      now = new Date(now.getTime() + 61 * 60_000);
      expect((await whoami(busy.cookie)).json().error.code).toBe('session_expired');
    });

    it('logs out one session, and logs out everywhere', async () => {
      const a = await signIn();
      const b = await signIn();
      const c = await signIn();
      const out = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
      });
      expect(out.statusCode).toBe(204);
      expect((await whoami(a.cookie)).statusCode).toBe(401);
      expect((await whoami(b.cookie)).statusCode).toBe(200);
      const all = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout-all',
        headers: { cookie: b.cookie, 'x-csrf-token': b.csrf },
      });
      expect(all.json()).toEqual({ revokedSessions: 2 });
      expect((await whoami(b.cookie)).statusCode).toBe(401);
      expect((await whoami(c.cookie)).statusCode).toBe(401);
    });

    it('ends the other sessions when the password changes, and the old password stops working', async () => {
      const here = await signIn();
      const elsewhere = await signIn();
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        payload: { currentPassword: PASSWORD, newPassword: 'a-brand-new-passphrase' },
        headers: { cookie: here.cookie, 'x-csrf-token': here.csrf },
      });
      expect(res.json()).toEqual({ revokedSessions: 1 });
      expect((await whoami(here.cookie)).statusCode).toBe(200);
      expect((await whoami(elsewhere.cookie)).statusCode).toBe(401);
      expect((await login('ada@example.com', PASSWORD)).statusCode).toBe(401);
      expect((await login('ada@example.com', 'a-brand-new-passphrase')).statusCode).toBe(200);
      const weak = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        payload: { currentPassword: 'a-brand-new-passphrase', newPassword: 'password1234' },
        headers: { cookie: here.cookie, 'x-csrf-token': here.csrf },
      });
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error.message).toMatch(/newPassword: .*common/);
    });

    it('refuses cookie writes without the CSRF token, with a wrong one, or from another origin', async () => {
      const s = await signIn();
      const missing = await createAccount({ cookie: s.cookie });
      expect(missing.statusCode).toBe(403);
      expect(missing.json().error.code).toBe('csrf_failed');
      const wrong = await createAccount({ cookie: s.cookie, csrf: 'x'.repeat(64) });
      expect(wrong.json().error.code).toBe('csrf_failed');
      const foreign = await createAccount(s, { origin: 'https://evil.example' });
      expect(foreign.json().error.code).toBe('csrf_failed');
      const crossSite = await createAccount(s, { 'sec-fetch-site': 'cross-site' });
      expect(crossSite.json().error.code).toBe('csrf_failed');
      expect(await accountCount()).toBe(0);
      const ok = await createAccount(s, { origin: ORIGIN, host: 'localhost:80' });
      expect(ok.statusCode).toBe(201);
      // Reads need no token.
      const list = await app.inject({
        method: 'GET',
        url: '/api/v1/accounts',
        headers: { cookie: s.cookie },
      });
      expect(list.statusCode).toBe(200);
      // A sign-in form posted from another site is refused too (login CSRF).
      const forged = await login('ada@example.com', PASSWORD, { origin: 'https://evil.example' });
      expect(forged.json().error.code).toBe('csrf_failed');
    });

    it('backs off after 10 failures in 15 minutes per email, even for the right password', async () => {
      for (let i = 0; i < 10; i++) {
        expect((await login('ada@example.com', `wrong-guess-number-${i}`)).statusCode).toBe(401);
        now = new Date(now.getTime() + 1000);
      }
      const locked = await login('ada@example.com', PASSWORD);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('rate_limited');
      const retry = Number(locked.headers['retry-after']);
      expect(retry).toBeGreaterThan(800);
      expect(retry).toBeLessThanOrEqual(900);
      // An unknown email is throttled the same way, so lockouts do not reveal accounts.
      for (let i = 0; i < 10; i++)
        await login('ghost@example.com', `wrong-guess-${i}`, { 'x-forwarded-for': '10.0.0.9' });
      expect(
        (await login('ghost@example.com', 'whatever-else', { 'x-forwarded-for': '10.0.0.9' }))
          .statusCode,
      ).toBe(429);
      now = new Date(now.getTime() + (retry + 1) * 1000);
      expect(
        (await login('ada@example.com', PASSWORD, { 'x-forwarded-for': '10.0.0.2' })).statusCode,
      ).toBe(200);
    });

    it('counts wrong current passwords on the change-password form like failed sign-ins', async () => {
      const s = await signIn();
      for (let i = 0; i < 10; i++) {
        const r = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/password',
          payload: {
            currentPassword: `guess-number-${i}-xx`,
            newPassword: 'another-long-passphrase',
          },
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
        });
        expect(r.json().error.code).toBe('invalid_credentials');
      }
      const locked = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        payload: { currentPassword: PASSWORD, newPassword: 'another-long-passphrase' },
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      });
      expect(locked.statusCode).toBe(429);
    });

    it('holds the limit against a burst of parallel guesses', async () => {
      const burst = await Promise.all(
        Array.from({ length: 30 }, (_, i) => login('ada@example.com', `parallel-guess-${i}`)),
      );
      const codes = burst.map((r) => r.statusCode);
      expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(10);
      expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(20);
      expect(codes.every((c) => c === 401 || c === 429)).toBe(true);
    });

    it('backs off per IP address across different emails', async () => {
      await app.close();
      await build({ trustProxy: 1 });
      for (let i = 0; i < 10; i++) {
        await login(`user${i}@example.com`, 'wrong-password-here', {
          'x-forwarded-for': '192.0.2.7',
        });
      }
      const fromThatIp = await login('ada@example.com', PASSWORD, {
        'x-forwarded-for': '192.0.2.7',
      });
      expect(fromThatIp.statusCode).toBe(429);
      const fromElsewhere = await login('ada@example.com', PASSWORD, {
        'x-forwarded-for': '192.0.2.8',
      });
      expect(fromElsewhere.statusCode).toBe(200);
    });

    it('accepts keys by scope, refuses revoked, expired and out-of-scope ones, and records last use', async () => {
      const ctx = makeCtx(db.db, db.dialect, { now: () => now });
      const read = await createKey(ctx, { name: 'BI', scope: 'read' });
      const ingest = await createKey(ctx, { name: 'Segment', scope: 'ingest' });
      const soon = await createKey(ctx, {
        name: 'temp',
        scope: 'write',
        expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
      });
      // The same instant written with an offset expires at the same moment.
      const offset = await createKey(ctx, {
        name: 'tz',
        scope: 'read',
        expiresAt: '2026-03-02T13:00:00+03:00',
      });
      const call = (key: string, method: 'GET' | 'POST' = 'GET') =>
        app.inject({
          method,
          url: '/api/v1/accounts',
          headers: { authorization: `Bearer ${key}` },
          ...(method === 'POST' ? { payload: { name: 'Globex' } } : {}),
        });
      expect(read.secret.startsWith(read.key.prefix)).toBe(true);
      expect((await call(read.secret)).statusCode).toBe(200);
      const readWrite = await call(read.secret, 'POST');
      expect(readWrite.statusCode).toBe(403);
      expect(readWrite.json().error.code).toBe('insufficient_scope');
      const ingestRead = await call(ingest.secret);
      expect(ingestRead.json().error.code).toBe('insufficient_scope');
      expect((await call(soon.secret, 'POST')).statusCode).toBe(201);
      now = new Date(now.getTime() + 3600_000);
      expect((await call(soon.secret)).json().error.code).toBe('key_expired');
      expect((await call(offset.secret)).json().error.code).toBe('key_expired');
      const admin = await createKey(ctx, { name: 'ops', scope: 'admin' });
      const revoke = await app.inject({
        method: 'POST',
        url: `/api/v1/keys/${read.key.id}/revoke`,
        headers: { authorization: `Bearer ${admin.secret}` },
      });
      expect(revoke.statusCode).toBe(200);
      expect((await call(read.secret)).json().error.code).toBe('key_revoked');
      expect((await call(`${read.key.prefix}_forged`)).json().error.code).toBe('unauthenticated');
      // Basic credentials are the Segment form, for the event intake only.
      const basic = await app.inject({
        method: 'GET',
        url: '/api/v1/accounts',
        headers: { authorization: `Basic ${Buffer.from(`${admin.secret}:`).toString('base64')}` },
      });
      expect(basic.json().error.code).toBe('unauthenticated');
      const stored = await db.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', read.key.id)
        .executeTakeFirstOrThrow();
      expect(stored.last_used_at).not.toBeNull();
      expect(JSON.stringify(stored)).not.toContain(read.secret);
      const listed = await app.inject({
        method: 'GET',
        url: '/api/v1/keys',
        headers: { authorization: `Bearer ${admin.secret}` },
      });
      expect(listed.body).not.toContain(read.secret.slice(read.key.prefix.length));
      // A new key's secret is never kept for an Idempotency-Key replay.
      const twice = await Promise.all(
        [1, 2].map(() =>
          app.inject({
            method: 'POST',
            url: '/api/v1/keys',
            payload: { name: 'retry', scope: 'read' },
            headers: { authorization: `Bearer ${admin.secret}`, 'idempotency-key': 'same' },
          }),
        ),
      );
      const [a, b] = twice.map((r) => r.json().secret as string);
      expect(a).not.toBe(b);
      const kept = JSON.stringify(await db.db.selectFrom('idempotency_keys').selectAll().execute());
      expect(kept).not.toContain(a);
      expect(kept).not.toContain(b);
      expect(await accountCount()).toBe(1);
    });

    it('sends security headers, no CORS unless configured, and never a stack trace', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/health' });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const pre = await app.inject({
        method: 'OPTIONS',
        url: '/api/v1/accounts',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      });
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      await app.close();
      await build({ corsOrigins: ['https://app.example'] });
      const allowed = await app.inject({
        method: 'GET',
        url: '/api/health',
        headers: { origin: 'https://app.example' },
      });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
      const bad = await login('ada@example.com', PASSWORD, { 'content-type': 'application/json' });
      expect(bad.body).not.toMatch(/at .*\.ts:\d+/);
    });

    it('lets an admin reset a password or archive a user, which ends their sessions, and keeps one admin', async () => {
      const admin = await signIn('ada@example.com');
      const vic = await signIn('vic@example.com');
      const vicId = (await whoami(vic.cookie)).json().user.id as string;
      const asAdmin = (method: 'POST' | 'PATCH', url: string, payload: object) =>
        app.inject({
          method,
          url,
          payload,
          headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
        });
      const reset = await asAdmin('POST', `/api/v1/users/${vicId}/password`, {
        password: 'fresh-start-passphrase',
      });
      expect(reset.statusCode).toBe(200);
      expect((await whoami(vic.cookie)).statusCode).toBe(401);
      const vic2 = await login('vic@example.com', 'fresh-start-passphrase');
      expect(vic2.statusCode).toBe(200);
      const archived = await asAdmin('PATCH', `/api/v1/users/${vicId}`, { archived: true });
      expect(archived.json().archivedAt).not.toBeNull();
      expect((await whoami(cookieOf(vic2))).statusCode).toBe(401);
      expect((await login('vic@example.com', 'fresh-start-passphrase')).statusCode).toBe(401);
      const adaId = (await whoami(admin.cookie)).json().user.id as string;
      const demote = await asAdmin('PATCH', `/api/v1/users/${adaId}`, { role: 'viewer' });
      expect(demote.statusCode).toBe(409);
      expect(demote.json().error.message).toMatch(/last admin/);
    });

    it('creates the first admin once through setup, then setup answers 404', async () => {
      const fresh = await freshTestDb(dialect);
      const first = await buildServer({ handle: fresh, config: loadConfig({}) });
      try {
        expect((await first.inject({ method: 'GET', url: '/api/v1/auth/setup' })).json()).toEqual({
          needed: true,
        });
        const made = await first.inject({
          method: 'POST',
          url: '/api/v1/auth/setup',
          payload: { email: 'root@example.com', name: 'Root', password: PASSWORD },
        });
        expect(made.statusCode).toBe(201);
        expect(made.json().user.role).toBe('admin');
        const again = await first.inject({
          method: 'POST',
          url: '/api/v1/auth/setup',
          payload: { email: 'eve@example.com', name: 'Eve', password: PASSWORD },
        });
        expect(again.statusCode).toBe(404);
        // The web app's /setup page asks this and sends the user to sign in instead.
        expect((await first.inject({ method: 'GET', url: '/api/v1/auth/setup' })).json()).toEqual({
          needed: false,
        });
        const users = await fresh.db.selectFrom('users').select('email').execute();
        expect(users.map((u) => u.email)).toEqual(['root@example.com']);
      } finally {
        await first.close();
        await fresh.destroy();
      }
    });
  });
}
