import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../core/schemas.js';
import { ctxOf } from '../server/context.js';
import { guard } from '../server/auth.js';
import {
  eventCatalog,
  fixDeadLetter,
  intakeStats,
  listDeadLetters,
  replayDeadLetters,
} from './intake/admin.js';

const DeadLetterOut = z
  .object({
    id: z.string(),
    receivedAt: z.string(),
    sourceId: z.string(),
    batchIndex: z.number().int().nullable(),
    messageId: z.string().nullable(),
    reason: z.string(),
    payload: z.unknown(),
    status: z.enum(['open', 'replayed']),
    replayedAt: z.string().nullable(),
    replayResult: z.string().nullable(),
  })
  .meta({ id: 'DeadLetter' });

const StatsOut = z
  .object({
    events: z.number().int(),
    lastReceivedAt: z.string().nullable(),
    unattributed: z.number().int(),
    deadLettersOpen: z.number().int(),
    catalogEvents: z.number().int(),
    productUsers: z.number().int(),
    rollupBacklog: z
      .object({ events: z.number().int(), oldestAt: z.string().nullable() })
      .describe(
        'Stored events whose rollups are still to be written: the intake defers them for up to half a second while saturated',
      ),
    perDay: z.array(z.object({ day: z.string(), events: z.number(), activeUsers: z.number() })),
  })
  .meta({ id: 'IntakeStats' });

const CatalogOut = z
  .object({
    key: z.string(),
    type: z.string(),
    name: z.string(),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    volume: z.number(),
    properties: z.array(
      z.object({
        name: z.string(),
        type: z.string(),
        firstSeenAt: z.string(),
        lastSeenAt: z.string(),
        volume: z.number(),
      }),
    ),
  })
  .meta({ id: 'CatalogEvent' });

/** Intake status, dead letters with replay, and the event catalog (B1, B4). */
export const intakeAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['ingest'];
  app.get(
    '/api/v1/ingest/stats',
    {
      config: guard('read', 'setting'),
      schema: {
        tags,
        summary:
          'Intake status: events stored, last event, unattributed, dead letters, events per day',
        querystring: z
          .object({ days: z.coerce.number().int().min(1).max(400).default(30) })
          .strict(),
        response: { 200: StatsOut },
      },
    },
    async (req) => intakeStats(ctxOf(req), req.query.days),
  );
  app.get(
    '/api/v1/ingest/dead-letters',
    {
      config: guard('read', 'setting'),
      schema: {
        tags,
        summary: 'Events the intake refused, with the reason',
        querystring: z
          .object({
            status: z.enum(['open', 'replayed']).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(DeadLetterOut) }) },
      },
    },
    async (req) => ({ items: await listDeadLetters(ctxOf(req), req.query) }),
  );
  app.patch(
    '/api/v1/ingest/dead-letters/:id',
    {
      config: guard('write', 'setting'),
      schema: {
        tags,
        summary: "Correct a refused event's payload, then replay it",
        params: IdParams,
        body: z.object({ payload: z.record(z.string(), z.unknown()) }).strict(),
        response: { 200: DeadLetterOut, 400: ErrorOut, 404: ErrorOut },
      },
    },
    async (req) => fixDeadLetter(ctxOf(req), req.params.id, req.body.payload),
  );
  app.post(
    '/api/v1/ingest/dead-letters/replay',
    {
      config: guard('write', 'setting'),
      schema: {
        tags,
        summary: 'Check refused events again and store those that now pass',
        body: z
          .object({
            ids: z.array(z.string().max(64)).max(10_000).optional(),
            all: z.boolean().optional(),
          })
          .strict()
          .refine((b) => b.all === true || (b.ids?.length ?? 0) > 0, 'give ids or all: true'),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                status: z.enum(['accepted', 'duplicate', 'rejected']),
                reason: z.string().optional(),
              }),
            ),
          }),
          400: ErrorOut,
          404: ErrorOut,
        },
      },
    },
    async (req) => ({
      items: await replayDeadLetters(ctxOf(req), req.body.all ? 'all' : (req.body.ids ?? [])),
    }),
  );
  app.get(
    '/api/v1/events/catalog',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'Every event and property seen, with first/last seen and volume',
        response: { 200: z.object({ items: z.array(CatalogOut) }) },
      },
    },
    async (req) => ({ items: await eventCatalog(ctxOf(req)) }),
  );
};
