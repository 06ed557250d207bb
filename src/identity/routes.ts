import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ctxOf } from '../server/context.js';
import { ROLES } from './model.js';
import { listUsers } from './service.js';

const UserOut = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    createdAt: z.string(),
    archivedAt: z.string().nullable(),
  })
  .meta({ id: 'User' });

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'List users (account owners)',
        response: { 200: z.object({ items: z.array(UserOut) }) },
      },
    },
    async (req) => ({ items: await listUsers(ctxOf(req)) }),
  );
};
