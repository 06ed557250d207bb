import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../core/config.js';
import { makeCtx, OPERATOR } from '../core/context.js';
import type { DbHandle } from '../db/database.js';
import { accountRoutes } from '../accounts/account/routes.js';
import { contactRoutes } from '../accounts/contact/routes.js';
import { subscriptionRoutes } from '../accounts/subscription/routes.js';
import { timelineRoutes } from '../accounts/timeline/routes.js';
import { userRoutes } from '../identity/routes.js';
import { settingsRoutes } from '../settings/routes.js';
import { installErrorHandler, installJsonParser } from './errors.js';
import { installIdempotency } from './idempotency.js';
import { installHome } from './home.js';
import { importRoutes } from '../accounts/importer/routes.js';
import { exportRoutes } from '../accounts/export/routes.js';

export interface ServerOptions {
  handle: DbHandle;
  config: Config;
  logger?: boolean;
  now?: () => Date;
}

const VERSION = '0.1.0';

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ? { level: 'info' } : false,
    bodyLimit: opts.config.bodyLimitBytes,
    genReqId: () => `req_${Math.random().toString(36).slice(2, 12)}`,
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installJsonParser(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tenure API',
        version: VERSION,
        description:
          'Customer success platform API. Money is integer minor units plus an ISO currency; dates are YYYY-MM-DD; ' +
          'lists use cursor pagination (pass nextCursor back as cursor). POST accepts an Idempotency-Key header.',
      },
      tags: [
        { name: 'accounts' },
        { name: 'contacts' },
        { name: 'subscriptions' },
        { name: 'revenue' },
        { name: 'timeline' },
        { name: 'imports' },
        { name: 'users' },
        { name: 'settings' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  const now = opts.now ?? (() => new Date());
  app.decorateRequest('ctx');
  app.addHook('onRequest', async (req) => {
    // Identity (J3) replaces the operator with the signed-in user or API key.
    req.ctx = makeCtx(opts.handle.db, opts.handle.dialect, OPERATOR, now);
  });
  installIdempotency(app, opts.handle.db);

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  installHome(app);
  app.get('/api/health', { schema: { hide: true } }, async () => ({ ok: true, version: VERSION }));
  await app.register(accountRoutes);
  await app.register(contactRoutes);
  await app.register(subscriptionRoutes);
  await app.register(timelineRoutes);
  await app.register(userRoutes);
  await app.register(settingsRoutes);
  await app.register(importRoutes, { uploadLimitBytes: opts.config.importUploadLimitBytes });
  await app.register(exportRoutes);
  return app;
}
