import { api, unwrap } from '../../api/client';

/** Shared words, types and reads of the backtest screens. */

export function fetchBacktest(id: string) {
  return unwrap(api.GET('/api/v1/health/backtests/{id}', { params: { path: { id } } }));
}

/** As the client returns it (openapi-fetch reads the AUC interval as a plain array). */
export type Backtest = Awaited<ReturnType<typeof fetchBacktest>>;
export type BacktestReport = Backtest['report'];
export type VerdictKind = BacktestReport['verdict']['kind'];

export const VERDICT: Record<VerdictKind, { label: string; color: string }> = {
  signal: { label: 'Predicts churn', color: 'teal' },
  no_signal: { label: 'No usable signal', color: 'yellow' },
  inverse: { label: 'Points the wrong way', color: 'red' },
  too_few: { label: 'Too few outcomes', color: 'gray' },
};

export const pct = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`;

export const two = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : v.toFixed(2);

/** "0.71 (95% interval 0.66–0.76)". */
export function withInterval(
  a: { auc: number; ci?: readonly number[] | null } | null | undefined,
): string {
  if (!a) return 'not reported';
  return a.ci ? `${two(a.auc)} (95% interval ${two(a.ci[0])}–${two(a.ci[1])})` : two(a.auc);
}
