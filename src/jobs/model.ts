/**
 * When recurring jobs are due and how failed attempts back off. Pure: the runner and its
 * tests share these rules.
 *
 * A recurring job runs once per slot. A slot is named by the instant it became due, so
 * every server process computes the same name and the database's unique key on
 * (job, slot) lets exactly one of them claim it. After downtime only the latest due slot
 * runs: a server that was down for three days scores once when it comes back, not three
 * times.
 */

export type Schedule =
  /** Every N minutes, on the minute, counted from midnight UTC. */
  | { every: 'minutes'; minutes: number }
  /** Once a day at HH:MM UTC. */
  | { every: 'day'; at: string };

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface Slot {
  /** The slot's id: its due instant as ISO text (minute precision). */
  id: string;
  dueAt: Date;
}

function minuteOf(at: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!m) throw new RangeError(`daily time must be HH:MM (UTC), not ${JSON.stringify(at)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function checkSchedule(s: Schedule): void {
  if (s.every === 'minutes') {
    if (!Number.isInteger(s.minutes) || s.minutes < 1 || s.minutes > 1440 || 1440 % s.minutes)
      throw new RangeError(
        `minutes must divide a day (1, 2, 5, 10, 15, 30, 60, …), not ${s.minutes}`,
      );
  } else minuteOf(s.at);
}

/** The latest slot due at `now` (never one in the future). */
export function dueSlot(s: Schedule, now: Date): Slot {
  const t = now.getTime();
  let due: number;
  if (s.every === 'minutes') {
    const period = s.minutes * MINUTE;
    due = Math.floor(t / period) * period;
  } else {
    const offset = minuteOf(s.at) * MINUTE;
    const midnight = Math.floor(t / DAY) * DAY;
    due = t >= midnight + offset ? midnight + offset : midnight - DAY + offset;
  }
  const dueAt = new Date(due);
  return { id: dueAt.toISOString().slice(0, 16) + 'Z', dueAt };
}

/** The slot after the one due at `now`: when the scheduler next has work for this job. */
export function nextSlotAt(s: Schedule, now: Date): Date {
  const cur = dueSlot(s, now).dueAt.getTime();
  return new Date(cur + (s.every === 'minutes' ? s.minutes * MINUTE : DAY));
}

export interface Backoff {
  /** Wait before the first retry. */
  baseMs: number;
  /** Never wait longer than this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 30_000, maxMs: 3_600_000 };

/**
 * The wait before retry number `attempt` (1 = the first retry): doubling from the base,
 * capped, with up to a fifth taken off at random (`jitter` in [0, 1)) so that jobs failing
 * together do not all come back in the same instant.
 */
export function backoffMs(attempt: number, b: Backoff = DEFAULT_BACKOFF, jitter = 0): number {
  const exp = Math.min(b.maxMs, b.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(exp * (1 - 0.2 * Math.min(Math.max(jitter, 0), 0.999)));
}

/** The unique key of a recurring job's run in a slot. */
export const slotKey = (job: string, slot: string): string => `${job}@${slot}`;
