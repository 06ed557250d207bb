import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** The API, typed from the server's OpenAPI document (`npm run api:types`). */
export type Schemas = components['schemas'];

let csrfToken: string | null = null;

/** The session's CSRF token, sent on every write (kept in memory, never in storage). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const csrf: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf);

interface ErrorBody {
  error?: {
    code?: string;
    message?: string;
    requestId?: string;
    details?: { issues?: { path?: string; message?: string }[] } & Record<string, unknown>;
  };
}

/** An answer that was not a success, in words a CSM understands. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const PLAIN: Record<string, string> = {
  unauthenticated: 'Your session has ended. Please sign in again.',
  session_expired: 'Your session has ended. Please sign in again.',
  forbidden: 'Your role does not allow this. Ask an admin if you need it.',
  insufficient_scope: 'Your role does not allow this. Ask an admin if you need it.',
  csrf_failed: 'This page is out of date. Reload it and try again.',
  rate_limited: 'Tenure is busy right now. Try again in a moment.',
  payload_too_large: 'That file is too large to upload.',
  unsupported_media_type: 'That kind of file is not supported here.',
};

export function toApiError(status: number, body: unknown): ApiError {
  const e = (body as ErrorBody | undefined)?.error;
  const code = e?.code ?? (status >= 500 ? 'internal' : 'unknown');
  const requestId = e?.requestId ?? null;
  const issues = (e?.details?.issues ?? []).map((i) => ({
    path: i.path ?? '',
    message: i.message ?? '',
  }));
  let message = PLAIN[code] ?? e?.message ?? `The request failed (${status}).`;
  if (code === 'internal' || status >= 500)
    message = `Something went wrong on our side.${requestId ? ` Quote ${requestId} if you report it.` : ''}`;
  // Validation, conflicts and not-found carry the server's own sentence, which names the field.
  if (['validation', 'conflict', 'not_found', 'invalid_credentials'].includes(code) && e?.message)
    message = e.message;
  return new ApiError(status, code, message, issues, requestId);
}

/** Await an openapi-fetch call: the data, or an ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let r: { data?: T; error?: unknown; response: Response };
  try {
    r = await call;
  } catch {
    throw new ApiError(
      0,
      'network',
      'Tenure cannot be reached. Check your connection and try again.',
    );
  }
  if (!r.response.ok) throw toApiError(r.response.status, r.error);
  return r.data as T;
}

/** A sentence for any error a page may show. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return 'Something unexpected happened. Reload the page and try again.';
}
