import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import type { Action, Resource } from '../core/access.js';
import type { Config } from '../core/config.js';
import { makeCtx } from '../core/context.js';
import { AppError } from '../core/errors.js';
import type { DbHandle } from '../db/database.js';
import { authenticateKey } from '../identity/keys.js';
import type { Role } from '../identity/model.js';
import type { Subject } from '../identity/permissions.js';
import { accessOf, actorOf, type Principal } from '../identity/principal.js';
import { csrfTokenFor, resolveSession, type SessionPolicy } from '../identity/sessions.js';
import { teamOf } from '../identity/store.js';
import { sameSecret } from '../identity/tokens.js';

/**
 * What a route demands of its caller. Every route declares one (route config `access`),
 * or is on PUBLIC_ROUTES; the route-table test fails on any route that does neither.
 */
export type RouteAccess =
  /** Any signed-in user or any key but an ingest key (e.g. "who am I"). */
  | 'authenticated'
  /** A user signed in with a session cookie (profile, password, sessions). */
  | 'session'
  /** An ingest-scoped key sent as HTTP Basic (the Segment-compatible intake). */
  | 'ingest'
  /**
   * The web app's HTML shell and its static files: anyone may load them, since the sign-in
   * page is one of them; everything they show comes from guarded API routes.
   */
  | 'page'
  | { action: Action; resource: Resource };

export interface RouteEntry {
  method: string;
  url: string;
  access: RouteAccess | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, with its declared access: what the route-table test walks. */
    routeTable: RouteEntry[];
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal;
    /** The cookie token of the session behind this request, when there is one. */
    sessionToken: string | null;
  }
}

/** Route config for a permission: `{ config: guard('read', 'account') }`. */
/** The signed-in user as the permission check sees them (role, team); null for an API key. */
export function subjectOf(req: FastifyRequest): Subject | null {
  const p = req.principal;
  return p.kind === 'user' ? { role: p.user.role as Role, userId: p.user.id, team: p.team } : null;
}

export function guard(action: Action, resource: Resource): { access: RouteAccess } {
  return { access: { action, resource } };
}

export const SESSION_COOKIE = 'tenure_session';
/** Over HTTPS the cookie is `__Host-` prefixed: Secure, path /, no Domain, so no subdomain can set it. */
export const SECURE_SESSION_COOKIE = '__Host-tenure_session';

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}
export const CSRF_HEADER = 'x-csrf-token';

/** Routes anyone may call. Anything else needs a guard. `*` ends a prefix. */
export const PUBLIC_ROUTES: readonly string[] = [
  'GET /api/health',
  'GET /api/openapi.json',
  'GET /api/docs',
  'GET /api/docs/*',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/setup',
  'GET /api/v1/auth/setup',
  'GET /api/v1/auth/oidc/login',
  'GET /api/v1/auth/oidc/callback',
];

export function isPublic(method: string, url: string): boolean {
  // Fastify answers HEAD with the GET route: the same rule applies.
  const asked = method === 'HEAD' ? 'GET' : method;
  return PUBLIC_ROUTES.some((entry) => {
    const [m, path] = entry.split(' ') as [string, string];
    if (m !== asked) return false;
    return path.endsWith('*') ? url.startsWith(path.slice(0, -1)) : url === path;
  });
}

/** Record every route as it is registered; call before any route or plugin. */
export function trackRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const config = route.config as { access?: RouteAccess } | undefined;
    for (const method of methods) table.push({ method, url: route.url, access: config?.access });
  });
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuthOptions {
  handle: DbHandle;
  config: Config;
  now: () => Date;
  sessions: SessionPolicy;
}

function bearerOrBasic(req: FastifyRequest, ingest: boolean): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const [scheme, value] = header.split(' ', 2);
  if (!scheme || !value) throw new AppError('unauthenticated', 'malformed Authorization header');
  if (scheme.toLowerCase() === 'bearer') return value.trim();
  if (scheme.toLowerCase() === 'basic') {
    // Basic is the Segment form of a write key, for the event intake only.
    if (!ingest) throw new AppError('unauthenticated', 'send API keys as Authorization: Bearer');
    // Segment sends the write key as the user name with an empty password.
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.split(':')[0] ?? '';
    if (!user) throw new AppError('unauthenticated', 'empty user name in Basic credentials');
    return user;
  }
  throw new AppError('unauthenticated', `unsupported Authorization scheme ${scheme}`);
}

/** The origins a browser may send state-changing requests from. */
function allowedOrigins(req: FastifyRequest, config: Config): Set<string> {
  const own = config.publicUrl
    ? new URL(config.publicUrl).origin
    : `${req.protocol}://${req.headers.host ?? ''}`;
  return new Set([own, ...config.corsOrigins]);
}

