import { randomBytes } from 'node:crypto';
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
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { DbHandle } from '../db/database.js';
import { accountRoutes } from '../accounts/account/routes.js';
import { contactRoutes } from '../accounts/contact/routes.js';
import { subscriptionRoutes } from '../accounts/subscription/routes.js';
import { timelineRoutes } from '../accounts/timeline/routes.js';
import { userRoutes } from '../identity/routes.js';
import { authRoutes } from '../identity/auth-routes.js';
import { oidcRoutes } from '../identity/oidc-routes.js';
import type { SessionPolicy } from '../identity/sessions.js';
import type { ThrottlePolicy } from '../identity/login.js';
import { auditRoutes } from '../audit/routes.js';
import { supportRoutes } from '../support/routes.js';
import { healthRoutes } from '../health/routes.js';
import { healthAlertRoutes } from '../health/alerts/routes.js';
import { healthReviewRoutes } from '../health/reviews/routes.js';
import { usageReadRoutes } from '../usage/read-routes.js';
import { ingestRoutes } from '../usage/routes.js';
import { intakeAdminRoutes } from '../usage/admin-routes.js';
import { installAuth, trackRoutes } from './auth.js';
import { dummyHash } from '../identity/password.js';
import { settingsRoutes } from '../settings/routes.js';
import { installErrorHandler, installJsonParser } from './errors.js';
import { installIdempotency } from './idempotency.js';
import { installWeb } from './web.js';
import { portfolioRoutes } from '../portfolio/routes.js';
import { jobRoutes } from '../jobs/routes.js';
import { taskRoutes } from '../tasks/routes.js';
import { playbookRoutes } from '../playbooks/routes.js';
import { outboundRoutes } from '../outbound/routes.js';
import { ruleRoutes } from '../rules/routes.js';
import { teamRoutes } from '../team/routes.js';
import { renewalRoutes } from '../renewals/routes.js';
import compress from '@fastify/compress';
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
  const config = opts.config;
  const sessions: SessionPolicy = {
    idleMs: config.sessionIdleMinutes * 60_000,
    absoluteMs: config.sessionMaxHours * 3_600_000,
  };
  const throttle: ThrottlePolicy = {
    maxFailures: config.loginMaxFailures,
    windowMs: config.loginWindowMinutes * 60_000,
  };
  const app = Fastify({
    // Credentials never reach the log: not the Authorization header, not the cookie.
    logger: opts.logger
      ? { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] }
      : false,
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (() => {
            const hops = config.trustProxy;
            // Trust only the nearest `hops` proxies; addresses further out are the client's word.
            return (_address: string, hop: number) => hop < hops;
          })()
        : config.trustProxy,
    bodyLimit: opts.config.bodyLimitBytes,
    genReqId: () => `req_${randomBytes(8).toString('hex')}`,
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<ZodTypeProvider>();
  trackRoutes(app);
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
        { name: 'auth' },
        { name: 'users' },
        { name: 'api keys' },
        { name: 'audit' },
        { name: 'ingest' },
        { name: 'usage' },
        { name: 'support' },
        { name: 'settings' },
        { name: 'portfolio' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'", ...app.swaggerCSP.script],
        styleSrc: ["'self'", "'unsafe-inline'", ...app.swaggerCSP.style],
        // Plain-HTTP installs (localhost) must not have their requests rewritten to HTTPS.
        upgradeInsecureRequests: config.publicUrl?.startsWith('https:') ? [] : null,
      },
    },
    hsts: config.publicUrl?.startsWith('https:') ? undefined : false,
  });
  // Browsers on other origins get no CORS headers unless TENURE_CORS_ORIGINS names them.
  if (config.corsOrigins.length > 0) {
    await app.register(cors, { origin: config.corsOrigins, credentials: true });
  }
  await app.register(cookie);
  // JSON and the web app's files travel gzip or brotli to browsers that ask. Request bodies
  // are the routes' business: the event intake reads gzip itself, with its own limits.
  // An answer already in memory (JSON) up to 1 MiB is compressed in one call, not through a
  // stream: the stream's hand-offs to zlib's threads cost more than the compression on a
  // small machine (a 500-row renewals page, ~190 kB: 5 ms more than uncompressed by stream,
  // 1–2 ms in one call; brotli 4 takes 0.8 ms of it, gzip 1 0.6). Files stream as before.
  // gzip at level 1 (nginx's default) for API clients: half level 6's time for a quarter
  // more bytes (browsers take brotli).
  await app.register(compress, {
    threshold: 1024,
    globalDecompression: false,
    syncThreshold: 1024 * 1024,
    zlibOptions: { level: 1 },
  });

  const now = opts.now ?? (() => new Date());
  app.decorateRequest('ctx');
  installAuth(app, { handle: opts.handle, config, now, sessions });
  installIdempotency(app, opts.handle.db);
  // Every answer names its request, so a user can quote it and an audit entry can be found.
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    // Customer data, tokens and new keys never sit in a browser or proxy cache.
    if (req.url.startsWith('/api/v1/')) reply.header('cache-control', 'no-store');
  });
  // Hash the unknown-user placeholder now, so the first failed sign-in is not the slow one.
  await dummyHash();

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/api/health', { schema: { hide: true } }, async () => ({ ok: true, version: VERSION }));
  await app.register(accountRoutes);
  await app.register(jobRoutes);
  await app.register(taskRoutes);
  await app.register(playbookRoutes);
  await app.register(outboundRoutes);
  await app.register(ruleRoutes);
  await app.register(teamRoutes);
  await app.register(renewalRoutes);
  await app.register(contactRoutes);
  await app.register(subscriptionRoutes);
  await app.register(timelineRoutes);
  await app.register(authRoutes({ config, sessions, throttle }));
  await app.register(oidcRoutes({ config, sessions }));
  await app.register(userRoutes);
  await app.register(auditRoutes);
  await app.register(settingsRoutes);
  await app.register(importRoutes, { uploadLimitBytes: opts.config.importUploadLimitBytes });
  await app.register(exportRoutes);
  await app.register(supportRoutes);
  await app.register(healthRoutes);
  await app.register(healthAlertRoutes);
  await app.register(healthReviewRoutes);
  await app.register(usageReadRoutes);
  await app.register(ingestRoutes, { handle: opts.handle, now });
  await app.register(intakeAdminRoutes);
  await app.register(portfolioRoutes);
  await installWeb(app);
  return app;
}
