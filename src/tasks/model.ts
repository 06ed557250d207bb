/**
 * Tasks: their vocabulary and the computed priority that orders a CSM's list. Pure.
 *
 * Priority (0–100) weighs what matters to a book of business:
 *   40 × value   — the account's ARR against the largest in the book, on a log scale
 *                  (a 10× bigger account counts for more, but not 10× more);
 *   35 × risk    — how unhealthy the account is: 1 − score/100 (no score: 0.5);
 *   25 × urgency — overdue 1, due today 0.9, then falling linearly to 0.2 at 14 days out
 *                  and beyond (no due date: 0.2);
 * plus the task's own priority: urgent +15, high +7, normal 0, low −7; clamped to 0–100,
 * rounded to a whole number. Ties sort by due date, then age.
 */

export const TASK_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const OPEN_STATUSES: readonly TaskStatus[] = ['open', 'in_progress'];

export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

export const TASK_SOURCES = ['manual', 'playbook', 'rule', 'alert'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];

const BUMP: Record<TaskPriority, number> = { low: -7, normal: 0, high: 7, urgent: 15 };

export interface PriorityInput {
  /** The account's ARR in minor units (any currency: the scale is relative). */
  arrMinor: number;
  /** The largest ARR in the book (the scale's top). */
  maxArrMinor: number;
  /** Health composite 0–100, or null when unscored. */
  healthScore: number | null;
  /** Days from today to the due date (negative: overdue); null when there is none. */
  dueInDays: number | null;
  priority: TaskPriority;
}

export function urgency(dueInDays: number | null): number {
  if (dueInDays === null) return 0.2;
  if (dueInDays < 0) return 1;
  if (dueInDays === 0) return 0.9;
  if (dueInDays >= 14) return 0.2;
  return 0.9 - (0.7 * dueInDays) / 14;
}

export function computedPriority(p: PriorityInput): number {
  const top = Math.max(p.maxArrMinor, p.arrMinor, 0);
  const value = top > 0 ? Math.log1p(Math.max(p.arrMinor, 0)) / Math.log1p(top) : 0;
  const risk = p.healthScore === null ? 0.5 : 1 - Math.min(Math.max(p.healthScore, 0), 100) / 100;
  const raw = 40 * value + 35 * risk + 25 * urgency(p.dueInDays) + BUMP[p.priority];
  return Math.round(Math.min(100, Math.max(0, raw)));
}

/** Whole days from `today` to `due` (both YYYY-MM-DD). */
export function daysBetween(today: string, due: string): number {
  return Math.round(
    (Date.parse(`${due}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
  );
}

export const isOpen = (s: string): boolean => (OPEN_STATUSES as readonly string[]).includes(s);
