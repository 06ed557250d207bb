import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorOut } from '../core/schemas.js';
import { ctxOf } from '../server/context.js';
import { guard } from '../server/auth.js';
import { getSegments, setSegments } from './segments.js';

const SegmentsOut = z.object({ segments: z.array(z.string()) }).meta({ id: 'Segments' });
const SegmentsBody = z
  .object({
    segments: z
      .array(z.string().trim().min(1).max(64))
      .min(1)
      .max(50)
      .describe('segment keys such as enterprise, mid_market, smb, self_serve'),
  })
  .strict();

export const settingsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['settings'];
  app.get(
    '/api/v1/settings/segments',
    {
      config: guard('read', 'setting'),
      schema: { tags, summary: 'The account segments in use', response: { 200: SegmentsOut } },
    },
    async (req) => ({ segments: await getSegments(ctxOf(req)) }),
  );
  app.put(
    '/api/v1/settings/segments',
    {
      config: guard('write', 'setting'),
      schema: {
        tags,
        summary: 'Replace the list of account segments',
        description: 'A segment still used by an account cannot be removed.',
        body: SegmentsBody,
        response: { 200: SegmentsOut, 400: ErrorOut, 409: ErrorOut },
      },
    },
    async (req) => ({ segments: await setSegments(ctxOf(req), req.body.segments) }),
  );
};
