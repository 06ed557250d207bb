import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../core/config.js';
import { AppError } from '../core/errors.js';
import { ErrorOut, IdParams } from '../core/schemas.js';
import { ctxOf } from '../server/context.js';
import { sessionCookieName } from '../server/auth.js';
import {
  changeOwnPassword,
  login,
  logout,
  logoutEverywhere,
  type ThrottlePolicy,
} from './login.js';
import { csrfTokenFor, liveSessions, toSession, type SessionPolicy } from './sessions.js';
import { toApiKey } from './keys.js';
import { toUser } from './model.js';
import { firstAdmin, setupNeeded } from './setup.js';
import {
  LoginBody,
  PasswordChangeBody,
  SessionOut,
  SetupBody,
  SignedInOut,
  WhoAmIOut,
} from './schemas.js';
import { inTx } from '../db/database.js';
import { endSession } from './sessions.js';

export interface AuthRouteOptions {
  config: Config;
  sessions: SessionPolicy;
  throttle: ThrottlePolicy;
}

function secure(req: FastifyRequest, config: Config): boolean {
  return req.protocol === 'https' || (config.publicUrl?.startsWith('https:') ?? false);
}

export function setSessionCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  token: string,
  opts: AuthRouteOptions,
): void {
  reply.setCookie(sessionCookieName(secure(req, opts.config)), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(req, opts.config),
    path: '/',
    maxAge: Math.floor(opts.sessions.absoluteMs / 1000),
  });
}

function clearSessionCookie(req: FastifyRequest, reply: FastifyReply, opts: AuthRouteOptions) {
  reply.clearCookie(sessionCookieName(secure(req, opts.config)), {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(req, opts.config),
    path: '/',
  });
}

function signedInUser(req: FastifyRequest) {
  const p = req.principal;
  if (p.kind !== 'user' || !p.session) throw new AppError('unauthenticated', 'not signed in');
  return { user: p.user, session: p.session };
}

export function authRoutes(opts: AuthRouteOptions): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['auth'];
    app.post(
      '/api/v1/auth/login',
      {
        schema: {
          tags,
          summary: 'Sign in with email and password',
          description:
            'Sets an HttpOnly session cookie and returns the CSRF token to send as X-CSRF-Token on writes. ' +
            'After 10 failures in 15 minutes for an email or an IP address, answers 429 with Retry-After.',
          body: LoginBody,
          response: { 200: SignedInOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut },
        },
      },
      async (req, reply) => {
        const current = req.principal.kind === 'user' ? req.principal.session : null;
        const result = await login(
          ctxOf(req),
          req.body,
          { userAgent: req.headers['user-agent'] ?? null, current },
          opts.sessions,
          opts.throttle,
        );
        setSessionCookie(req, reply, result.token, opts);
        return {
          user: result.user,
          csrfToken: result.csrfToken,
          expiresAt: result.session.expires_at,
        };
      },
    );
    app.post(
      '/api/v1/auth/logout',
      {
        config: { access: 'session' },
        schema: { tags, summary: 'Sign out of this session', response: { 204: z.null() } },
      },
      async (req, reply) => {
        await logout(ctxOf(req), signedInUser(req).session);
        clearSessionCookie(req, reply, opts);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/api/v1/auth/logout-all',
      {
        config: { access: 'session' },
        schema: {
          tags,
          summary: 'Log out everywhere: end every session of the signed-in user',
          response: { 200: z.object({ revokedSessions: z.number().int() }) },
        },
      },
      async (req, reply) => {
        const n = await logoutEverywhere(ctxOf(req), signedInUser(req).user.id);
        clearSessionCookie(req, reply, opts);
        return { revokedSessions: n };
      },
    );
    app.get(
      '/api/v1/auth/session',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'Who is calling: the signed-in user or the API key',
          response: { 200: WhoAmIOut },
        },
      },
      async (req) => {
        const p = req.principal;
        return {
          kind:
            p.kind === 'api_key'
              ? ('api_key' as const)
              : p.kind === 'user'
                ? ('user' as const)
                : ('operator' as const),
          user: p.kind === 'user' ? toUser(p.user) : null,
          key: p.kind === 'api_key' ? toApiKey(p.key) : null,
          csrfToken: req.sessionToken ? csrfTokenFor(req.sessionToken) : null,
          sessionExpiresAt: p.kind === 'user' ? (p.session?.expires_at ?? null) : null,
        };
      },
    );
    app.get(
      '/api/v1/auth/sessions',
      {
        config: { access: 'session' },
        schema: {
          tags,
          summary: "The signed-in user's live sessions",
          response: { 200: z.object({ items: z.array(SessionOut) }) },
        },
      },
      async (req) => {
        const { user, session } = signedInUser(req);
        const rows = await liveSessions(req.ctx.db, user.id, req.ctx.now(), opts.sessions);
        return { items: rows.map((r) => toSession(r, session.id)) };
      },
    );
    app.delete(
      '/api/v1/auth/sessions/:id',
      {
        config: { access: 'session' },
        schema: {
          tags,
          summary: 'End one of your sessions',
          params: IdParams,
          response: { 204: z.null(), 404: ErrorOut },
        },
      },
      async (req, reply) => {
        const { user } = signedInUser(req);
        const ctx = ctxOf(req);
        await inTx(ctx.db, async (trx) => {
          const row = await trx
            .selectFrom('sessions')
            .selectAll()
            .where('id', '=', req.params.id)
            .where('user_id', '=', user.id)
            .executeTakeFirst();
          if (!row) throw new AppError('not_found', `session ${req.params.id} not found`);
          await endSession(ctx, trx, row, 'ended by user');
        });
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/api/v1/auth/password',
      {
        config: { access: 'session' },
        schema: {
          tags,
          summary: 'Change your password; your other sessions end',
          body: PasswordChangeBody,
          response: {
            200: z.object({ revokedSessions: z.number().int() }),
            400: ErrorOut,
            401: ErrorOut,
          },
        },
      },
      async (req) => {
        const { user, session } = signedInUser(req);
        return {
          revokedSessions: await changeOwnPassword(
            ctxOf(req),
            user,
            session,
            req.body,
            opts.throttle,
          ),
        };
      },
    );
    app.get(
      '/api/v1/auth/setup',
      {
        schema: {
          tags,
          summary: 'Whether the installation still needs its first admin',
          response: { 200: z.object({ needed: z.boolean() }) },
        },
      },
      async (req) => ({ needed: await setupNeeded(req.ctx.db) }),
    );
    app.post(
      '/api/v1/auth/setup',
      {
        schema: {
          tags,
          summary: 'First run: create the first admin and sign in',
          description: 'Answers 404 once an admin exists.',
          body: SetupBody,
          response: { 201: SignedInOut, 400: ErrorOut, 404: ErrorOut },
        },
      },
      async (req, reply) => {
        const result = await firstAdmin(
          ctxOf(req),
          req.body,
          req.headers['user-agent'] ?? null,
          opts.sessions,
        );
        setSessionCookie(req, reply, result.token, opts);
        return reply.status(201).send({
          user: result.user,
          csrfToken: result.csrfToken,
          expiresAt: result.session.expires_at,
        });
      },
    );
  };
}
