import type { Ctx } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { inTx, type Executor } from '../../db/database.js';
import { recordAudit } from '../../audit/record.js';
import { parseModelDefinition, type HealthModelDef } from '../model/definition.js';
import { PRESET_MODELS } from '../model/presets.js';
import { markAllDirty } from '../dirty.js';
import * as store from './store.js';

/**
 * Health models are versioned like code: saving a changed model adds a version, a version
 * is never edited, and every snapshot names the version that scored it. A model key is
 * active (it scores accounts) or not.
 */

export interface ModelVersion {
  id: string;
  key: string;
  version: number;
  name: string;
  def: HealthModelDef;
  note: string | null;
  createdAt: string;
  createdBy: string;
  active: boolean;
}

/** The preset that scores every account out of the box; the other presets start inactive. */
export const DEFAULT_MODEL_KEY = 'three-pillars';

export function toModelVersion(row: store.ModelRow): ModelVersion {
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    name: row.name,
    def: JSON.parse(row.definition) as HealthModelDef,
    note: row.note,
    createdAt: row.created_at,
    createdBy: row.created_by,
    active: row.archived_at === null,
  };
}

/** The presets, on first use: a new install scores with the three-pillar model. */
export async function ensurePresetModels(ctx: Ctx): Promise<void> {
  if ((await store.countModels(ctx.db)) > 0) return;
  await inTx(ctx.db, async (trx) => {
    if ((await store.countModels(trx)) > 0) return;
    const at = ctx.now().toISOString();
    for (const def of PRESET_MODELS) {
      await store.insertVersion(trx, {
        id: newId('hmd', ctx.now().getTime()),
        key: def.key,
        version: 1,
        name: def.name,
        definition: JSON.stringify(def),
        note: 'preset',
        created_at: at,
        created_by: 'system:presets',
        archived_at: def.key === DEFAULT_MODEL_KEY ? null : at,
      });
    }
  });
}

/** The latest version of each model key. */
export async function listModels(ctx: Ctx): Promise<ModelVersion[]> {
  ctx.can('read', 'health_model');
  await ensurePresetModels(ctx);
  const seen = new Set<string>();
  const out: ModelVersion[] = [];
  for (const row of await store.allVersions(ctx.db)) {
    if (seen.has(row.key)) continue;
    seen.add(row.key);
    out.push(toModelVersion(row));
  }
  return out;
}

/** The latest version of every active model: what scores accounts now. */
export async function activeModels(ctx: Ctx): Promise<ModelVersion[]> {
  return (await listModels(ctx)).filter((m) => m.active);
}

export async function modelVersions(ctx: Ctx, key: string): Promise<ModelVersion[]> {
  ctx.can('read', 'health_model');
  await ensurePresetModels(ctx);
  const rows = await store.versionsOf(ctx.db, key);
  if (rows.length === 0) throw new AppError('not_found', `health model ${key} not found`);
  return rows.map(toModelVersion);
}

export async function getModelVersion(
  ctx: Ctx,
  key: string,
  version?: number,
): Promise<ModelVersion> {
  const all = await modelVersions(ctx, key);
  const found = version === undefined ? all[0] : all.find((v) => v.version === version);
  if (!found) throw new AppError('not_found', `health model ${key} version ${version} not found`);
  return found;
}

/** Every account must have a model: some active model has to apply to all of them. */
async function assertCatchAllActive(db: Executor, key: string): Promise<void> {
  const seen = new Set<string>();
  for (const row of await store.allVersions(db)) {
    if (seen.has(row.key)) continue;
    seen.add(row.key);
    const def = JSON.parse(row.definition) as HealthModelDef;
    if (row.archived_at === null && !def.appliesTo) return;
  }
  throw new AppError(
    'conflict',
    `this would leave no active health model for every account (${key}); activate one first`,
  );
}

/**
 * Save a model definition (validated; every problem named by its path). A changed model
 * becomes the next version of its key; an unchanged one returns the current version.
 */
export async function saveModel(
  ctx: Ctx,
  input: unknown,
  opts: { note?: string; activate?: boolean } = {},
): Promise<{ model: ModelVersion; created: boolean }> {
  ctx.can('write', 'health_model');
  const def = parseModelDefinition(input);
  await ensurePresetModels(ctx);
  return inTx(ctx.db, async (trx) => {
    const versions = await store.versionsOf(trx, def.key);
    const latest = versions[0];
    const definition = JSON.stringify(def);
    const at = ctx.now().toISOString();
    if (latest && latest.definition === definition) {
      // Unchanged: no new version; asking to activate only switches the key on.
      if (opts.activate === true && latest.archived_at !== null) {
        await store.setArchived(trx, def.key, null);
        await recordAudit(ctx, trx, {
          entity: 'health_model',
          entityId: latest.id,
          action: 'activate',
          before: { active: false },
          after: { active: true },
        });
        await markAllDirty(trx, ctx.now());
        return { model: { ...toModelVersion(latest), active: true }, created: false };
      }
      return { model: toModelVersion(latest), created: false };
    }
    const active = opts.activate ?? (latest ? latest.archived_at === null : true);
    const row: store.ModelRow = {
      id: newId('hmd', ctx.now().getTime()),
      key: def.key,
      version: (latest?.version ?? 0) + 1,
      name: def.name,
      definition,
      note: opts.note?.trim() || null,
      created_at: at,
      created_by: `${ctx.actor.kind}:${ctx.actor.id}`,
      archived_at: active ? null : at,
    };
    await store.insertVersion(trx, row);
    if (latest) await store.setArchived(trx, def.key, row.archived_at);
    await assertCatchAllActive(trx, def.key);
    await recordAudit(ctx, trx, {
      entity: 'health_model',
      entityId: row.id,
      action: latest ? 'version' : 'create',
      before: latest ? { key: latest.key, version: latest.version } : null,
      after: { key: row.key, version: row.version, name: row.name, note: row.note, active },
    });
    if (active) await markAllDirty(trx, ctx.now());
    return { model: toModelVersion(row), created: true };
  });
}

/** Switch a model key on or off (all its versions alike); accounts are rescored. */
export async function setModelActive(
  ctx: Ctx,
  key: string,
  active: boolean,
): Promise<ModelVersion> {
  ctx.can('write', 'health_model');
  const current = await getModelVersion(ctx, key);
  if (current.active === active) return current;
  return inTx(ctx.db, async (trx) => {
    const at = ctx.now().toISOString();
    await store.setArchived(trx, key, active ? null : at);
    if (!active) await assertCatchAllActive(trx, key);
    await recordAudit(ctx, trx, {
      entity: 'health_model',
      entityId: current.id,
      action: active ? 'activate' : 'deactivate',
      before: { active: current.active },
      after: { active },
    });
    await markAllDirty(trx, ctx.now());
    return { ...current, active };
  });
}
