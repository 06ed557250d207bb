import { describe, expect, it } from 'vitest';
import { personName, riskChart, riskShare, totals, type TeamRow } from './team';

const row = (name: string | null, arr: number, risk: number): TeamRow => ({
  user: name ? { id: name, name, email: `${name}@x`, role: 'csm' } : null,
  accounts: 2,
  arrMinor: arr,
  atRiskAccounts: risk > 0 ? 1 : 0,
  atRiskArrMinor: risk,
  tasksOpen: 1,
  tasksOverdue: 1,
  tasksDone30d: 0,
  playsRunning: 0,
});

describe('the team view', () => {
  it('names people, shares and the chart', () => {
    const rows = [row('Ana', 100_00, 25_00), row(null, 0, 0), row('Bo', 50_00, 50_00)];
    expect(personName(rows[1]!)).toBe('No owner');
    expect(rows.map(riskShare)).toEqual([25, 0, 100]);
    expect(riskChart(rows)).toEqual([
      { person: 'Bo', 'ARR at risk': 50 },
      { person: 'Ana', 'ARR at risk': 25 },
      { person: 'No owner', 'ARR at risk': 0 },
    ]);
    expect(totals(rows)).toEqual({
      accounts: 6,
      arrMinor: 150_00,
      atRiskArrMinor: 75_00,
      atRiskAccounts: 2,
      tasksOverdue: 3,
    });
  });
});

describe('counts in words', () => {
  it('says one and many', async () => {
    const { count } = await import('./team');
    expect(count(1, 'account')).toBe('1 account');
    expect(count(0, 'play')).toBe('0 plays');
  });
});
