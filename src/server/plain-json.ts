import type { FastifySerializerCompiler } from 'fastify';

/**
 * Route option for answers of many rows: the body is JSON.stringify of what the handler
 * returned, without the zod pass over every row and field that the server's serializer
 * makes on the way out (the bulk of such a route's time after the database: a 500-row page
 * of the renewal pipeline took 5 ms to check and write, JSON.stringify alone 0.6 ms).
 *
 * The route keeps its zod response schema for the OpenAPI document, and TypeScript holds
 * the handler's result to that schema's type. What TypeScript cannot see — extra fields,
 * an integer that is not one, a date in the wrong format — the route's tests check on real
 * answers with `expectSchema` (testing/schema.ts). Use it only where the handler builds
 * each item field by field from the database, so nothing unlisted can leak through.
 */
export const plainJson: { serializerCompiler: FastifySerializerCompiler<unknown> } = {
  serializerCompiler: () => (data) => JSON.stringify(data),
};
