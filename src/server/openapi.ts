import { loadConfig } from '../core/config.js';
import { migrateToLatest, openSqlite } from '../db/database.js';
import { buildServer } from './app.js';

/**
 * The OpenAPI document without a running server: the app is assembled over an in-memory
 * database and asked for it. The web app's API types are generated from this document.
 */
export async function openApiDocument(): Promise<unknown> {
  const handle = openSqlite(':memory:');
  try {
    await migrateToLatest(handle.db);
    const app = await buildServer({ handle, config: loadConfig({}), logger: false });
    await app.ready();
    const doc = app.swagger() as { components?: { schemas?: Record<string, unknown> } };
    await app.close();
    // Components are listed in the order their modules were loaded, which differs between
    // entry points; sorted, the generated web types do not churn.
    const schemas = doc.components?.schemas;
    if (schemas) {
      doc.components!.schemas = Object.fromEntries(
        Object.keys(schemas)
          .sort()
          .map((k) => [k, schemas[k]]),
      );
    }
    return doc;
  } finally {
    await handle.destroy();
  }
}
