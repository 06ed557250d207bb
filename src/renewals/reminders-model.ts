import { daysBetween, type IsoDate } from '../core/clock.js';

/**
 * Renewal reminders (F3), pure. A reminder is keyed by (subscription, renewal date,
 * window); the database's unique key on the same three makes each one happen once.
 *
 * At a run on `today`, a subscription whose renewal date is `d` days ahead (d ≥ 0) has
 * reached every window of at least d days. The tightest reached window is the current one:
 * it is sent unless already recorded. Wider reached windows not yet recorded are recorded
 * as superseded, without a message: a run that comes late (or a renewal date moved closer)
 * sends one reminder for where the renewal stands now, not a burst of stale ones.
 * A moved renewal date is a new key, so its windows are reminded afresh; moving it back
 * finds the earlier reminders already recorded.
 */

export interface ReminderKey {
  subscriptionId: string;
  renewalDate: IsoDate;
  windowDays: number;
}

export const reminderKey = (k: ReminderKey): string =>
  `${k.subscriptionId}|${k.renewalDate}|${k.windowDays}`;

export interface ReminderPlan {
  send: ReminderKey[];
  supersede: ReminderKey[];
}

/** What one run should record, given what is recorded already. */
export function planReminders(
  subs: readonly { subscriptionId: string; renewalDate: IsoDate }[],
  today: IsoDate,
  windows: readonly number[],
  recorded: ReadonlySet<string>,
): ReminderPlan {
  const plan: ReminderPlan = { send: [], supersede: [] };
  const sorted = [...new Set(windows)].sort((a, b) => a - b);
  for (const s of subs) {
    const days = daysBetween(today, s.renewalDate);
    if (days < 0) continue;
    const reached = sorted.filter((w) => days <= w);
    if (reached.length === 0) continue;
    const [current, ...wider] = reached;
    const key = (windowDays: number): ReminderKey => ({ ...s, windowDays });
    if (!recorded.has(reminderKey(key(current!)))) plan.send.push(key(current!));
    for (const w of wider) if (!recorded.has(reminderKey(key(w)))) plan.supersede.push(key(w));
  }
  return plan;
}
