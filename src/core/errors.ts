/** The one error vocabulary. Every layer throws AppError; only the server maps it to HTTP. */
export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'session_expired'
  | 'key_expired'
  | 'key_revoked'
  | 'forbidden'
  | 'insufficient_scope'
  | 'csrf_failed'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'internal';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** The one place that knows HTTP statuses. */
export const httpStatus: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  session_expired: 401,
  key_expired: 401,
  key_revoked: 401,
  forbidden: 403,
  insufficient_scope: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
};

export function notFound(kind: string, id: string): AppError {
  return new AppError('not_found', `${kind} ${id} not found`, { kind, id });
}

export function invalid(field: string, message: string): AppError {
  return new AppError('validation', `${field}: ${message}`, { issues: [{ path: field, message }] });
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
