import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut, IdParams } from '../../core/schemas.js';
import { ctxOf } from '../../server/context.js';
import { guard } from '../../server/auth.js';
import * as service from './service.js';
import {
  MovementOut,
  MrrOut,
  MrrQuery,
  SubscriptionCreate,
  SubscriptionListQuery,
  SubscriptionOut,
  SubscriptionPage,
  SubscriptionPatch,
} from './schemas.js';

const errors = { 400: ErrorOut, 404: ErrorOut, 409: ErrorOut };

export const subscriptionRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['subscriptions'];
  app.get(
    '/api/v1/subscriptions',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'List subscriptions',
        querystring: SubscriptionListQuery,
        response: { 200: SubscriptionPage, 400: ErrorOut },
      },
    },
    async (req) => service.listSubscriptions(ctxOf(req), req.query),
  );
  app.post(
    '/api/v1/subscriptions',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Create a subscription',
        description:
          'Writes the revenue movement (new, expansion or reactivation) in the same transaction.',
        body: SubscriptionCreate,
        response: { 201: SubscriptionOut, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await service.createSubscription(ctxOf(req), req.body)),
  );
  app.get(
    '/api/v1/subscriptions/:id',
    {
      config: guard('read', 'account'),
      schema: {
        tags,
        summary: 'Get a subscription',
        params: IdParams,
        response: { 200: SubscriptionOut, 404: ErrorOut },
      },
    },
    async (req) => service.getSubscription(ctxOf(req), req.params.id),
  );
  app.patch(
    '/api/v1/subscriptions/:id',
    {
      config: guard('write', 'account'),
      schema: {
        tags,
        summary: 'Change a subscription',
        description:
          'Upgrades, downgrades, cancellations and reactivations write their revenue movement dated effectiveDate.',
        params: IdParams,
        body: SubscriptionPatch,
        response: { 200: SubscriptionOut, ...errors },
      },
    },
    async (req) => service.updateSubscription(ctxOf(req), req.params.id, req.body),
  );
  const revenueTags = ['revenue'];
  app.get(
    '/api/v1/accounts/:id/movements',
    {
      config: guard('read', 'account'),
      schema: {
        tags: revenueTags,
        summary: "An account's revenue movements",
        params: IdParams,
        response: { 200: z.object({ items: z.array(MovementOut) }), 404: ErrorOut },
      },
    },
    async (req) => ({ items: await service.listMovements(ctxOf(req), req.params.id) }),
  );
  app.get(
    '/api/v1/accounts/:id/mrr',
    {
      config: guard('read', 'account'),
      schema: {
        tags: revenueTags,
        summary: "An account's MRR and ARR on a date",
        params: IdParams,
        querystring: MrrQuery,
        response: { 200: MrrOut, ...errors },
      },
    },
    async (req) => service.mrrAt(ctxOf(req), req.query.date, req.params.id),
  );
  app.get(
    '/api/v1/revenue/mrr',
    {
      config: guard('read', 'account'),
      schema: {
        tags: revenueTags,
        summary: 'MRR and ARR of the whole book on a date',
        querystring: MrrQuery,
        response: { 200: MrrOut, 400: ErrorOut },
      },
    },
    async (req) => service.mrrAt(ctxOf(req), req.query.date),
  );
};
