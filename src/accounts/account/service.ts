import { inTx } from '../../db/database.js';
import { newId } from '../../core/ids.js';
import { actorLabel, assertReadable, type Ctx } from '../../core/context.js';
import { AppError, invalid, notFound } from '../../core/errors.js';
import { toIsoDate } from '../../core/clock.js';
import type { Page } from '../../core/pagination.js';
import type { Executor } from '../../db/database.js';
import type { AccountPatchRow, AccountRow } from '../../db/schema.js';
import { mapped } from '../../db/errors.js';
import { recordAudit } from '../../audit/record.js';
import { resolveUserRef } from '../../identity/service.js';
import { segments as segmentSetting } from '../../settings/service.js';
import * as timeline from '../timeline/service.js';
import * as store from './store.js';
import {
  assertTransition,
  createsCycle,
  normaliseDomain,
  mergeTraits,
  normaliseSegment,
  parseJsonObject,
  searchText,
  stageChangedEvent,
  stageMoveFields,
  toAccount,
  type Account,
  type Stage,
} from './model.js';
import type { AccountCreateInput, AccountListInput, AccountPatchInput } from './schemas.js';

async function checkSegment(db: Executor, raw: string): Promise<string> {
  const seg = normaliseSegment(raw);
  const allowed = await segmentSetting(db);
  if (!allowed.includes(seg)) throw invalid('segment', `must be one of ${allowed.join(', ')}`);
  return seg;
}

async function checkExternalIdFree(
  db: Executor,
  field: 'crm_id' | 'billing_id' | 'product_id',
  value: string | null | undefined,
  selfId?: string,
): Promise<void> {
  if (!value) return;
  const other = await store.findByExternalId(db, field, value);
  if (other && other.id !== selfId) {
    const apiField = { crm_id: 'crmId', billing_id: 'billingId', product_id: 'productId' }[field];
    throw new AppError(
      'conflict',
      `${apiField}: account ${other.id} already has ${apiField} ${value}`,
      {
        field: apiField,
        existingId: other.id,
      },
    );
  }
}

async function checkParent(db: Executor, parentId: string, selfId?: string): Promise<void> {
  const parent = await store.getAccount(db, parentId);
  if (!parent) throw invalid('parentId', `no account ${parentId}`);
  if (selfId && createsCycle(selfId, await store.ancestors(db, parentId))) {
    throw invalid('parentId', 'an account cannot be its own ancestor');
  }
}

export async function createAccount(ctx: Ctx, input: AccountCreateInput): Promise<Account> {
  ctx.can('write', 'account');
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const now = ctx.now();
      const at = now.toISOString();
      const segment = await checkSegment(trx, input.segment ?? 'smb');
      await checkExternalIdFree(trx, 'crm_id', input.crmId);
      await checkExternalIdFree(trx, 'billing_id', input.billingId);
      await checkExternalIdFree(trx, 'product_id', input.productId);
      const ownerId = input.ownerId
        ? await resolveUserRef({ ...ctx, db: trx }, input.ownerId)
        : null;
      // A CSM creates accounts it owns; a manager, for its team.
      ctx.can('write', 'account', { ownerId, creating: true });
      if (input.parentId) await checkParent(trx, input.parentId);
      const stage: Stage = input.stage ?? 'onboarding';
      const row: AccountRow = {
        id: newId('acc', now.getTime()),
        name: input.name,
        domain: input.domain ? normaliseDomain(input.domain) : null,
        crm_id: input.crmId ?? null,
        billing_id: input.billingId ?? null,
        product_id: input.productId ?? null,
        segment,
        industry: input.industry ?? null,
        region: input.region ?? null,
        owner_id: ownerId,
        parent_id: input.parentId ?? null,
        stage,
        stage_changed_at: at,
        traits: JSON.stringify(input.traits ?? {}),
        currency: input.currency ?? 'USD',
        mrr_minor: 0,
        renewal_date: null,
        churned_on:
          stage === 'churned' ? (input.churnedOn ?? toIsoDate(now)) : (input.churnedOn ?? null),
        churn_reason: input.churnReason ?? null,
        churn_note: input.churnNote ?? null,
        archived_at: null,
        created_at: at,
        updated_at: at,
        search_text: '',
      };
      row.search_text = searchText(row.name, row.domain);
      await store.insertAccount(trx, row);
      await recordAudit(ctx, trx, {
        entity: 'account',
        entityId: row.id,
        action: 'create',
        after: row,
      });
      await store.insertStageChange(trx, {
        id: newId('stg', now.getTime()),
        account_id: row.id,
        from_stage: null,
        to_stage: stage,
        changed_at: at,
        actor: actorLabel(ctx.actor),
        reason: 'created',
      });
      await timeline.record(ctx, trx, row.id, {
        kind: 'account_created',
        title: `Account created in stage ${stage}`,
        data: { stage, segment },
      });
      return toAccount(row);
    }),
  );
}

