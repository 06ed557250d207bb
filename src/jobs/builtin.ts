import type { Ctx } from '../core/context.js';
import { toIsoDate } from '../core/clock.js';
import { evaluateAlerts } from '../health/alerts/evaluate.js';
import { backfillOneDay, dailyRescore, rescoreDirty } from '../health/scoring/service.js';
import { deliverDue } from '../outbound/service.js';
import { mailSettings, realTransports } from '../outbound/transports.js';
import { runRenewalReminders } from '../renewals/reminders.js';
import { refreshSignals } from '../renewals/signals.js';
import { evaluateRules } from '../rules/service.js';
import { queueTaskReminders } from '../tasks/reminders.js';
import { rollUpStranded } from '../usage/intake/apply.js';
import { purgeRawEvents } from '../usage/retention.js';
import type { JobDefinition } from './runner.js';
import { pruneJobs } from './service.js';

/** How long one backfill run may go on before it leaves the rest to the next slot. */
const BACKFILL_BUDGET_MS = 60_000;

/**
 * The jobs every installation runs. Each is safe to run again for the same slot (a retry
 * or a takeover after a crash): scoring overwrites the day's snapshot, alerts are unique
 * per cause, the purge deletes what is past the window.
 */
export function builtinJobs(): JobDefinition[] {
  const mail = mailSettings();
  const transports = realTransports(mail);
  return [
    {
      kind: 'outbound.send',
      description:
        'Send due emails, Slack messages and webhooks from the outbox; retry failures with backoff',
      schedule: { every: 'minutes', minutes: 1 },
      maxAttempts: 1,
      run: async (ctx) => deliverDue(ctx, transports, mail),
    },
    {
      kind: 'rules.evaluate',
      description:
        'Evaluate the active rules and fire each new cause once (tasks, plays, messages)',
      schedule: { every: 'minutes', minutes: 5 },
      maxAttempts: 1,
      run: async (ctx) => {
        const r = await evaluateRules(ctx);
        return { rules: r.rules, fired: r.fired.length };
      },
    },
    {
      kind: 'renewals.refresh',
      description:
        'Work out every account’s renewal bucket and expansion signals (health, alerts, usage, contacts, tickets)',
      schedule: { every: 'minutes', minutes: 5 },
      maxAttempts: 1,
      run: async (ctx) => refreshSignals(ctx),
    },
    {
      kind: 'renewals.remind',
      description:
        'Remind owners of renewals reaching each window (timeline, email, Slack), once per subscription, window and renewal date',
      schedule: { every: 'minutes', minutes: 60 },
      run: async (ctx) => runRenewalReminders(ctx),
    },
    {
      kind: 'tasks.remind',
      description: 'Email each person their open tasks due today or overdue, once a day',
      schedule: { every: 'day', at: '07:00' },
      run: async (ctx) => queueTaskReminders(ctx),
    },
    {
      kind: 'health.rescore-changed',
      description:
        'Rescore today the accounts whose usage, support, contacts or manual measures changed, then evaluate their alerts',
      schedule: { every: 'minutes', minutes: 1 },
      // The next minute's run picks up whatever this one left.
      maxAttempts: 1,
      run: async (ctx) => {
        const ids = await rescoreDirty(ctx);
        if (ids.length > 0) await evaluateAlerts(ctx, toIsoDate(ctx.now()), ids);
        return { accounts: ids.length };
      },
    },
    {
      kind: 'health.daily',
      description: 'Score every live account for the day, then evaluate every alert rule',
      schedule: { every: 'day', at: '00:05' },
      run: async (ctx) => {
        const scored = await dailyRescore(ctx);
        if (scored) await evaluateAlerts(ctx, toIsoDate(ctx.now()));
        return { scored };
      },
    },
    {
      kind: 'health.backfill',
      description:
        'Fill in missing health history of the last 90 days, newest day first, for up to a minute per run',
      schedule: { every: 'minutes', minutes: 5 },
      maxAttempts: 1,
      run: async (ctx, { signal }) => fillHistory(ctx, signal),
    },
    {
      kind: 'intake.rollups',
      description:
        'Roll up stored events a stopped or crashed server left unrolled (it acknowledged them, then deferred their rollups)',
      schedule: { every: 'minutes', minutes: 1 },
      maxAttempts: 1,
      run: async (ctx) => ({ events: await rollUpStranded(ctx, 60_000) }),
    },
    {
      kind: 'usage.purge-raw-events',
      description: 'Delete raw events older than the retention window, in batches (rollups stay)',
      schedule: { every: 'minutes', minutes: 60 },
      run: async (ctx) => ({ deleted: await purgeRawEvents(ctx) }),
    },
    {
      kind: 'jobs.prune',
      description: 'Forget finished jobs: succeeded after 7 days, failed after 90',
      schedule: { every: 'day', at: '03:00' },
      run: async (ctx) => ({ deleted: await pruneJobs(ctx) }),
    },
  ];
}

async function fillHistory(ctx: Ctx, signal: AbortSignal): Promise<{ days: string[] }> {
  const began = Date.now();
  const days: string[] = [];
  while (Date.now() - began < BACKFILL_BUDGET_MS && !signal.aborted) {
    const day = await backfillOneDay(ctx);
    if (day === null) break;
    days.push(day);
  }
  return { days };
}
