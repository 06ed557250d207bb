import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** Usage measures and series (B2) — placeholder until it lands. */
export const usageReadRoutes: FastifyPluginAsyncZod = async () => undefined;
