import { z } from 'zod';
import type { Ctx } from '../core/context.js';
import { invalid } from '../core/errors.js';
import { inTx, type Executor } from '../db/database.js';
import { recordAudit } from '../audit/record.js';
import { getSetting, putSetting } from '../settings/service.js';
import { DEFAULT_BUCKET_RULES, DEFAULT_PROBABILITIES, WINDOWS } from './model.js';

export const RENEWALS_KEY = 'renewals';

const Bp = z.number().int().min(0).max(10_000);
const EventNames = z.array(z.string().min(1).max(200)).max(100);

/** Everything a CS team may tune about renewals; one JSON setting, defaults filled in. */
export const RenewalSettingsSchema = z
  .object({
    probabilities: z
      .object({ on_track: Bp, at_risk: Bp, expanding: Bp, churning: Bp })
      .describe('renewal probability per bucket in basis points (9000 = 90%)'),
    calibrate: z.boolean().describe('calibrate the probabilities from recorded outcomes'),
    rules: z.object({
      riskUsageDropPct: z.number().min(1).max(100),
      churnUsageDropPct: z.number().min(1).max(100),
      expansionThreshold: z.number().int().min(1).max(100),
    }),
    reminders: z.object({
      windows: z
        .array(z.number().int().min(1).max(365))
        .min(1)
        .max(10)
        .describe('days before the renewal date at which the owner is reminded'),
      email: z.boolean(),
      slackEndpointId: z.string().max(100).nullable().describe('a Slack endpoint, or null'),
    }),
    quotes: z.object({
      seller: z.string().trim().min(1).max(200).describe('the company name quotes are issued by'),
      validDays: z.number().int().min(1).max(365).describe('days a quote stays valid'),
    }),
    expansion: z.object({
      limitEvents: EventNames.describe('event names that mean a usage limit was reached'),
      premiumEvents: EventNames.describe('event names that show interest in premium features'),
    }),
  })
  .meta({ id: 'RenewalSettings' });
export type RenewalSettings = z.infer<typeof RenewalSettingsSchema>;

export const DEFAULT_RENEWAL_SETTINGS: RenewalSettings = {
  probabilities: { ...DEFAULT_PROBABILITIES },
  calibrate: true,
  rules: { ...DEFAULT_BUCKET_RULES },
  reminders: { windows: [...WINDOWS], email: true, slackEndpointId: null },
  quotes: { seller: 'Your company', validDays: 30 },
  expansion: {
    limitEvents: ['Usage Limit Reached', 'Plan Limit Reached'],
    premiumEvents: ['Premium Feature Viewed', 'Upgrade Viewed', 'Pricing Page Viewed'],
  },
};

export const RenewalSettingsPatch = z
  .object({
    probabilities: RenewalSettingsSchema.shape.probabilities.partial().optional(),
    calibrate: z.boolean().optional(),
    rules: RenewalSettingsSchema.shape.rules.partial().optional(),
    reminders: RenewalSettingsSchema.shape.reminders.partial().optional(),
    quotes: RenewalSettingsSchema.shape.quotes.partial().optional(),
    expansion: RenewalSettingsSchema.shape.expansion.partial().optional(),
  })
  .strict()
  .meta({ id: 'RenewalSettingsUpdate' });
export type RenewalSettingsInput = z.input<typeof RenewalSettingsPatch>;

function merge(
  base: RenewalSettings,
  patch: z.infer<typeof RenewalSettingsPatch>,
): RenewalSettings {
  return {
    probabilities: { ...base.probabilities, ...patch.probabilities },
    calibrate: patch.calibrate ?? base.calibrate,
    rules: { ...base.rules, ...patch.rules },
    reminders: { ...base.reminders, ...patch.reminders },
    quotes: { ...base.quotes, ...patch.quotes },
    expansion: { ...base.expansion, ...patch.expansion },
  };
}

/** The stored settings over the defaults; a damaged value falls back to the defaults. */
export async function readRenewalSettings(db: Executor): Promise<RenewalSettings> {
  const raw = await getSetting<unknown>(db, RENEWALS_KEY, {});
  const patch = RenewalSettingsPatch.safeParse(raw);
  return patch.success ? merge(DEFAULT_RENEWAL_SETTINGS, patch.data) : DEFAULT_RENEWAL_SETTINGS;
}

export async function getRenewalSettings(ctx: Ctx): Promise<RenewalSettings> {
  ctx.can('read', 'setting');
  return readRenewalSettings(ctx.db);
}

/** Change some settings; admin only, audited. Fields left out keep their value. */
export async function putRenewalSettings(
  ctx: Ctx,
  input: RenewalSettingsInput,
): Promise<RenewalSettings> {
  ctx.can('write', 'setting');
  const parsed = RenewalSettingsPatch.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(issue.path.map(String).join('.') || 'settings', issue.message);
  }
  return inTx(ctx.db, async (trx) => {
    const before = await readRenewalSettings(trx);
    const after = merge(before, parsed.data);
    const { rules } = after;
    if (rules.churnUsageDropPct < rules.riskUsageDropPct) {
      throw invalid('rules.churnUsageDropPct', 'must be at least rules.riskUsageDropPct');
    }
    if (after.reminders.slackEndpointId) {
      const ep = await trx
        .selectFrom('outbound_endpoints')
        .select(['id', 'kind'])
        .where('id', '=', after.reminders.slackEndpointId)
        .executeTakeFirst();
      if (!ep || ep.kind !== 'slack')
        throw invalid('reminders.slackEndpointId', 'is not a Slack endpoint');
    }
    await putSetting(trx, RENEWALS_KEY, after, ctx.now());
    await recordAudit(ctx, trx, {
      entity: 'setting',
      entityId: RENEWALS_KEY,
      action: 'update',
      before: { ...before },
      after: { ...after },
    });
    return after;
  });
}
