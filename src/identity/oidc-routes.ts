import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config, OidcConfig } from '../core/config.js';
import { AppError } from '../core/errors.js';
import { ErrorOut } from '../core/schemas.js';
import { ctxOf } from '../server/context.js';
import { setSessionCookie } from './auth-routes.js';
import { DEFAULT_THROTTLE } from './login.js';
import {
  beginOidcLogin,
  CALLBACK_PATH,
  checkOidcConfig,
  finishOidcLogin,
  FLOW_TTL_MS,
  safeReturnTo,
} from './oidc.js';
import type { SessionPolicy } from './sessions.js';

export interface OidcRouteOptions {
  config: Config;
  sessions: SessionPolicy;
}

const LoginQuery = z.object({
  returnTo: z
    .string()
    .max(2000)
    .refine((v) => safeReturnTo(v) !== null, 'must be a path on this site, like /accounts')
    .optional()
    .describe('Where to go after signing in: a path on this site (default /).'),
});

const CallbackQuery = z.object({
  state: z.string().min(1).max(500),
  code: z.string().max(4000).optional(),
  iss: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});

const Redirect = z.null().describe('Redirect: the Location header says where to.');

/** The callback URL registered at the provider: TENURE_PUBLIC_URL, else this request's origin. */
export function callbackUrl(req: FastifyRequest, config: Config): string {
  const origin = config.publicUrl
    ? config.publicUrl.replace(/\/+$/, '')
    : `${req.protocol}://${req.host}`;
  return `${origin}${CALLBACK_PATH}`;
}

/**
 * Binds a sign-in to the browser that started it. Only sent to the callback; SameSite=Lax
 * cookies do come along on the provider's top-level redirect back.
 */
export const STATE_COOKIE = 'tenure_oidc_state';

function stateCookie(req: FastifyRequest, config: Config, maxAgeMs?: number) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: req.protocol === 'https' || (config.publicUrl?.startsWith('https:') ?? false),
    path: CALLBACK_PATH,
    ...(maxAgeMs ? { maxAge: Math.floor(maxAgeMs / 1000) } : {}),
  };
}

function configured(config: Config): OidcConfig {
  if (!config.oidc) throw new AppError('not_found', 'single sign-on is not configured');
  return config.oidc;
}

/** Single sign-on with OpenID Connect: authorization code flow with PKCE, state and nonce. */
export function oidcRoutes(opts: OidcRouteOptions): FastifyPluginAsyncZod {
  return async (app) => {
    if (opts.config.oidc) checkOidcConfig(opts.config.oidc);
    const tags = ['auth'];
    app.get(
      '/api/v1/auth/oidc/login',
      {
        schema: {
          tags,
          summary: 'Sign in with single sign-on (OpenID Connect)',
          description:
            'Redirects the browser to the identity provider; it comes back to ' +
            `${CALLBACK_PATH}. Answers 404 when single sign-on is not configured.`,
          querystring: LoginQuery,
          response: { 302: Redirect, 400: ErrorOut, 404: ErrorOut },
        },
      },
      async (req, reply) => {
        const oidc = configured(opts.config);
        const returnTo = req.query.returnTo ? safeReturnTo(req.query.returnTo)! : '/';
        const { url, state } = await beginOidcLogin(ctxOf(req), oidc, {
          redirectUri: callbackUrl(req, opts.config),
          returnTo,
        });
        reply.setCookie(STATE_COOKIE, state, stateCookie(req, opts.config, FLOW_TTL_MS));
        return reply.redirect(url.href, 302);
      },
    );
    app.get(
      CALLBACK_PATH,
      {
        schema: {
          tags,
          summary: 'Where the identity provider sends the browser back after sign-in',
          description:
            'Redeems the code, finds or links (by verified email) or creates (just-in-time, when ' +
            'enabled) the user, sets the session cookie and redirects to the returnTo path.',
          querystring: CallbackQuery,
          response: { 302: Redirect, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut },
        },
      },
      async (req, reply) => {
        const oidc = configured(opts.config);
        const url = new URL(callbackUrl(req, opts.config));
        url.search = new URL(req.url, 'http://callback.invalid').search;
        const result = await finishOidcLogin(
          ctxOf(req),
          oidc,
          {
            callbackUrl: url,
            state: req.query.state,
            browserState: req.cookies[STATE_COOKIE] ?? null,
            userAgent: req.headers['user-agent'] ?? null,
            current: req.principal.kind === 'user' ? req.principal.session : null,
          },
          opts.sessions,
        );
        setSessionCookie(req, reply, result.token, {
          config: opts.config,
          sessions: opts.sessions,
          throttle: DEFAULT_THROTTLE,
        });
        reply.clearCookie(STATE_COOKIE, stateCookie(req, opts.config));
        return reply.redirect(result.returnTo, 302);
      },
    );
  };
}
