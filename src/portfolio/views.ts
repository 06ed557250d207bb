import type { z } from 'zod';
import type { Ctx } from '../core/context.js';
import { AppError, invalid, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { inTx } from '../db/database.js';
import { recordAudit } from '../audit/record.js';
import { displayName } from './model.js';
import {
  ViewCreateBody,
  ViewPatchBody,
  type ViewCreateInput,
  type ViewPatchInput,
  type ViewQuery,
} from './schemas.js';
import * as store from './views-store.js';

/**
 * Saved portfolio views: a user's named query (scope, search, filters, sort, grouping,
 * columns). A view is its owner's alone unless shared; a shared one is listed for everyone.
 * Owners change their own views (viewers keep none); admins may also change or delete any
 * shared one. Another user's private view answers 404 to everybody, so ids cannot be probed.
 */

export interface SavedView {
  id: string;
  name: string;
  shared: boolean;
  ownerId: string;
  ownerName: string;
  /** Whether the caller may change or delete it. */
  editable: boolean;
  query: ViewQuery;
  createdAt: string;
  updatedAt: string;
}

/** The user a view would belong to; null for an API key or the operator. */
function userOf(ctx: Ctx): string | null {
  return ctx.actor.kind === 'user' ? ctx.actor.id : null;
}

function visible(ctx: Ctx, row: store.ViewRow): boolean {
  return row.shared === 1 || row.owner_id === userOf(ctx);
}

function toView(ctx: Ctx, row: store.ViewListRow): SavedView {
  return {
    id: row.id,
    name: row.name,
    shared: row.shared === 1,
    ownerId: row.owner_id,
    ownerName: displayName({ name: row.owner_name, email: row.owner_email }),
    editable: ctx.may('write', 'portfolio_view', { ownerId: row.owner_id }),
    // Validated before it was stored; read back as written.
    query: JSON.parse(row.query) as ViewQuery,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The CLI and jobs get the same validation a route does, with the field named. */
function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys')
    throw invalid([...path, String(issue.keys[0])].join('.'), 'unknown field');
  throw invalid(path.join('.') || 'body', issue.message);
}

/** What the audit log keeps of a view. */
const audited = (r: store.ViewRow) => ({
  owner_id: r.owner_id,
  name: r.name,
  shared: r.shared,
  query: r.query,
});

/** The caller's own views and every shared one, by name. */
export async function listViews(ctx: Ctx): Promise<SavedView[]> {
  ctx.can('read', 'portfolio_view');
  const rows = await store.listViews(ctx.db, ctx.dialect, userOf(ctx));
  return rows.map((r) => toView(ctx, r));
}

export async function createView(ctx: Ctx, input: ViewCreateInput): Promise<SavedView> {
  ctx.can('write', 'portfolio_view');
  const ownerId = userOf(ctx);
  if (ownerId === null)
    throw new AppError(
      'forbidden',
      'a saved view belongs to a signed-in user; sign in to save one',
    );
  ctx.can('write', 'portfolio_view', { ownerId, creating: true });
  const body = parse(ViewCreateBody, input);
  return inTx(ctx.db, async (trx) => {
    const now = ctx.now();
    const row: store.ViewRow = {
      id: newId('pvw', now.getTime()),
      owner_id: ownerId,
      name: body.name,
      shared: body.shared ? 1 : 0,
      query: JSON.stringify(body.query),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    await store.insertView(trx, row);
    await recordAudit(ctx, trx, {
      entity: 'portfolio_view',
      entityId: row.id,
      action: 'create',
      after: audited(row),
    });
    const stored = await store.getView(trx, row.id);
    return toView(ctx, stored!);
  });
}

/** A view the caller may see and change, inside the writer's transaction. */
async function writable(ctx: Ctx, trx: Ctx['db'], id: string): Promise<store.ViewListRow> {
  const row = await store.getView(trx, id);
  if (!row || !visible(ctx, row)) throw notFound('portfolio view', id);
  ctx.can('write', 'portfolio_view', { ownerId: row.owner_id });
  return row;
}

/** Change a view's name, sharing or query (the query is replaced whole). */
export async function updateView(ctx: Ctx, id: string, input: ViewPatchInput): Promise<SavedView> {
  ctx.can('write', 'portfolio_view');
  const patch = parse(ViewPatchBody, input);
  return inTx(ctx.db, async (trx) => {
    const row = await writable(ctx, trx, id);
    const set = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.shared !== undefined ? { shared: patch.shared ? 1 : 0 } : {}),
      ...(patch.query !== undefined ? { query: JSON.stringify(patch.query) } : {}),
      updated_at: ctx.now().toISOString(),
    };
    await store.updateView(trx, id, set);
    const after = { ...row, ...set };
    await recordAudit(ctx, trx, {
      entity: 'portfolio_view',
      entityId: id,
      action: 'update',
      before: audited(row),
      after: audited(after),
    });
    return toView(ctx, after);
  });
}

export async function deleteView(ctx: Ctx, id: string): Promise<void> {
  ctx.can('write', 'portfolio_view');
  await inTx(ctx.db, async (trx) => {
    const row = await writable(ctx, trx, id);
    await store.deleteView(trx, id);
    await recordAudit(ctx, trx, {
      entity: 'portfolio_view',
      entityId: id,
      action: 'delete',
      before: audited(row),
    });
  });
}
