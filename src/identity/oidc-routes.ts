import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../core/config.js';
import type { SessionPolicy } from './sessions.js';

export interface OidcRouteOptions {
  config: Config;
  sessions: SessionPolicy;
}

/** Single sign-on with OpenID Connect (placeholder until the flow lands). */
export function oidcRoutes(_opts: OidcRouteOptions): FastifyPluginAsyncZod {
  return async () => undefined;
}
