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

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every successful write a test makes through the API must leave an audit entry with its
 * request id; a replayed idempotent request wrote nothing new and is exempt.
 */
async function assertAudited(
  handle: DbHandle,
  o: InjectOptions,
  res: LightMyRequestResponse,
): Promise<void> {
  if (!WRITES.has(String(o.method ?? 'GET').toUpperCase())) return;
  if (res.statusCode >= 300 || res.headers['idempotent-replayed']) return;
  const requestId = String(res.headers['x-request-id']);
  const entry = await handle.db
    .selectFrom('audit_log')
    .select('id')
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  if (!entry) throw new Error(`${o.method} ${String(o.url)} succeeded without an audit entry`);
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
    inject: async (o: InjectOptions) => {
      const res = await raw.inject({
        ...o,
        headers: { authorization: `Bearer ${key}`, ...(o.headers ?? {}) },
      });
      await assertAudited(opts.handle, o, res);
      return res;
    },
  };
}
