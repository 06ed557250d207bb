import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arrange,
  DEFAULT_VIEW,
  GROUPS,
  paramsFromView,
  RENEWAL_WINDOWS,
  SORT_FIELDS,
  sortRows,
  toCsv,
  viewFromParams,
  type PortfolioRow,
  type ViewState,
} from './portfolio';

const NOW = Date.parse('2026-06-15T12:00:00Z');

function row(over: Partial<PortfolioRow> & { id: string }): PortfolioRow {
  return {
    name: over.id,
    segment: 'Mid-market',
    stage: 'active',
    industry: null,
    region: null,
    currency: 'USD',
    arrMinor: 1_000_00,
    renewalDate: null,
    owner: null,
    health: null,
    openAlerts: 0,
    openTasks: 0,
    lastTouchAt: null,
    ...over,
  };
}

const word = fc.stringMatching(/^[a-z][a-z0-9 -]{0,11}$/);
const viewArb: fc.Arbitrary<ViewState> = fc.record({
  scope: fc.constantFrom(null, 'mine', 'team', 'all'),
  q: fc.string({ maxLength: 20 }),
  tiers: fc.array(word, { maxLength: 3 }),
  segments: fc.array(word, { maxLength: 3 }),
  stages: fc.array(word, { maxLength: 3 }),
  owners: fc.array(word, { maxLength: 3 }),
  renewal: fc.constantFrom(null, ...RENEWAL_WINDOWS),
  alertsOnly: fc.boolean(),
  sort: fc.constantFrom(...SORT_FIELDS),
  dir: fc.constantFrom('asc', 'desc'),
  group: fc.constantFrom(...GROUPS),
});

describe('portfolio view state', () => {
  it('survives a round trip through the URL, whatever it holds', () => {
    fc.assert(
      fc.property(viewArb, (v) => {
        const back = viewFromParams(new URLSearchParams(paramsFromView(v).toString()));
        expect(back).toEqual(v);
      }),
    );
  });

  it('falls back to the defaults for anything it does not know', () => {
    const v = viewFromParams(
      new URLSearchParams('sort=rowid&dir=sideways&group=planet&renewal=7&scope=world'),
    );
    expect(v).toEqual(DEFAULT_VIEW);
    expect(paramsFromView(DEFAULT_VIEW).toString()).toBe('');
  });
});

describe('portfolio rows', () => {
  const rows = [
    row({
      id: 'a',
      renewalDate: '2026-06-10',
      openAlerts: 2,
      health: { score: 40, tier: 'Red', date: '2026-06-14', trend: [] },
    }),
    row({
      id: 'b',
      renewalDate: '2026-07-01',
      health: { score: 85, tier: 'Green', date: '2026-06-14', trend: [] },
    }),
    row({ id: 'c', renewalDate: '2026-09-20', segment: 'Enterprise', arrMinor: 50_000_00 }),
    row({ id: 'd', renewalDate: '2026-06-15', owner: { id: 'u1', name: 'Bea' } }),
  ];

  it('filters renewal windows by whole days from today, overdue apart', () => {
    const ids = (renewal: ViewState['renewal']) =>
      arrange(rows, { ...DEFAULT_VIEW, renewal, sort: 'name' }, NOW).map((i) =>
        i.kind === 'row' ? i.row.id : i.key,
      );
    expect(ids('overdue')).toEqual(['a']);
    // Renewing today is within every window and not overdue.
    expect(ids('30')).toEqual(['b', 'd']);
    expect(ids('120')).toEqual(['b', 'c', 'd']);
  });

  it('sorts missing values last in both directions', () => {
    expect(sortRows(rows, 'health', 'asc').map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(sortRows(rows, 'health', 'desc').map((r) => r.id)).toEqual(['b', 'a', 'c', 'd']);
  });

  it('groups with counts and ARR that add up to the rows shown', () => {
    fc.assert(
      fc.property(viewArb, (v) => {
        const items = arrange(rows, v, NOW);
        const shown = items.filter((i) => i.kind === 'row');
        const groups = items.filter((i) => i.kind === 'group');
        if (v.group === 'none') expect(groups).toHaveLength(0);
        else {
          expect(groups.reduce((s, g) => s + (g.kind === 'group' ? g.count : 0), 0)).toBe(
            shown.length,
          );
          expect(groups.reduce((s, g) => s + (g.kind === 'group' ? g.arrMinor : 0), 0)).toBe(
            shown.reduce((s, r) => s + (r.kind === 'row' ? r.row.arrMinor : 0), 0),
          );
        }
      }),
    );
  });

  it('exports what is shown as CSV, quoting commas and defusing formulas', () => {
    const csv = toCsv(
      arrange(
        [
          row({ id: 'x', name: '=HYPERLINK("evil")', arrMinor: 123_456 }),
          row({ id: 'y', name: 'Acme, Inc.', currency: 'JPY', arrMinor: 5000 }),
        ],
        { ...DEFAULT_VIEW, sort: 'name' },
        NOW,
      ),
    );
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(`"'=HYPERLINK(""evil"")",Mid-market,active,,,,1234.56,USD,,0,0,`);
    // Yen have no minor unit: 5000 minor units are 5000 yen.
    expect(lines[2]).toBe('"Acme, Inc.",Mid-market,active,,,,5000,JPY,,0,0,');
  });
});
