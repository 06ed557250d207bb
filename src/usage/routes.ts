import { gunzipSync, inflateSync } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { makeCtx } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { ErrorOut } from '../core/schemas.js';
import { checkEvent, CALL_TYPES, MAX_BATCH_BYTES, type CallType } from './intake/model.js';
import type { Submitted } from './intake/service.js';
import type { DbHandle } from '../db/database.js';
import { plainJson } from '../server/plain-json.js';
import { IngestWriter, type WriterOptions } from './intake/writer.js';

const ResultOut = z.object({
  index: z.number().int(),
  messageId: z.string().nullable(),
  status: z.enum(['accepted', 'duplicate', 'rejected']),
  reason: z.string().optional(),
});

export const IntakeOut = z
  .object({
    success: z.boolean(),
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    results: z.array(ResultOut),
  })
  .meta({ id: 'IntakeResult' });

/** The body as sent: gzip or deflate by Content-Encoding (RudderStack gzips under any type). */
export function decodeBody(body: Buffer, encoding: string | undefined): unknown {
  let bytes = body;
  const enc = (encoding ?? 'identity').toLowerCase().trim();
  try {
    if (enc === 'gzip') bytes = gunzipSync(body, { maxOutputLength: MAX_BATCH_BYTES + 1 });
    else if (enc === 'deflate') bytes = inflateSync(body, { maxOutputLength: MAX_BATCH_BYTES + 1 });
    else if (enc !== 'identity')
      throw new AppError(
        'unsupported_media_type',
        `Content-Encoding ${enc} is not supported; use gzip`,
      );
  } catch (err) {
    if (err instanceof AppError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new AppError(
        'payload_too_large',
        `a batch may be at most ${MAX_BATCH_BYTES / 1024} KB`,
      );
    throw new AppError('validation', 'body: not valid gzip data', {
      issues: [{ path: 'body', message: 'bad compression' }],
    });
  }
  if (bytes.length > MAX_BATCH_BYTES)
    throw new AppError('payload_too_large', `a batch may be at most ${MAX_BATCH_BYTES / 1024} KB`);
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new AppError('validation', 'body: malformed JSON', {
      issues: [{ path: 'body', message: 'malformed JSON' }],
    });
  }
}

function sourceOf(req: FastifyRequest): string {
  const p = req.principal;
  if (p.kind !== 'api_key') throw new AppError('unauthenticated', 'send an ingest key');
  return p.key.id;
}

/** Split a request into submitted events: the batch's items, or the one call. */
export function submissionsOf(
  body: unknown,
  type: CallType | 'batch',
  sourceId: string,
  receivedAt: Date,
): Submitted[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new AppError('validation', 'body: expected a JSON object', {
      issues: [{ path: 'body', message: 'expected an object' }],
    });
  const at = receivedAt.toISOString();
  if (type !== 'batch') {
    return [
      {
        index: 0,
        sourceId,
        receivedAt: at,
        raw: () => JSON.stringify(body),
        checked: checkEvent(body, { type, receivedAt }),
      },
    ];
  }
  const b = body as { batch?: unknown; sentAt?: unknown; context?: unknown };
  if (!Array.isArray(b.batch))
    throw new AppError('validation', 'batch: expected an array of events', {
      issues: [{ path: 'batch', message: 'expected an array' }],
    });
  if (b.batch.length === 0)
    throw new AppError('validation', 'batch: empty', {
      issues: [{ path: 'batch', message: 'empty' }],
    });
  return b.batch.map((event: unknown, index) => ({
    index,
    sourceId,
    receivedAt: at,
    raw: () => JSON.stringify(event ?? null),
    checked: checkEvent(event, { batchSentAt: b.sentAt, batchContext: b.context, receivedAt }),
  }));
}

export interface IngestRouteOptions {
  handle: Pick<DbHandle, 'db' | 'dialect'>;
  now: () => Date;
  writer?: Partial<WriterOptions>;
}

/**
 * The Segment HTTP tracking API under /v1: an ingest key as the Basic user name, one call
 * per endpoint or many in /v1/batch. A batch is answered only once stored, with the fate
 * of every event; 200 whenever it was stored, even if some events were refused.
 */
export const ingestRoutes: FastifyPluginAsyncZod<IngestRouteOptions> = async (app, opts) => {
  // One writer per server: it group-commits every request's events and holds the rollups
  // it deferred, which it writes before the server stops.
  const writer = new IngestWriter(
    makeCtx(opts.handle.db, opts.handle.dialect, {
      actor: { kind: 'system', id: 'intake', name: 'event intake' },
      now: opts.now,
    }),
    { concurrency: opts.handle.dialect === 'postgres' ? 2 : 1, ...opts.writer },
  );
  app.addHook('onClose', async () => writer.settle());
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: MAX_BATCH_BYTES + 16 * 1024 },
    (_req, body, done) => done(null, body),
  );

  for (const type of [...CALL_TYPES, 'batch'] as const) {
    app.post(
      `/v1/${type}`,
      {
        config: { access: 'ingest' },
        bodyLimit: MAX_BATCH_BYTES + 16 * 1024,
        // The answer is built here, field by field, from the writer's results: checking a
        // batch's hundred results against the schema on every request was a measurable
        // share of intake. The schema still documents it.
        ...plainJson,
        schema: {
          tags: ['ingest'],
          summary:
            type === 'batch' ? 'Send many calls at once (Segment batch)' : `Segment ${type} call`,
          description:
            'HTTP Basic with an ingest key as the user name. Bodies may be gzip (Content-Encoding). ' +
            'Limits: 32 KB per event, 500 KB per request. Duplicates (the same messageId and timestamp from the same key, as a retry sends) ' +
            'are acknowledged and ignored. 429 with Retry-After when the intake is busy.',
          response: {
            200: IntakeOut,
            400: ErrorOut,
            401: ErrorOut,
            403: ErrorOut,
            413: ErrorOut,
            429: ErrorOut,
          },
        },
      },
      async (req, reply) => {
        const receivedAt = req.ctx.now();
        const body = decodeBody(req.body as Buffer, req.headers['content-encoding']);
        const items = submissionsOf(body, type, sourceOf(req), receivedAt);
        const results = await writer.submit(items);
        const count = (s: string) => results.filter((r) => r.status === s).length;
        const out = {
          success: true,
          accepted: count('accepted'),
          duplicates: count('duplicate'),
          rejected: count('rejected'),
          results,
        };
        // A single call that was refused is the whole request: say so with a 400.
        if (type !== 'batch' && out.rejected === 1) {
          const r = results[0]!;
          throw new AppError('validation', r.status === 'rejected' ? r.reason : 'rejected', {
            issues: [{ path: 'body', message: r.status === 'rejected' ? r.reason : '' }],
            deadLettered: true,
          });
        }
        return reply.send(out);
      },
    );
  }
};
