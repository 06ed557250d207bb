import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';

/**
 * An answer is exactly what its response schema documents: it parses, and parsing (which
 * drops unknown keys) gives it back unchanged, so nothing undocumented rides along. For
 * routes that skip zod on the way out (server/plain-json.ts).
 */
export function expectSchema<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new Error(`the answer does not match its schema: ${JSON.stringify(parsed.error.issues)}`);
  if (!isDeepStrictEqual(parsed.data, body))
    throw new Error(`the answer holds more than its schema: ${JSON.stringify(body).slice(0, 500)}`);
  return parsed.data;
}
