import { readFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.js';

/** The web app's API types are generated; a schema change without `npm run api:types` fails. */
describe('the web app’s API types', () => {
  it('match the OpenAPI document the server publishes now', async () => {
    const doc = await openApiDocument();
    const fresh = astToString(await openapiTS(doc as Parameters<typeof openapiTS>[0]));
    const committed = readFileSync(
      new URL('../../web/src/api/schema.d.ts', import.meta.url),
      'utf8',
    );
    const body = (s: string) => s.replace(/^\/\*\*[\s\S]*?\*\/\s*/, '').trim();
    expect(body(committed) === body(fresh), 'run `npm run api:types` and commit the result').toBe(
      true,
    );
  });
});
