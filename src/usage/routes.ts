import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** The Segment-compatible intake (B1) — placeholder until it lands. */
export const ingestRoutes: FastifyPluginAsyncZod = async () => undefined;
