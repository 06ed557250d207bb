import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../core/config.js';

/** Feature plugins that take configuration (imports, exports). */
export function extraRoutes(_config: Config): FastifyPluginAsync {
  return async () => undefined;
}