/**
 * Cookie requests that change state must come from our own origin (Origin header, or
 * Sec-Fetch-Site when a browser sends no Origin) and carry the session's CSRF token.
 */
export function checkOrigin(req: FastifyRequest, config: Config): void {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (!allowedOrigins(req, config).has(origin))
      throw new AppError('csrf_failed', `cross-origin request from ${origin} refused`);
    return;
  }
  if (req.headers['sec-fetch-site'] === 'cross-site')
    throw new AppError('csrf_failed', 'cross-site request refused');
}

function checkCsrf(req: FastifyRequest, token: string, config: Config): void {
  checkOrigin(req, config);
  const sent = req.headers[CSRF_HEADER];
  const value = Array.isArray(sent) ? sent[0] : sent;
  if (!value || !sameSecret(value, csrfTokenFor(token)))
    throw new AppError('csrf_failed', `missing or wrong ${CSRF_HEADER} header`);
}

async function principalOf(req: FastifyRequest, opts: AuthOptions): Promise<Principal> {
  const { db } = opts.handle;
  const secret = bearerOrBasic(req, req.routeOptions.config?.access === 'ingest');
  if (secret !== null) {
    const key = await authenticateKey(db, secret, opts.now(), req.ip);
    return { kind: 'api_key', key };
  }
  const token = req.cookies[SECURE_SESSION_COOKIE] ?? req.cookies[SESSION_COOKIE];
  if (!token) return { kind: 'anonymous' };
  const { session, user } = await resolveSession(db, token, opts.now(), opts.sessions);
  req.sessionToken = token;
  const team = user.role === 'manager' ? await teamOf(db, user.id) : [];
  return { kind: 'user', user, team, session };
}

function requireAccess(req: FastifyRequest, access: RouteAccess | undefined): void {
  const p = req.principal;
  if (p.kind === 'anonymous') throw new AppError('unauthenticated', 'sign in or send an API key');
  const ingestKey = p.kind === 'api_key' && p.key.scope === 'ingest';
  if (access === 'ingest') {
    if (!ingestKey) throw new AppError('insufficient_scope', 'this endpoint takes an ingest key');
    return;
  }
  if (ingestKey)
    throw new AppError('insufficient_scope', 'an ingest key can only send events to /v1');
  if (access === 'authenticated' || access === 'page') return;
  if (access === 'session') {
    if (p.kind !== 'user' || !p.session)
      throw new AppError('forbidden', 'this endpoint is for a signed-in user');
    return;
  }
  if (access === undefined) {
    // Fail closed: a route nobody guarded is nobody's.
    throw new AppError('forbidden', 'this route has no permission set');
  }
  if (!req.ctx.may(access.action, access.resource)) {
    throw new AppError(
      p.kind === 'api_key' ? 'insufficient_scope' : 'forbidden',
      p.kind === 'api_key'
        ? `a ${p.key.scope} key cannot ${access.action} ${access.resource.replace('_', ' ')}`
        : `not allowed to ${access.action} ${access.resource.replace('_', ' ')}`,
    );
  }
}

/**
 * Authenticate every request (API key, or session cookie plus CSRF on writes), build the
 * use-case context for it, and enforce the route's declared access.
 */
export function installAuth(app: FastifyInstance, opts: AuthOptions): void {
  app.decorateRequest('principal');
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', async (req) => {
    const url = req.routeOptions.url ?? req.url.split('?')[0]!;
    const open = isPublic(req.method, url) || req.routeOptions.config?.access === 'page';
    let principal: Principal = { kind: 'anonymous' };
    try {
      principal = await principalOf(req, opts);
    } catch (err) {
      // A stale cookie must not stop anyone from reaching the sign-in page.
      if (!open) throw err;
    }
    req.principal = principal;
    req.ctx = makeCtx(opts.handle.db, opts.handle.dialect, {
      actor: actorOf(principal),
      access: accessOf(principal),
      now: opts.now,
      request: { id: req.id, ip: req.ip },
    });
    if (UNSAFE.has(req.method)) {
      // Public writes (sign-in, setup) have no session token yet: the origin check guards them.
      if (open) checkOrigin(req, opts.config);
      else if (req.sessionToken && principal.kind === 'user')
        checkCsrf(req, req.sessionToken, opts.config);
    }
    if (req.routeOptions.url === undefined) {
      // No such route: say so only to a caller who is signed in, so routes cannot be probed.
      if (principal.kind === 'anonymous')
        throw new AppError('unauthenticated', 'sign in or send an API key');
      return;
    }
    if (!open) requireAccess(req, req.routeOptions.config.access);
  });
}