export async function getAccount(ctx: Ctx, id: string): Promise<Account> {
  assertReadable(ctx, 'account', 'account', id);
  const row = await store.getAccount(ctx.db, id);
  if (!row) throw notFound('account', id);
  return toAccount(row);
}

/** An account by any id people have for it: Tenure's, the CRM's or the billing system's. */
export async function findAccountByRef(ctx: Ctx, ref: string): Promise<Account> {
  const row =
    (await store.getAccount(ctx.db, ref)) ??
    (await store.findByExternalId(ctx.db, 'crm_id', ref)) ??
    (await store.findByExternalId(ctx.db, 'billing_id', ref));
  if (!row) throw new AppError('not_found', `no account with id, CRM id or billing id ${ref}`);
  return getAccount(ctx, row.id);
}

/**
 * Record a stage move in the caller's transaction: the history row and the timeline entry.
 * Returns the account fields to set; the caller writes them with its other changes.
 */
export async function recordStageMove(
  ctx: Ctx,
  trx: Executor,
  row: AccountRow,
  to: Stage,
  reason: string | null,
): Promise<AccountPatchRow> {
  const now = ctx.now();
  await store.insertStageChange(trx, {
    id: newId('stg', now.getTime()),
    account_id: row.id,
    from_stage: row.stage,
    to_stage: to,
    changed_at: now.toISOString(),
    actor: actorLabel(ctx.actor),
    reason,
  });
  await timeline.record(ctx, trx, row.id, stageChangedEvent(row.stage, to, reason));
  return stageMoveFields(row, to, now);
}

/** A stage move asked for by a person: checked against the lifecycle. */
async function moveStage(
  ctx: Ctx,
  trx: Executor,
  row: AccountRow,
  to: Stage,
  reason: string | null,
  patch: AccountPatchRow,
): Promise<void> {
  const from = row.stage as Stage;
  if (from === to) return;
  assertTransition(from, to);
  const fields = await recordStageMove(ctx, trx, row, to, reason);
  // Churn fields sent in the same request win over the defaults of the move.
  patch.stage = fields.stage;
  patch.stage_changed_at = fields.stage_changed_at;
  if (patch.churned_on === undefined && fields.churned_on !== undefined)
    patch.churned_on = fields.churned_on;
  if (patch.churn_reason === undefined && fields.churn_reason !== undefined)
    patch.churn_reason = fields.churn_reason;
}

