import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut } from '../core/schemas.js';
import { SCOPES } from '../portfolio/model.js';
import { ScopeSchema } from '../portfolio/schemas.js';
import { guard, subjectOf } from '../server/auth.js';
import { ctxOf } from '../server/context.js';
import { teamView } from './service.js';

const TeamRowOut = z
  .object({
    user: z
      .object({ id: z.string(), name: z.string(), email: z.string(), role: z.string() })
      .nullable()
      .describe('null: accounts with no owner, tasks with no assignee'),
    accounts: z.number().int(),
    arrMinor: z.number().int(),
    atRiskAccounts: z
      .number()
      .int()
      .describe('lowest health tier of their model, or stage at_risk'),
    atRiskArrMinor: z.number().int(),
    tasksOpen: z.number().int(),
    tasksOverdue: z.number().int(),
    tasksDone30d: z.number().int(),
    playsRunning: z.number().int(),
  })
  .meta({ id: 'TeamRow' });

export const teamRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/team',
    {
      config: guard('read', 'task'),
      schema: {
        tags: ['tasks'],
        summary:
          'The team view: per CSM, accounts, ARR, ARR at risk, tasks open, overdue and done, plays running',
        description:
          'A manager sees their team by default, a CSM themselves; scope=all for everyone.',
        querystring: z.object({ scope: ScopeSchema.optional() }).strict(),
        response: {
          200: z.object({
            scope: z.enum(SCOPES),
            rows: z.array(TeamRowOut),
            currencyNote: z.string(),
          }),
          400: ErrorOut,
        },
      },
    },
    async (req) => teamView(ctxOf(req), req.query, subjectOf(req)),
  );
};
