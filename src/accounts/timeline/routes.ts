import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../../core/schemas.js';
import { ctxOf } from '../../server/context.js';
import { guard } from '../../server/auth.js';
import * as service from './service.js';
import { ActivityCreate, TimelineEntryOut, TimelinePage, TimelineQuery } from './schemas.js';

export const timelineRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['timeline'];
  app.get(
    '/api/v1/accounts/:id/timeline',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: "An account's timeline, newest first",
        params: IdParams,
        querystring: TimelineQuery,
        response: { 200: TimelinePage, 400: ErrorOut, 404: ErrorOut },
      },
    },
    async (req) =>
      service.listTimeline(ctxOf(req), req.params.id, {
        limit: req.query.limit,
        cursor: req.query.cursor,
        kinds: req.query.kind ? req.query.kind.split(',') : undefined,
        // Stored instants are UTC text; compare like with like.
        before: req.query.before && new Date(req.query.before).toISOString(),
        after: req.query.after && new Date(req.query.after).toISOString(),
      }),
  );
  app.post(
    '/api/v1/accounts/:id/timeline',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Log a note, call, meeting or email',
        params: IdParams,
        body: ActivityCreate,
        response: { 201: TimelineEntryOut, 400: ErrorOut, 404: ErrorOut },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await service.addActivity(ctxOf(req), req.params.id, req.body)),
  );
};