export async function updateAccount(
  ctx: Ctx,
  id: string,
  input: AccountPatchInput,
): Promise<Account> {
  return mapped(() =>
    inTx(ctx.db, async (trx) => {
      const row = await store.getAccount(trx, id);
      if (!row) throw notFound('account', id);
      // Changing only the owner is a reassignment, checked below; anything else is a write.
      const onlyOwner = Object.entries(input).every(([k, v]) => k === 'ownerId' || v === undefined);
      if (!onlyOwner) ctx.can('write', 'account', { ownerId: row.owner_id });
      const patch: AccountPatchRow = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.domain !== undefined)
        patch.domain = input.domain ? normaliseDomain(input.domain) : null;
      if (input.crmId !== undefined) {
        await checkExternalIdFree(trx, 'crm_id', input.crmId, id);
        patch.crm_id = input.crmId ?? null;
      }
      if (input.billingId !== undefined) {
        await checkExternalIdFree(trx, 'billing_id', input.billingId, id);
        patch.billing_id = input.billingId ?? null;
      }
      if (input.productId !== undefined) {
        await checkExternalIdFree(trx, 'product_id', input.productId, id);
        patch.product_id = input.productId ?? null;
      }
      if (input.segment !== undefined) patch.segment = await checkSegment(trx, input.segment);
      if (input.industry !== undefined) patch.industry = input.industry ?? null;
      if (input.region !== undefined) patch.region = input.region ?? null;
      if (input.traits !== undefined) {
        patch.traits = JSON.stringify(mergeTraits(parseJsonObject(row.traits), input.traits));
      }
      if (input.churnedOn !== undefined) patch.churned_on = input.churnedOn ?? null;
      if (input.churnReason !== undefined) patch.churn_reason = input.churnReason ?? null;
      if (input.churnNote !== undefined) patch.churn_note = input.churnNote ?? null;
      if (input.parentId !== undefined) {
        if (input.parentId) await checkParent(trx, input.parentId, id);
        patch.parent_id = input.parentId ?? null;
      }
      if (input.currency !== undefined && input.currency !== row.currency) {
        if (Number(row.mrr_minor) !== 0) {
          throw invalid(
            'currency',
            'cannot change the currency of an account with live subscriptions',
          );
        }
        patch.currency = input.currency;
      }
      if (input.ownerId !== undefined) {
        const ownerId = input.ownerId
          ? await resolveUserRef({ ...ctx, db: trx }, input.ownerId)
          : null;
        if (ownerId !== row.owner_id) {
          // Reassigning needs the right over both the old owner's and the new owner's book.
          ctx.can('reassign', 'account', { ownerId: row.owner_id });
          ctx.can('reassign', 'account', { ownerId });
          patch.owner_id = ownerId;
          await timeline.record(ctx, trx, id, {
            kind: 'owner_changed',
            title: 'Owner changed',
            data: { from: row.owner_id, to: ownerId },
          });
        }
      }
      if (input.stage !== undefined) {
        await moveStage(ctx, trx, row, input.stage, input.stageReason ?? null, patch);
      }
      if (patch.name !== undefined || patch.domain !== undefined) {
        patch.search_text = searchText(
          patch.name ?? row.name,
          patch.domain !== undefined ? patch.domain : row.domain,
        );
      }
      if (Object.keys(patch).length === 0) return toAccount(row);
      patch.updated_at = ctx.now().toISOString();
      await store.updateAccount(trx, id, patch);
      const after = { ...row, ...patch } as AccountRow;
      await recordAudit(ctx, trx, {
        entity: 'account',
        entityId: id,
        action: 'update',
        before: row,
        after,
      });
      return toAccount(after);
    }),
  );
}

export async function changeStage(
  ctx: Ctx,
  id: string,
  to: Stage,
  reason?: string,
): Promise<Account> {
  return updateAccount(ctx, id, { stage: to, stageReason: reason });
}

export async function setArchived(ctx: Ctx, id: string, archived: boolean): Promise<Account> {
  return inTx(ctx.db, async (trx) => {
    const row = await store.getAccount(trx, id);
    if (!row) throw notFound('account', id);
    ctx.can('write', 'account', { ownerId: row.owner_id });
    if (Boolean(row.archived_at) === archived) return toAccount(row);
    const at = ctx.now().toISOString();
    const patch = { archived_at: archived ? at : null, updated_at: at };
    await store.updateAccount(trx, id, patch);
    await recordAudit(ctx, trx, {
      entity: 'account',
      entityId: id,
      action: archived ? 'archive' : 'restore',
      before: row,
      after: { ...row, ...patch },
    });
    await timeline.record(ctx, trx, id, {
      kind: archived ? 'account_archived' : 'account_restored',
      title: archived ? 'Account archived' : 'Account restored',
    });
    return toAccount({ ...row, ...patch });
  });
}

export async function listAccounts(ctx: Ctx, q: AccountListInput): Promise<Page<Account>> {
  ctx.can('read', 'account');
  let ownerId: string | null | undefined;
  if (q.owner === 'none') ownerId = null;
  else if (q.owner) ownerId = await resolveUserRef(ctx, q.owner, 'owner');
  const page = await store.listAccounts(
    ctx.db,
    ctx.dialect,
    {
      q: q.q,
      ownerId,
      segment: q.segment ? normaliseSegment(q.segment) : undefined,
      stage: q.stage,
      parentId: q.parentId,
      region: q.region,
      industry: q.industry,
      renewalBefore: q.renewalBefore,
      includeArchived: q.includeArchived,
    },
    q.sort,
    q.limit,
    q.cursor,
  );
  return { items: page.items.map(toAccount), nextCursor: page.nextCursor };
}

export async function stageHistory(ctx: Ctx, id: string) {
  assertReadable(ctx, 'account', 'account', id);
  if (!(await store.getAccount(ctx.db, id))) throw notFound('account', id);
  return (await store.listStageHistory(ctx.db, id)).map((r) => ({
    id: r.id,
    fromStage: r.from_stage,
    toStage: r.to_stage,
    changedAt: r.changed_at,
    actor: r.actor,
    reason: r.reason,
  }));
}
