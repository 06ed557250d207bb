import type { Schemas } from '../api/client';

/** The team view's rows in words and as chart data. Pure. */

export type TeamRow = Schemas['TeamRow'];

/** The team's amounts are summed in minor units; the demo and most books are in one currency. */
export const TEAM_CURRENCY = 'USD';

export const personName = (r: TeamRow): string => r.user?.name ?? 'No owner';

/** Share of a person's ARR at risk, 0–100 (0 with no ARR). */
export const riskShare = (r: TeamRow): number =>
  r.arrMinor > 0 ? Math.round((r.atRiskArrMinor / r.arrMinor) * 100) : 0;

/** ARR at risk per person in major units, largest first, for the bar chart. */
export function riskChart(rows: readonly TeamRow[]): { person: string; 'ARR at risk': number }[] {
  return [...rows]
    .sort((a, b) => b.atRiskArrMinor - a.atRiskArrMinor)
    .map((r) => ({ person: personName(r), 'ARR at risk': Math.round(r.atRiskArrMinor / 100) }));
}

/** The whole team added up. */
export function totals(rows: readonly TeamRow[]) {
  const sum = (f: (r: TeamRow) => number) => rows.reduce((s, r) => s + f(r), 0);
  return {
    accounts: sum((r) => r.accounts),
    arrMinor: sum((r) => r.arrMinor),
    atRiskArrMinor: sum((r) => r.atRiskArrMinor),
    atRiskAccounts: sum((r) => r.atRiskAccounts),
    tasksOverdue: sum((r) => r.tasksOverdue),
  };
}

/** "1 account", "3 accounts". */
export const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
