import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../core/schemas.js';
import { guard } from '../server/auth.js';
import { ctxOf } from '../server/context.js';
import { CHANNELS } from './model.js';
import {
  createEndpoint,
  listEndpoints,
  listOutbox,
  previewTemplate,
  removeEndpoint,
  retryMessage,
} from './service.js';

const tags = ['outbound'];

const MessageOut = z
  .object({
    id: z.string(),
    channel: z.enum(CHANNELS),
    status: z.enum(['pending', 'sending', 'sent', 'failed']),
    recipient: z.string().describe('an email address, or the endpoint name'),
    subject: z.string().nullable(),
    body: z.string(),
    accountId: z.string().nullable(),
    source: z.string(),
    sourceRef: z.string().nullable(),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    nextAttemptAt: z.string(),
    lastError: z.string().nullable(),
    response: z.string().nullable().describe("the provider's last answer"),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'OutboxMessage' });

const EndpointOut = z
  .object({
    id: z.string(),
    kind: z.enum(['slack', 'webhook']),
    name: z.string(),
    url: z.string(),
    hasSecret: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'OutboundEndpoint' });

export const outboundRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/outbox',
    {
      config: guard('read', 'outbound'),
      schema: {
        tags,
        summary: 'Outbound messages, newest first: the delivery log',
        querystring: z
          .object({
            status: z.enum(['pending', 'sending', 'sent', 'failed']).optional(),
            channel: z.enum(CHANNELS).optional(),
            accountId: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(MessageOut) }), 400: ErrorOut },
      },
    },
    async (req) => ({ items: await listOutbox(ctxOf(req), req.query) }),
  );
  app.post(
    '/api/v1/outbox/:id/retry',
    {
      config: guard('write', 'outbound'),
      schema: {
        tags,
        summary: 'Queue a failed message again (409 unless it failed)',
        params: IdParams,
        response: { 200: MessageOut, 404: ErrorOut, 409: ErrorOut },
      },
    },
    async (req) => retryMessage(ctxOf(req), req.params.id),
  );
  app.post(
    '/api/v1/outbound/preview',
    {
      // Reads only: nothing is queued or sent.
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'Fill in an email or Slack template for one account, without sending it',
        description:
          'Variables: {{account.name|segment|stage}}, {{owner.name|email}}, {{manager.name|email}}, {{contact.name|first_name|email}}. ' +
          'missing lists variables with no value for this account; unknown lists names templates cannot use.',
        body: z
          .object({
            accountId: z.string().min(1).max(64),
            subject: z.string().max(200).optional(),
            body: z.string().min(1).max(20_000),
          })
          .strict(),
        response: {
          200: z.object({
            subject: z.string().nullable(),
            body: z.string(),
            missing: z.array(z.string()),
            unknown: z.array(z.string()),
          }),
          400: ErrorOut,
        },
      },
    },
    async (req) => previewTemplate(ctxOf(req), req.body),
  );
  app.get(
    '/api/v1/outbound/endpoints',
    {
      config: guard('read', 'outbound'),
      schema: {
        tags,
        summary: 'Slack and webhook endpoints',
        response: { 200: z.object({ items: z.array(EndpointOut) }) },
      },
    },
    async (req) => ({ items: await listEndpoints(ctxOf(req)) }),
  );
  app.post(
    '/api/v1/outbound/endpoints',
    {
      config: guard('write', 'outbound'),
      schema: {
        tags,
        summary: 'Add a Slack incoming webhook or a signed webhook endpoint',
        description: "A webhook's signing secret is in this answer only (docs/outbound.md).",
        body: z
          .object({
            kind: z.enum(['slack', 'webhook']),
            name: z.string().trim().min(1).max(100),
            url: z.string().min(1).max(2000),
          })
          .strict(),
        response: { 201: EndpointOut.extend({ secret: z.string().nullable() }), 400: ErrorOut },
      },
    },
    async (req, reply) => reply.status(201).send(await createEndpoint(ctxOf(req), req.body)),
  );
  app.delete(
    '/api/v1/outbound/endpoints/:id',
    {
      config: guard('write', 'outbound'),
      schema: {
        tags,
        summary: 'Stop sending to an endpoint',
        params: IdParams,
        response: { 204: z.null(), 404: ErrorOut },
      },
    },
    async (req, reply) => {
      await removeEndpoint(ctxOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
};
