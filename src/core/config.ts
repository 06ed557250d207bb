import { resolve } from 'node:path';

export interface Config {
  /** PostgreSQL connection string; when absent the embedded SQLite file is used. */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  /** Largest JSON body the API accepts. */
  bodyLimitBytes: number;
  /** Largest CSV upload accepted by POST /api/v1/imports; bigger files go through the CLI. */
  importUploadLimitBytes: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.TENURE_DATA_DIR || './data'),
    port: Number(env.PORT || 3000),
    host: env.HOST || '127.0.0.1',
    bodyLimitBytes: Number(env.TENURE_BODY_LIMIT || 1_048_576),
    importUploadLimitBytes: Number(env.TENURE_IMPORT_UPLOAD_LIMIT || 50 * 1_048_576),
  };
}
