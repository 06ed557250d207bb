import { z } from 'zod';
import type { Ctx } from '../core/context.js';
import { invalid } from '../core/errors.js';
import { inTx, type Executor } from '../db/database.js';
import { recordAudit } from '../audit/record.js';
import { getSetting, putSetting } from '../settings/service.js';
import type { FeatureMap } from './measures.js';

export const FEATURES_KEY = 'usage.features';
export const RETENTION_KEY = 'usage.retentionDays';
export const DEFAULT_RETENTION_DAYS = 90;
export const MAX_FEATURE_MAPPINGS = 500;

export interface UsageSettings {
  features: Record<string, string>;
  retentionDays: number;
}

// Event names are matched exactly as the product sends them, so they are not trimmed.
const EventName = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => s.trim().length > 0, { message: 'must not be blank' });
const FeatureName = z.string().trim().min(1).max(200);

export const FeatureMapSchema = z
  .record(EventName, FeatureName)
  .refine((m) => Object.keys(m).length <= MAX_FEATURE_MAPPINGS, {
    message: `at most ${MAX_FEATURE_MAPPINGS} event → feature mappings`,
  })
  .describe('event name → feature, e.g. { "Report Exported": "reporting" }');
export const RetentionDaysSchema = z
  .number()
  .int()
  .min(1)
  .max(3650)
  .describe('days raw events are kept; daily rollups are kept for ever');

export const UsageSettingsOut = z
  .object({ features: z.record(z.string(), z.string()), retentionDays: z.number().int() })
  .meta({ id: 'UsageSettings' });
export const UsageSettingsBody = z
  .object({ features: FeatureMapSchema.optional(), retentionDays: RetentionDaysSchema.optional() })
  .strict()
  .describe('fields left out keep their value')
  .meta({ id: 'UsageSettingsUpdate' });
export type UsageSettingsInput = z.input<typeof UsageSettingsBody>;

/** The stored mapping, keeping only well-formed entries (the value is JSON text). */
export async function readFeatureMap(db: Executor): Promise<FeatureMap> {
  const raw = await getSetting<unknown>(db, FEATURES_KEY, {});
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const out: Record<string, string> = {};
  for (const [event, feature] of Object.entries(raw)) {
    if (typeof feature === 'string' && feature) out[event] = feature;
  }
  return out;
}

export async function readRetentionDays(db: Executor): Promise<number> {
  const raw = await getSetting<unknown>(db, RETENTION_KEY, DEFAULT_RETENTION_DAYS);
  return RetentionDaysSchema.safeParse(raw).success ? (raw as number) : DEFAULT_RETENTION_DAYS;
}

async function read(db: Executor): Promise<UsageSettings> {
  return {
    features: { ...(await readFeatureMap(db)) },
    retentionDays: await readRetentionDays(db),
  };
}

export async function getUsageSettings(ctx: Ctx): Promise<UsageSettings> {
  ctx.can('read', 'setting');
  return read(ctx.db);
}

/** Replace the feature mapping and/or the retention period; admin only, audited. */
export async function putUsageSettings(
  ctx: Ctx,
  input: UsageSettingsInput,
): Promise<UsageSettings> {
  ctx.can('write', 'setting');
  // Callers other than the HTTP API (CLI, jobs) get the same validation as the route.
  const parsed = UsageSettingsBody.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(issue.path.map(String).join('.') || 'settings', issue.message);
  }
  const patch = parsed.data;
  return inTx(ctx.db, async (trx) => {
    const before = await read(trx);
    const after: UsageSettings = {
      features: patch.features ?? before.features,
      retentionDays: patch.retentionDays ?? before.retentionDays,
    };
    if (patch.features) await putSetting(trx, FEATURES_KEY, after.features, ctx.now());
    if (patch.retentionDays !== undefined)
      await putSetting(trx, RETENTION_KEY, after.retentionDays, ctx.now());
    await recordAudit(ctx, trx, {
      entity: 'setting',
      entityId: 'usage',
      action: 'update',
      before: { ...before },
      after: { ...after },
    });
    return after;
  });
}
