import type { Schemas } from '../api/client';
import { csvCell } from './csv';
import { oneOf } from './url';

/**
 * The portfolio's view state and what it does to the rows: filter, search, sort, group and
 * CSV. Pure, so the URL, saved views and tests all share it.
 */

/** One account as GET /api/v1/portfolio returns it. */
export type PortfolioRow = Schemas['PortfolioRow'];

export const SORT_FIELDS = [
  'name',
  'health',
  'arr',
  'renewal',
  'owner',
  'segment',
  'stage',
  'alerts',
  'tasks',
  'touch',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export const GROUPS = ['none', 'segment', 'owner', 'tier', 'stage'] as const;
export type GroupBy = (typeof GROUPS)[number];
export const RENEWAL_WINDOWS = ['overdue', '30', '60', '90', '120'] as const;
export type RenewalWindow = (typeof RENEWAL_WINDOWS)[number];

export interface ViewState {
  scope: 'mine' | 'team' | 'all' | null;
  q: string;
  tiers: string[];
  segments: string[];
  stages: string[];
  owners: string[];
  renewal: RenewalWindow | null;
  alertsOnly: boolean;
  sort: SortField;
  dir: 'asc' | 'desc';
  group: GroupBy;
}

export const DEFAULT_VIEW: ViewState = {
  scope: null,
  q: '',
  tiers: [],
  segments: [],
  stages: [],
  owners: [],
  renewal: null,
  alertsOnly: false,
  sort: 'health',
  dir: 'asc',
  group: 'none',
};

const list = (v: string | null) => (v ? v.split(',').filter(Boolean) : []);

/** The view a URL holds; anything unknown falls back to the default. */
export function viewFromParams(p: URLSearchParams): ViewState {
  return {
    scope: oneOf(p.get('scope'), ['mine', 'team', 'all'] as const),
    q: p.get('q') ?? '',
    tiers: list(p.get('tier')),
    segments: list(p.get('segment')),
    stages: list(p.get('stage')),
    owners: list(p.get('owner')),
    renewal: oneOf(p.get('renewal'), RENEWAL_WINDOWS),
    alertsOnly: p.get('alerts') === '1',
    sort: oneOf(p.get('sort'), SORT_FIELDS) ?? DEFAULT_VIEW.sort,
    dir: p.get('dir') === 'desc' ? 'desc' : p.get('dir') === 'asc' ? 'asc' : DEFAULT_VIEW.dir,
    group: oneOf(p.get('group'), GROUPS) ?? 'none',
  };
}

/** The URL of a view: only what differs from the default, so links stay short. */
export function paramsFromView(v: ViewState): URLSearchParams {
  const p = new URLSearchParams();
  if (v.scope) p.set('scope', v.scope);
  if (v.q) p.set('q', v.q);
  if (v.tiers.length) p.set('tier', v.tiers.join(','));
  if (v.segments.length) p.set('segment', v.segments.join(','));
  if (v.stages.length) p.set('stage', v.stages.join(','));
  if (v.owners.length) p.set('owner', v.owners.join(','));
  if (v.renewal) p.set('renewal', v.renewal);
  if (v.alertsOnly) p.set('alerts', '1');
  if (v.sort !== DEFAULT_VIEW.sort) p.set('sort', v.sort);
  if (v.dir !== DEFAULT_VIEW.dir) p.set('dir', v.dir);
  if (v.group !== 'none') p.set('group', v.group);
  return p;
}

const DAY = 864e5;

function daysTo(date: string, today: number): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - today) / DAY);
}

/** Midnight UTC of the day `now` falls on. */
export function todayUtc(now: number): number {
  return Math.floor(now / DAY) * DAY;
}

