import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** Support tickets and survey responses (B3) — placeholder until it lands. */
export const supportRoutes: FastifyPluginAsyncZod = async () => undefined;
