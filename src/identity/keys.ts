import { actorLabel, type Ctx } from '../core/context.js';
import { AppError, invalid, notFound } from '../core/errors.js';
import { CROCKFORD, newId } from '../core/ids.js';
import { inTx, type Executor } from '../db/database.js';
import type { ApiKeyRow } from '../db/schema.js';
import { recordAudit } from '../audit/record.js';
import { randomBytes } from 'node:crypto';
import { KEY_SCOPES, type KeyScope } from './permissions.js';
import { randomToken, sha256 } from './tokens.js';

export { KEY_SCOPES, type KeyScope };

export interface ApiKey {
  id: string;
  name: string;
  /** The visible start of the key, enough to tell keys apart; never the secret. */
  prefix: string;
  scope: KeyScope;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
}

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope as KeyScope,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
  };
}

function publicPart(): string {
  const bytes = randomBytes(10);
  let out = '';
  for (const b of bytes) out += CROCKFORD[b % 32];
  return out.toLowerCase();
}

export interface CreatedKey {
  key: ApiKey;
  /** The whole key; shown once, stored only as a hash. */
  secret: string;
}

/** A new key: `tnr_<scope>_<public part>_<secret>`. */
export async function createKey(
  ctx: Ctx,
  input: { name: string; scope: KeyScope; expiresAt?: string | null },
): Promise<CreatedKey> {
  ctx.can('write', 'api_key');
  const name = input.name.trim();
  if (!name) throw invalid('name', 'must not be empty');
  const now = ctx.now();
  // Stored in UTC so it compares as text with every other instant.
  const expiresAt = input.expiresAt ? new Date(input.expiresAt).toISOString() : null;
  if (expiresAt && expiresAt <= now.toISOString())
    throw invalid('expiresAt', 'must be in the future');
  const prefix = `tnr_${input.scope}_${publicPart()}`;
  const secret = `${prefix}_${randomToken()}`;
  const row: ApiKeyRow = {
    id: newId('key', now.getTime()),
    name,
    prefix,
    secret_hash: sha256(secret),
    scope: input.scope,
    created_by: actorLabel(ctx.actor),
    created_at: now.toISOString(),
    expires_at: expiresAt,
    revoked_at: null,
    last_used_at: null,
    last_used_ip: null,
  };
  await inTx(ctx.db, async (trx) => {
    await trx.insertInto('api_keys').values(row).execute();
    await recordAudit(ctx, trx, {
      entity: 'api_key',
      entityId: row.id,
      action: 'create',
      after: row,
    });
  });
  return { key: toApiKey(row), secret };
}

export async function listKeys(ctx: Ctx): Promise<ApiKey[]> {
  ctx.can('read', 'api_key');
  const rows = await ctx.db
    .selectFrom('api_keys')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toApiKey);
}

async function findKey(db: Executor, ref: string): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('prefix', '=', ref)]))
    .executeTakeFirst();
}

/** Revoke by id or visible prefix; at once and for good. */
export async function revokeKey(ctx: Ctx, ref: string): Promise<ApiKey> {
  ctx.can('write', 'api_key');
  return inTx(ctx.db, async (trx) => {
    const row = await findKey(trx, ref);
    if (!row) throw notFound('api key', ref);
    if (row.revoked_at) return toApiKey(row);
    const patch = { revoked_at: ctx.now().toISOString() };
    await trx.updateTable('api_keys').set(patch).where('id', '=', row.id).execute();
    recentKeys(trx).clear();
    await recordAudit(ctx, trx, {
      entity: 'api_key',
      entityId: row.id,
      action: 'revoke',
      before: row,
      after: { ...row, ...patch },
    });
    return toApiKey({ ...row, ...patch });
  });
}

const TOUCH_EVERY_MS = 60 * 1000;

/**
 * Keys looked up in the last second, per database: an event sender makes hundreds of
 * requests a second with one key, and looking it up each time was a measurable share of
 * intake. A revocation here clears them at once; one made by another process (the CLI)
 * holds within a second.
 */
const recent = new WeakMap<object, Map<string, { row: ApiKeyRow; at: number }>>();
const RECENT_MS = 1000;

function recentKeys(db: Executor): Map<string, { row: ApiKeyRow; at: number }> {
  const adapter = db.getExecutor().adapter;
  let m = recent.get(adapter);
  if (!m) {
    m = new Map();
    recent.set(adapter, m);
  }
  return m;
}

/** The key behind a presented secret, or an error that says why it is not usable. */
export async function authenticateKey(
  db: Executor,
  secret: string,
  now: Date,
  ip: string | null,
): Promise<ApiKeyRow> {
  const hash = sha256(secret);
  const cache = recentKeys(db);
  const hit = cache.get(hash);
  let row = hit && Date.now() - hit.at < RECENT_MS ? hit.row : undefined;
  if (!row) {
    row = await db
      .selectFrom('api_keys')
      .selectAll()
      .where('secret_hash', '=', hash)
      .executeTakeFirst();
    if (cache.size > 1000) cache.clear();
    if (row) cache.set(hash, { row, at: Date.now() });
  }
  if (!row) throw new AppError('unauthenticated', 'unknown API key');
  if (row.revoked_at) throw new AppError('key_revoked', `API key ${row.prefix} was revoked`);
  if (row.expires_at && row.expires_at <= now.toISOString())
    throw new AppError('key_expired', `API key ${row.prefix} expired at ${row.expires_at}`);
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= TOUCH_EVERY_MS) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: now.toISOString(), last_used_ip: ip })
      .where('id', '=', row.id)
      .execute();
    row = { ...row, last_used_at: now.toISOString(), last_used_ip: ip };
    cache.set(hash, { row, at: cache.get(hash)?.at ?? Date.now() });
  }
  return row;
}
