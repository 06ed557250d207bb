import { describe, expect, it } from 'vitest';
import {
  actorName,
  dueText,
  exactMinor,
  forecastChart,
  groupBoard,
  lines,
  majorText,
  nextStages,
  parseDays,
  pctToBp,
  quarterOf,
  quoteIssue,
  settingsIssues,
  shiftQuarter,
  toMinor,
  totalsOf,
  type RenewalItem,
  type SummaryCell,
} from './renewals';

const item = (id: string, window: RenewalItem['window'], bucket: RenewalItem['bucket']) =>
  ({ subscriptionId: id, window, bucket }) as RenewalItem;

describe('the renewals pages', () => {
  it('groups the board by window and bucket, keeping the API’s order', () => {
    const g = groupBoard([
      item('a', '30', 'at_risk'),
      item('b', '60', 'at_risk'),
      item('c', '30', 'at_risk'),
    ]);
    expect(g.get('30|at_risk')!.map((i) => i.subscriptionId)).toEqual(['a', 'c']);
    expect(g.get('60|at_risk')!.length).toBe(1);
    expect(g.get('30|on_track')).toBeUndefined();
  });

  it('adds counts but keeps ARR apart per currency', () => {
    const cells: SummaryCell[] = [
      { window: '30', bucket: 'at_risk', currency: 'USD', count: 2, arrMinor: 100 },
      { window: '30', bucket: 'on_track', currency: 'USD', count: 1, arrMinor: 50 },
      { window: '30', bucket: 'on_track', currency: 'EUR', count: 3, arrMinor: 900 },
      { window: '60', bucket: 'on_track', currency: 'EUR', count: 9, arrMinor: 9 },
    ];
    expect(totalsOf(cells, (c) => c.window === '30')).toEqual({
      count: 6,
      arr: [
        { currency: 'EUR', arrMinor: 900 },
        { currency: 'USD', arrMinor: 150 },
      ],
    });
    expect(totalsOf(cells, () => false)).toEqual({ count: 0, arr: [] });
  });

  it('says how far a renewal is', () => {
    expect([dueText(0), dueText(1), dueText(12), dueText(-1), dueText(-3)]).toEqual([
      'today',
      'in 1 day',
      'in 12 days',
      '1 day overdue',
      '3 days overdue',
    ]);
  });

  it('turns percent into basis points exactly, refusing what basis points cannot hold', () => {
    expect(pctToBp(5)).toBe(500);
    expect(pctToBp('12.5')).toBe(1250);
    expect(pctToBp(0.07)).toBe(7);
    expect(pctToBp(1.005)).toBeNull();
    expect(pctToBp('')).toBeNull();
    expect(pctToBp('abc')).toBeNull();
  });

  it('puts an API refusal at its field, in percent for rates', () => {
    expect(quoteIssue({ path: 'upliftBp', message: 'must be 0 to 10000' })).toEqual({
      field: 'upliftPct',
      message: 'Must be 0% to 100%',
    });
    expect(quoteIssue({ path: 'body.seats', message: 'must be a whole number' })).toEqual({
      field: 'seats',
      message: 'Must be a whole number',
    });
    expect(quoteIssue({ path: 'subscriptionId', message: 'the subscription is cancelled' })).toBe(
      null,
    );
  });

  it('steps through quarters', () => {
    expect(shiftQuarter('2027Q1', -1)).toBe('2026Q4');
    expect(shiftQuarter('2026Q4', 1)).toBe('2027Q1');
    expect(shiftQuarter('2026Q2', 0)).toBe('2026Q2');
    expect(shiftQuarter('2026-01-01 to 2026-02-01', 1)).toBeNull();
    expect(quarterOf(new Date('2026-12-06T10:00:00Z'))).toBe('2026Q4');
  });

  it('charts every bucket in major units', () => {
    const chart = forecastChart({
      currency: 'JPY',
      byBucket: [{ bucket: 'at_risk', count: 1, arrMinor: 5000, expectedMinor: 2500 }],
    } as Parameters<typeof forecastChart>[0]);
    expect(chart.map((c) => c.bucket)).toEqual(['On Track', 'At Risk', 'Expanding', 'Churning']);
    expect(chart[1]).toEqual({ bucket: 'At Risk', 'ARR up': 5000, Expected: 2500 });
    expect(toMinor('12.34', 'USD')).toBe(1234);
    expect(toMinor(100, 'JPY')).toBe(100);
    expect(toMinor(0, 'USD')).toBeNull();
  });

  it('moves opportunities forward or to lost only', () => {
    expect(nextStages('identified')).toEqual(['qualified', 'proposed', 'won', 'lost']);
    expect(nextStages('proposed')).toEqual(['won', 'lost']);
    expect(nextStages('won')).toEqual([]);
  });

  it('names actors', () => {
    const users = [{ id: 'usr_1', name: 'Ana Lima' }];
    expect(actorName('user:usr_1', users)).toBe('Ana Lima');
    expect(actorName('user:usr_2', users)).toBe('A former user');
    expect(actorName('system:system', users)).toBe('Tenure');
    expect(actorName('operator:operator', users)).toBe('An operator (command line)');
    expect(actorName('api_key:key_1', users)).toBe('An API key');
    expect(actorName('someone', users)).toBe('someone');
  });

  it('turns amounts between major and minor units digit for digit', () => {
    expect(majorText(123456, 'USD')).toBe('1234.56');
    expect(majorText(5, 'USD')).toBe('0.05');
    expect(majorText(5000, 'JPY')).toBe('5000');
    expect(majorText(1, 'KWD')).toBe('0.001');
    expect(exactMinor('1,234.5', 'USD')).toBe(123450);
    expect(exactMinor(1.15, 'USD')).toBe(115);
    expect(exactMinor('0.29', 'USD')).toBe(29);
    expect(exactMinor('100', 'JPY')).toBe(100);
    expect(exactMinor('1.5', 'JPY')).toBeNull();
    expect(exactMinor('1.001', 'USD')).toBeNull();
    expect(exactMinor('1.234', 'KWD')).toBe(1234);
    expect(exactMinor('0', 'USD')).toBeNull();
    expect(exactMinor('', 'USD')).toBeNull();
    expect(exactMinor('-5', 'USD')).toBeNull();
    expect(exactMinor('abc', 'USD')).toBeNull();
  });

  it('places settings refusals at their fields', () => {
    const r = settingsIssues([
      { path: 'body.probabilities.at_risk', message: 'Too big: expected number to be <=10000' },
      { path: 'rules.churnUsageDropPct', message: 'must be at least rules.riskUsageDropPct' },
      { path: 'body.reminders.windows.2', message: 'too big' },
      { path: 'body', message: 'unknown key' },
    ]);
    expect(r.fields).toEqual({
      'probabilities.at_risk': 'Must be a percentage from 0 to 100, to two decimals at most',
      'rules.churnUsageDropPct': 'Must be at least rules.riskUsageDropPct',
      'reminders.windows': 'Too big',
    });
    expect(r.rest).toEqual(['unknown key']);
    expect(parseDays('120, 90,60 30')).toEqual([120, 90, 60, 30]);
    expect(parseDays('120, ninety')).toBeNull();
    expect(parseDays(' ')).toBeNull();
    expect(lines(' A \n\nB\n')).toEqual(['A', 'B']);
  });
});
