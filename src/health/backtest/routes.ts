import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorOut } from '../../core/schemas.js';
import { ctxOf } from '../../server/context.js';
import { guard } from '../../server/auth.js';
import { BacktestCreate, BacktestList, BacktestOut } from './schemas.js';
import * as service from './service.js';

const tags = ['health'];
const errors = { 400: ErrorOut, 404: ErrorOut, 409: ErrorOut };
const IdParams = z.object({ id: z.string().min(1).max(64) });

/** Backtests (C4): run one, read it, list them, adopt its fitted weights. */
export const backtestRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/v1/health/backtests',
    {
      config: guard('write', 'health_model'),
      schema: {
        tags,
        summary: 'Backtest a health model against the renewals and churns in history',
        description:
          'Each outcome is scored as of horizonDays before it, with only the data of that day. ' +
          'Reports AUC with a 95% interval and a plain verdict (no usable signal when the interval ' +
          'includes 0.5; too few outcomes below 20 of each), renewal rate by tier, the lift of the ' +
          'lowest tier, held-out calibration, churned ARR flagged ahead, and weights fitted on the ' +
          'earlier outcomes and judged on the later ones.',
        body: BacktestCreate,
        response: { 201: BacktestOut, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await service.runBacktest(ctxOf(req), req.body)),
  );
  app.get(
    '/api/v1/health/backtests',
    {
      config: guard('read', 'health_model'),
      schema: { tags, summary: 'The latest backtests', response: { 200: BacktestList } },
    },
    async (req) => ({ items: await service.listBacktests(ctxOf(req)) }),
  );
  app.get(
    '/api/v1/health/backtests/:id',
    {
      config: guard('read', 'health_model'),
      schema: {
        tags,
        summary: 'A backtest report',
        params: IdParams,
        response: { 200: BacktestOut, 404: ErrorOut },
      },
    },
    async (req) => service.getBacktest(ctxOf(req), req.params.id),
  );
  app.post(
    '/api/v1/health/backtests/:id/adopt',
    {
      config: guard('write', 'health_model'),
      schema: {
        tags,
        summary: "Adopt a backtest's fitted weights as the next version of its model",
        description:
          'Only when the fitted weights were judged on held-out outcomes (status fitted).',
        params: IdParams,
        response: {
          201: z.object({ key: z.string(), version: z.number().int(), created: z.boolean() }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const r = await service.adoptFittedWeights(ctxOf(req), req.params.id);
      return reply
        .status(201)
        .send({ key: r.model.key, version: r.model.version, created: r.created });
    },
  );
};
