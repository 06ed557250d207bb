import { AppError } from '../core/errors.js';

/** Unique indexes → the API field they protect, so a 409 can name the field. */
const UNIQUE_FIELDS: Record<string, { field: string; entity: string }> = {
  accounts_crm_id_key: { entity: 'account', field: 'crmId' },
  accounts_billing_id_key: { entity: 'account', field: 'billingId' },
  contacts_external_id_key: { entity: 'contact', field: 'externalId' },
  contacts_account_email_key: { entity: 'contact', field: 'email' },
  subscriptions_external_id_key: { entity: 'subscription', field: 'externalId' },
  accounts_product_id_key: { entity: 'account', field: 'productId' },
  tickets_external_id_key: { entity: 'ticket', field: 'externalId' },
  survey_responses_external_id_key: { entity: 'survey response', field: 'externalId' },
  users_email_key: { entity: 'user', field: 'email' },
  users_email_unique: { entity: 'user', field: 'email' },
};

interface DriverError {
  code?: unknown;
  constraint?: unknown;
}

function driverError(err: unknown): DriverError | null {
  return typeof err === 'object' && err !== null ? (err as DriverError) : null;
}

/**
 * Turn a driver error into an AppError by its error code (SQLite extended codes,
 * PostgreSQL SQLSTATE), never by message text. Returns null for anything else.
 */
export function mapDbError(err: unknown): AppError | null {
  const e = driverError(err);
  if (!e || typeof e.code !== 'string') return null;
  const code = e.code;
  if (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  ) {
    const known = typeof e.constraint === 'string' ? UNIQUE_FIELDS[e.constraint] : undefined;
    return known
      ? new AppError('conflict', `another ${known.entity} already has this ${known.field}`, {
          field: known.field,
        })
      : new AppError('conflict', 'a record with the same unique value already exists');
  }
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new AppError('validation', 'a referenced record does not exist');
  }
  if (code === '23502' || code === 'SQLITE_CONSTRAINT_NOTNULL') {
    return new AppError('validation', 'a required value is missing');
  }
  if (code === '23514' || code === 'SQLITE_CONSTRAINT_CHECK') {
    return new AppError('validation', 'a value is outside its allowed range');
  }
  // 22021/22P05: text PostgreSQL cannot store (a NUL byte, an invalid encoding).
  if (['22P02', '22003', '22001', '22021', '22P05', '22007', '22008'].includes(code)) {
    return new AppError('validation', 'a value has the wrong type or size');
  }
  if (code === 'SQLITE_BUSY' || code === '40001' || code === '40P01') {
    return new AppError('rate_limited', 'the database is busy; retry shortly', { retryAfter: 1 });
  }
  return null;
}

/** Run a store call and rethrow mapped database errors as AppError. */
export async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapDbError(err) ?? err;
  }
}
