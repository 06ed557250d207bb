import { addDays, type IsoDate } from '../core/clock.js';
import type { Subject } from '../identity/permissions.js';
import { MANUAL_KINDS } from '../accounts/timeline/model.js';

/**
 * The portfolio's pure parts: which accounts a scope covers, which timeline entries count as
 * a touch, and the fixed-length health trend. No I/O, no clock.
 */

export const SCOPES = ['mine', 'team', 'all'] as const;
export type Scope = (typeof SCOPES)[number];

/** Days in a row's health trend, ending at its latest snapshot. */
export const TREND_DAYS = 30;

/**
 * A person's touch, as the alerts' intervention rule counts it: the hand-logged kinds and a
 * health check. System entries (stage changes, imports, alerts) are not touches.
 */
export const TOUCH_KINDS: readonly string[] = [...MANUAL_KINDS, 'health_review'];

/** Whose accounts: everyone's, or those owned by one of `ids`. */
export type OwnerFilter = { kind: 'all' } | { kind: 'owners'; ids: readonly string[] };

/**
 * The scope applied: the one asked for, else a CSM's own book and everyone else's whole
 * portfolio. Without a signed-in user (an API key) there is no "mine": always everything.
 */
export function scopeFor(asked: Scope | undefined, viewer: Subject | null): Scope {
  if (!viewer) return 'all';
  return asked ?? (viewer.role === 'csm' ? 'mine' : 'all');
}

/** The owners a scope covers; "team" is the permission check's team plus the viewer. */
export function ownerFilter(scope: Scope, viewer: Subject | null): OwnerFilter {
  if (!viewer || scope === 'all') return { kind: 'all' };
  if (scope === 'mine') return { kind: 'owners', ids: [viewer.userId] };
  return { kind: 'owners', ids: [viewer.userId, ...(viewer.team ?? [])] };
}

/** The TREND_DAYS days ending at a latest day, oldest first, with each day's position. */
export interface TrendWindow {
  days: readonly IsoDate[];
  position: ReadonlyMap<IsoDate, number>;
}

export function trendWindow(latest: IsoDate): TrendWindow {
  const days: IsoDate[] = [];
  for (let i = TREND_DAYS - 1; i >= 0; i--) days.push(addDays(latest, -i));
  return { days, position: new Map(days.map((d, i) => [d, i])) };
}

/**
 * One composite (0–100) per day of the window from packed "YYYY-MM-DD=tenths" pairs; null
 * for a day without a snapshot or whose snapshot had no data (empty tenths).
 */
export function trendOf(window: TrendWindow, packed: string | null): (number | null)[] {
  const out = Array<number | null>(window.days.length).fill(null);
  for (const pair of packed ? packed.split(',') : []) {
    const eq = pair.indexOf('=');
    const at = window.position.get(pair.slice(0, eq));
    const tenths = pair.slice(eq + 1);
    if (at !== undefined && tenths !== '') out[at] = Number(tenths) / 10;
  }
  return out;
}

/** How a user is shown: their name, or their email when they have none. */
export function displayName(user: { name: string; email: string }): string {
  return user.name.trim() || user.email;
}
