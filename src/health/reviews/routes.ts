import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../../core/schemas.js';
import { ctxOf } from '../../server/context.js';
import { guard } from '../../server/auth.js';
import {
  ReviewBody,
  ReviewListOut,
  ReviewQueueOut,
  ReviewQueueQuery,
  ReviewRecordedOut,
} from './schemas.js';
import { listReviews, recordReview, reviewQueue } from './service.js';

const tags = ['health'];

/** A CSM's list is their own book unless they ask for more. */
function defaultOwner(req: FastifyRequest): string | undefined {
  const p = req.principal;
  return p.kind === 'user' && p.user.role === 'csm' ? 'me' : undefined;
}

/** Health reviews (C5): the review queue and each account's health checks. */
export const healthReviewRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/health/reviews',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'The review queue: when each live account is due its next health check',
        description:
          'Health checks are due weekly for red accounts, every two weeks for yellow (and orange), ' +
          'monthly for green; a tier without a color goes by its place (best monthly, lowest weekly). ' +
          'A red account never reviewed is due the day it turned red. Overdue first, then by due day ' +
          'and ARR. A CSM sees their own accounts unless owner says otherwise.',
        querystring: ReviewQueueQuery,
        response: { 200: ReviewQueueOut, 400: ErrorOut },
      },
    },
    async (req) =>
      reviewQueue(ctxOf(req), { ...req.query, owner: req.query.owner ?? defaultOwner(req) }),
  );

  app.get(
    '/api/v1/accounts/:id/reviews',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: "An account's health checks, newest first, and when the next one is due",
        params: IdParams,
        response: { 200: ReviewListOut, 404: ErrorOut },
      },
    },
    async (req) => listReviews(ctxOf(req), req.params.id),
  );

  app.post(
    '/api/v1/accounts/:id/reviews',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Record a health check of an account',
        description:
          'Stored with the account’s current tier. The sentiment is recorded as manual.csm_sentiment ' +
          '(and executiveEngagement as manual.executive_engagement) so the next score uses them; ' +
          'the account is queued for rescoring and the check appears on its timeline.',
        params: IdParams,
        body: ReviewBody,
        response: {
          201: ReviewRecordedOut,
          400: ErrorOut,
          403: ErrorOut,
          404: ErrorOut,
          409: ErrorOut,
        },
      },
    },
    async (req, reply) => {
      const input = { ...req.body, accountId: req.params.id };
      return reply.status(201).send(await recordReview(ctxOf(req), input));
    },
  );
};
