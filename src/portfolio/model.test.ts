import { describe, expect, it } from 'vitest';
import { displayName, ownerFilter, scopeFor, trendOf, trendWindow } from './model.js';

describe('portfolio model', () => {
  const csm = { role: 'csm' as const, userId: 'u1', team: [] };
  const manager = { role: 'manager' as const, userId: 'm1', team: ['u1', 'u2'] };

  it('defaults a CSM to their own book, everyone else to all, and a key always to all', () => {
    expect(scopeFor(undefined, csm)).toBe('mine');
    expect(scopeFor(undefined, manager)).toBe('all');
    expect(scopeFor('team', csm)).toBe('team');
    expect(scopeFor('mine', null)).toBe('all');
  });

  it('turns a scope into owners, with the permission team', () => {
    expect(ownerFilter('mine', manager)).toEqual({ kind: 'owners', ids: ['m1'] });
    expect(ownerFilter('team', manager)).toEqual({ kind: 'owners', ids: ['m1', 'u1', 'u2'] });
    expect(ownerFilter('team', csm)).toEqual({ kind: 'owners', ids: ['u1'] });
    expect(ownerFilter('all', csm)).toEqual({ kind: 'all' });
    expect(ownerFilter('mine', null)).toEqual({ kind: 'all' });
  });

  it('lays packed composites on a 30-day window, oldest first', () => {
    const w = trendWindow('2026-03-01');
    expect([w.days[0], w.days[29], w.days.length]).toEqual(['2026-01-31', '2026-03-01', 30]);
    const t = trendOf(w, '2026-03-01=905,2026-02-28=,2026-01-31=0,2026-01-30=500');
    expect(t).toHaveLength(30);
    expect([t[0], t[27], t[28], t[29]]).toEqual([0, null, null, 90.5]);
    expect(t.filter((x) => x !== null)).toEqual([0, 90.5]);
    expect(trendOf(w, null)).toEqual(Array(30).fill(null));
  });

  it('shows a user by name, or by email when unnamed', () => {
    expect(displayName({ name: 'Cal', email: 'c@x.io' })).toBe('Cal');
    expect(displayName({ name: ' ', email: 'c@x.io' })).toBe('c@x.io');
  });
});
