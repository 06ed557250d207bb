import type { Ctx } from '../../core/context.js';
import { toIsoDate } from '../../core/clock.js';
import { evaluateAlerts } from '../alerts/evaluate.js';
import { backfillOneDay, dailyRescore, rescoreDirty } from './service.js';

/**
 * Until the job runner exists (work-process issue), the server keeps health current itself:
 * every minute it rescores the accounts whose inputs changed, and once a day (checked every
 * ten minutes) it scores every account; alerts are evaluated after each. After start it fills in the last 90 days of history
 * in the background, one day every few seconds, newest first (a fresh install or the demo
 * then has trends and drivers). One pass at a time; a failure is reported and the next tick
 * tries again.
 */
export function startHealthScoring(
  ctx: Ctx,
  opts: {
    onError: (message: string) => void;
    dirtyEveryMs?: number;
    dailyEveryMs?: number;
    firstAfterMs?: number;
    backfillEveryMs?: number;
  },
): { stop(): void } {
  let running = false;
  const guarded = (fn: () => Promise<unknown>) => () => {
    if (running) return;
    running = true;
    fn()
      .catch((err: unknown) => opts.onError(err instanceof Error ? err.message : String(err)))
      .finally(() => {
        running = false;
      });
  };
  const today = () => toIsoDate(ctx.now());
  // Alerts follow the scores: for the accounts just rescored, and for everyone daily.
  const dirty = setInterval(
    guarded(async () => {
      const ids = await rescoreDirty(ctx);
      if (ids.length > 0) await evaluateAlerts(ctx, today(), ids);
    }),
    opts.dirtyEveryMs ?? 60_000,
  );
  const dailyPass = async () => {
    if (await dailyRescore(ctx)) await evaluateAlerts(ctx, today());
  };
  const daily = setInterval(guarded(dailyPass), opts.dailyEveryMs ?? 600_000);
  dirty.unref();
  daily.unref();
  // The first daily pass soon after start, so a fresh install has scores.
  const first = setTimeout(guarded(dailyPass), opts.firstAfterMs ?? 5_000);
  first.unref();
  let backfilled = false;
  const backfill = setInterval(
    guarded(async () => {
      if (backfilled) return;
      if ((await backfillOneDay(ctx)) === null) {
        backfilled = true;
        clearInterval(backfill);
      }
    }),
    opts.backfillEveryMs ?? 3_000,
  );
  backfill.unref();
  return {
    stop() {
      clearInterval(dirty);
      clearInterval(daily);
      clearInterval(backfill);
      clearTimeout(first);
    },
  };
}
