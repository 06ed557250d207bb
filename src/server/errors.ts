import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { AppError, httpStatus, isAppError } from '../core/errors.js';
import { mapDbError } from '../db/errors.js';

interface Issue {
  path: string;
  message: string;
}

/** Fastify's own request errors (bad JSON, body too large, wrong media type) by their codes. */
function fromFastify(err: FastifyError): AppError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'request body is larger than this endpoint accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'unsupported Content-Type for this endpoint');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('validation', 'body: expected a JSON body', {
        issues: [{ path: 'body', message: 'empty body' }],
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('validation', 'body: malformed JSON', {
        issues: [{ path: 'body', message: 'malformed JSON' }],
      });
    default:
      break;
  }
  // Body parser errors from JSON.parse carry status 400 and no code.
  if (err.statusCode === 400 && err instanceof SyntaxError) {
    return new AppError('validation', 'body: malformed JSON', {
      issues: [{ path: 'body', message: 'malformed JSON' }],
    });
  }
  if (err.statusCode === 413) return new AppError('payload_too_large', 'request body is too large');
  if (err.statusCode === 415)
    return new AppError('unsupported_media_type', 'unsupported Content-Type');
  return null;
}

export function toAppError(err: unknown): AppError | null {
  if (isAppError(err)) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? 'body';
    const issues: Issue[] = err.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
      return { path: path ? `${where}.${path}` : where, message: v.message ?? 'invalid' };
    });
    const first = issues[0]!;
    return new AppError('validation', `${first.path}: ${first.message}`, { issues });
  }
  const db = mapDbError(err);
  if (db) return db;
  if (typeof err === 'object' && err !== null && 'statusCode' in err)
    return fromFastify(err as FastifyError);
  return null;
}

export function errorBody(err: AppError, requestId: string) {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
      requestId,
    },
  };
}

/** The one place errors become HTTP responses; unknown errors are logged, never leaked. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const known = isResponseSerializationError(err) ? null : toAppError(err);
    if (known) {
      if (known.code === 'rate_limited')
        reply.header('retry-after', String(known.details?.retryAfter ?? 1));
      return reply.status(httpStatus[known.code]).send(errorBody(known, req.id));
    }
    req.log.error({ err, requestId: req.id }, 'unhandled error');
    return reply
      .status(500)
      .send(
        errorBody(
          new AppError('internal', 'internal error; quote the request id when reporting it'),
          req.id,
        ),
      );
  });
  app.setNotFoundHandler((req, reply) => {
    reply
      .status(404)
      .send(
        errorBody(
          new AppError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`),
          req.id,
        ),
      );
  });
}

/**
 * JSON bodies: malformed JSON and NUL characters (which PostgreSQL cannot store in text)
 * are refused alike on both databases, with the same 400.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(
        new AppError('validation', 'body: expected a JSON body', {
          issues: [{ path: 'body', message: 'empty body' }],
        }),
        undefined,
      );
      return;
    }
    if (text.includes('\\u0000')) {
      done(
        new AppError('validation', 'body: text may not contain NUL characters', {
          issues: [{ path: 'body', message: 'NUL character' }],
        }),
        undefined,
      );
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(
        new AppError('validation', 'body: malformed JSON', {
          issues: [{ path: 'body', message: 'malformed JSON' }],
        }),
        undefined,
      );
    }
  });
}
