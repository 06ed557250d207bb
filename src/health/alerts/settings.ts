import { z } from 'zod';
import type { Ctx } from '../../core/context.js';
import { invalid } from '../../core/errors.js';
import { inTx, type Executor } from '../../db/database.js';
import { recordAudit } from '../../audit/record.js';
import { getSetting, putSetting } from '../../settings/service.js';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from './kinds.js';

/** The alert thresholds: one settings object; a field never set keeps its default. */
export const ALERT_SETTINGS_KEY = 'health.alerts';

const days = (max: number) => z.number().int().min(1).max(max);

/** Each field's range; the descriptions say what the default is. */
export const AlertSettingsShape = {
  scoreDropPoints: z
    .number()
    .min(0.1)
    .max(100)
    .describe('score_drop: points the composite must fall (default 10)'),
  scoreDropWindowDays: days(366).describe('score_drop: …within this many days (default 30)'),
  tierChangeLookbackDays: days(90).describe(
    'tier_change: changes this many days back are reported (default 7)',
  ),
  usageDropPercent: z
    .number()
    .min(1)
    .max(100)
    .describe('usage_drop: active users fell by more than this percent (default 30)'),
  usageDropMinUsers: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .describe('usage_drop: fewer users than this in the 30 days before is too few (default 5)'),
  supportSpikeMultiplier: z
    .number()
    .min(1)
    .max(100)
    .describe('support_spike: times the weekly average of the 90 days before (default 3)'),
  supportSpikeMinTickets: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .describe('support_spike: and at least this many tickets in 7 days (default 3)'),
  onboardingNoLoginDays: days(366).describe(
    'onboarding_no_login: days in onboarding with no active user (default 14)',
  ),
  renewalWithinDays: days(366).describe('renewal_risk: renewals this many days ahead (default 60)'),
  redDays: days(366).describe(
    'red_no_intervention: more than this many days in the lowest tier (default 14)',
  ),
  eventLookbackDays: days(366).describe(
    'champion_left, detractor_nps: older events are history, not news (default 30)',
  ),
} as const;

export const AlertSettingsOut = z.object(AlertSettingsShape).meta({ id: 'HealthAlertSettings' });
export const AlertSettingsBody = z
  .object(AlertSettingsShape)
  .partial()
  .strict()
  .describe('fields left out keep their value')
  .meta({ id: 'HealthAlertSettingsUpdate' });
export type AlertSettingsInput = z.input<typeof AlertSettingsBody>;

/** The stored object over the defaults; a stored field out of range falls back to its default. */
export async function readAlertSettings(db: Executor): Promise<AlertSettings> {
  const raw = await getSetting<unknown>(db, ALERT_SETTINGS_KEY, {});
  const out: AlertSettings = { ...DEFAULT_ALERT_SETTINGS };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  const stored = raw as Record<string, unknown>;
  for (const key of Object.keys(AlertSettingsShape) as (keyof AlertSettings)[]) {
    const parsed = AlertSettingsShape[key].safeParse(stored[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out;
}

export async function getAlertSettings(ctx: Ctx): Promise<AlertSettings> {
  ctx.can('read', 'setting');
  return readAlertSettings(ctx.db);
}

/** Change some thresholds; admin only, audited. */
export async function putAlertSettings(
  ctx: Ctx,
  input: AlertSettingsInput,
): Promise<AlertSettings> {
  ctx.can('write', 'setting');
  // The CLI and jobs get the same validation as the route.
  const parsed = AlertSettingsBody.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(issue.path.map(String).join('.') || 'settings', issue.message);
  }
  return inTx(ctx.db, async (trx) => {
    const before = await readAlertSettings(trx);
    const after: AlertSettings = { ...before, ...parsed.data };
    await putSetting(trx, ALERT_SETTINGS_KEY, after, ctx.now());
    await recordAudit(ctx, trx, {
      entity: 'setting',
      entityId: ALERT_SETTINGS_KEY,
      action: 'update',
      before: { ...before },
      after: { ...after },
    });
    return after;
  });
}
