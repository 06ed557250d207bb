import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { makeCtx } from '../core/context.js';
import type { DbHandle } from '../db/database.js';
import { createKey, type KeyScope } from '../identity/keys.js';
import { buildServer, type ServerOptions } from '../server/app.js';

export interface TestApp {
  /** Inject with this app's API key (override `authorization` to act as someone else). */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
  raw: FastifyInstance;
  key: string;
}

/** A key of `scope`, made by the operator, for calling the API in tests. */
export async function testKey(handle: DbHandle, scope: KeyScope = 'admin'): Promise<string> {
  const ctx = makeCtx(handle.db, handle.dialect);
  return (await createKey(ctx, { name: `test ${scope}`, scope })).secret;
}

/** The real server, called with an admin API key unless a test says otherwise. */
export async function testServer(opts: ServerOptions, scope: KeyScope = 'admin'): Promise<TestApp> {
  const raw = await buildServer(opts);
  const key = await testKey(opts.handle, scope);
  return {
    raw,
    key,
    close: () => raw.close(),
    inject: (o: InjectOptions) =>
      raw.inject({ ...o, headers: { authorization: `Bearer ${key}`, ...(o.headers ?? {}) } }),
  };
}
