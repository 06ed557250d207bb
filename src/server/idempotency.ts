import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { actorLabel } from '../core/context.js';
import type { Db } from '../db/database.js';
import { mapDbError } from '../db/errors.js';

const KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** A request still "in progress" after this long died without answering; its key is free again. */
const IN_PROGRESS_TTL_MS = 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { scope: string; key: string };
  }
}

/**
 * Routes whose request or response carries a secret (passwords, session tokens, new API
 * keys): never stored for replay, so the idempotency table holds no secret.
 */
function holdsSecrets(url: string | undefined): boolean {
  return (
    url === undefined ||
    url.startsWith('/api/v1/auth/') ||
    url === '/api/v1/keys' ||
    url === '/api/v1/users' ||
    url.endsWith('/password')
  );
}

function hashBody(body: unknown): string {
  return createHash('sha256')
    .update(typeof body === 'string' ? body : JSON.stringify(body ?? null))
    .digest('hex');
}

/**
 * `Idempotency-Key` on POST: the first response is stored; the same key with the same body
 * gets that response again, with a different body a 409. Keys live for 24 hours and are
 * scoped to the caller and the route, so two clients cannot collide.
 */
export function installIdempotency(app: FastifyInstance, db: Db): void {
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method !== 'POST') return;
    if (holdsSecrets(req.routeOptions.url)) return;
    const header = req.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || key.length > 255) {
      throw new AppError('validation', 'Idempotency-Key: must be 1–255 characters', {
        issues: [{ path: 'headers.idempotency-key', message: 'must be 1–255 characters' }],
      });
    }
    const scope = `${actorLabel(req.ctx.actor)} ${req.method} ${req.url}`;
    const hash = hashBody(req.body);
    const now = req.ctx.now();
    const existing = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    const age = existing ? now.getTime() - Date.parse(existing.created_at) : Infinity;
    const live =
      existing && (existing.status_code === null ? age < IN_PROGRESS_TTL_MS : age < KEY_TTL_MS);
    if (existing && live) {
      if (existing.request_hash !== hash) {
        throw new AppError(
          'conflict',
          'Idempotency-Key was already used with a different request body',
          {
            field: 'Idempotency-Key',
          },
        );
      }
      if (existing.status_code === null) {
        throw new AppError('conflict', 'a request with this Idempotency-Key is still in progress', {
          field: 'Idempotency-Key',
        });
      }
      reply.header('idempotent-replayed', 'true');
      reply.header('content-type', 'application/json; charset=utf-8');
      return reply.status(existing.status_code).send(existing.response_body ?? '');
    }
    if (existing) {
      await db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', scope)
        .where('key', '=', key)
        .execute();
    }
    try {
      await db
        .insertInto('idempotency_keys')
        .values({
          scope,
          key,
          request_hash: hash,
          status_code: null,
          response_body: null,
          created_at: now.toISOString(),
        })
        .execute();
    } catch (err) {
      // Only a unique violation means another request with this key won the race.
      if (mapDbError(err)?.code !== 'conflict') throw err;
      throw new AppError('conflict', 'a request with this Idempotency-Key is still in progress', {
        field: 'Idempotency-Key',
      });
    }
    req.idempotency = { scope, key };
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const slot = req.idempotency;
    if (!slot || reply.getHeader('idempotent-replayed')) return payload;
    const q = db
      .deleteFrom('idempotency_keys')
      .where('scope', '=', slot.scope)
      .where('key', '=', slot.key);
    if (reply.statusCode >= 500 || reply.statusCode === 429 || typeof payload !== 'string') {
      // Failures worth retrying are not remembered: the client may retry with the same key.
      await q.execute();
      return payload;
    }
    await db
      .updateTable('idempotency_keys')
      .set({ status_code: reply.statusCode, response_body: payload })
      .where('scope', '=', slot.scope)
      .where('key', '=', slot.key)
      .execute();
    return payload;
  });
}
