import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../core/context.js';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: Ctx;
  }
}

/** The use-case context of a request: who acts, the database, the clock. */
export function ctxOf(req: FastifyRequest): Ctx {
  return req.ctx;
}