export function matches(r: PortfolioRow, v: ViewState, now: number): boolean {
  if (v.q) {
    const q = v.q.toLowerCase();
    const hay =
      `${r.name} ${r.owner?.name ?? ''} ${r.segment} ${r.industry ?? ''} ${r.region ?? ''}`.toLowerCase();
    if (!hay.includes(q)) return false;
  }
  if (v.tiers.length && !v.tiers.includes(r.health?.tier ?? 'Not scored')) return false;
  if (v.segments.length && !v.segments.includes(r.segment)) return false;
  if (v.stages.length && !v.stages.includes(r.stage)) return false;
  if (v.owners.length && !v.owners.includes(r.owner?.id ?? 'none')) return false;
  if (v.alertsOnly && r.openAlerts === 0) return false;
  if (v.renewal) {
    if (!r.renewalDate) return false;
    const d = daysTo(r.renewalDate, todayUtc(now));
    if (v.renewal === 'overdue' ? d >= 0 : d < 0 || d > Number(v.renewal)) return false;
  }
  return true;
}

type Key = string | number | null;

function sortKey(r: PortfolioRow, f: SortField): Key {
  switch (f) {
    case 'name':
      return r.name.toLowerCase();
    case 'health':
      return r.health?.score ?? null;
    case 'arr':
      return r.arrMinor;
    case 'renewal':
      return r.renewalDate;
    case 'owner':
      return r.owner?.name.toLowerCase() ?? null;
    case 'segment':
      return r.segment;
    case 'stage':
      return r.stage;
    case 'alerts':
      return r.openAlerts;
    case 'tasks':
      return r.openTasks;
    case 'touch':
      return r.lastTouchAt;
  }
}

/** Sorted copy; missing values last in either direction, then by name for a stable order. */
export function sortRows(
  rows: readonly PortfolioRow[],
  f: SortField,
  dir: 'asc' | 'desc',
): PortfolioRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = sortKey(a, f);
    const y = sortKey(b, f);
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * sign;
    }
    return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  });
}

export type Item =
  | {
      kind: 'group';
      key: string;
      label: string;
      count: number;
      arrMinor: number;
      currency: string | null;
    }
  | { kind: 'row'; row: PortfolioRow };

function groupOf(r: PortfolioRow, g: GroupBy): string {
  switch (g) {
    case 'segment':
      return r.segment;
    case 'owner':
      return r.owner?.name ?? 'No owner';
    case 'tier':
      return r.health?.tier ?? 'Not scored';
    case 'stage':
      return r.stage;
    case 'none':
      return '';
  }
}

/** The list the table shows: rows, with a heading before each group when grouped. */
export function arrange(rows: readonly PortfolioRow[], v: ViewState, now: number): Item[] {
  const shown = sortRows(
    rows.filter((r) => matches(r, v, now)),
    v.sort,
    v.dir,
  );
  if (v.group === 'none') return shown.map((row) => ({ kind: 'row', row }));
  const groups = new Map<string, PortfolioRow[]>();
  for (const r of shown) {
    const k = groupOf(r, v.group);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: Item[] = [];
  for (const k of [...groups.keys()].sort((a, b) => a.localeCompare(b))) {
    const members = groups.get(k)!;
    const currencies = new Set(members.map((m) => m.currency));
    out.push({
      kind: 'group',
      key: k,
      label: k,
      count: members.length,
      arrMinor: members.reduce((s, m) => s + m.arrMinor, 0),
      currency: currencies.size === 1 ? members[0]!.currency : null,
    });
    for (const row of members) out.push({ kind: 'row', row });
  }
  return out;
}

/** The rows shown, as CSV (money in major units with its currency, ISO dates). */
export function toCsv(items: readonly Item[]): string {
  const head = [
    'Account',
    'Segment',
    'Stage',
    'Owner',
    'Health score',
    'Health tier',
    'ARR',
    'Currency',
    'Renewal date',
    'Open alerts',
    'Open tasks',
    'Last touch',
  ];
  const lines = [head.join(',')];
  for (const it of items) {
    if (it.kind !== 'row') continue;
    const r = it.row;
    const digits =
      new Intl.NumberFormat('en-US', { style: 'currency', currency: r.currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    lines.push(
      [
        r.name,
        r.segment,
        r.stage,
        r.owner?.name ?? null,
        r.health?.score ?? null,
        r.health?.tier ?? null,
        (r.arrMinor / 10 ** digits).toFixed(digits),
        r.currency,
        r.renewalDate,
        r.openAlerts,
        r.openTasks,
        r.lastTouchAt,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
