import { describe, expect, it } from 'vitest';
import {
  byCategory,
  definitionOf,
  draftOf,
  dueAfterText,
  issuesByPath,
  keyFromName,
  move,
  progressPct,
  stepsText,
  type Playbook,
} from './playbooks';

const pb = (over: Partial<Playbook>): Playbook => ({
  key: 'k',
  name: 'K',
  category: 'risk',
  description: '',
  steps: [],
  version: 1,
  builtIn: false,
  archived: false,
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});
const step = (d: number) =>
  ({ title: `s${d}`, dueAfterDays: d, assignTo: 'owner', priority: 'normal' }) as const;

describe('playbooks in words', () => {
  it('says how many steps over how long', () => {
    expect(stepsText(pb({ steps: [step(0), step(3), step(14)] }))).toBe('3 steps over 14 days');
    expect(stepsText(pb({ steps: [step(0)] }))).toBe('1 step on the day');
    expect(dueAfterText(1)).toBe('After 1 day');
  });
  it('groups the library by category in a fixed order, without archived ones', () => {
    const g = byCategory([
      pb({ key: 'a', name: 'B', category: 'renewal' }),
      pb({ key: 'b', name: 'A', category: 'risk' }),
      pb({ key: 'c', name: 'C', category: 'risk', archived: true }),
    ]);
    expect(g.map((x) => [x.category, x.items.map((i) => i.key)])).toEqual([
      ['risk', ['b']],
      ['renewal', ['a']],
    ]);
  });
  it('measures progress', () => {
    expect(progressPct({ progress: { done: 1, total: 4 } })).toBe(25);
    expect(progressPct({ progress: { done: 0, total: 0 } })).toBe(100);
  });
});

describe('the playbook editor', () => {
  it('round-trips a playbook through the draft', () => {
    const p = pb({
      steps: [
        { ...step(2), email: { subject: 'Hi', body: 'Hello {{account.name}}' } },
        { ...step(5), assignTo: 'manager', priority: 'high', description: 'Escalate' },
      ],
    });
    expect(definitionOf(draftOf(p))).toEqual({
      key: 'k',
      name: 'K',
      category: 'risk',
      description: '',
      steps: p.steps,
    });
  });
  it('sends days that are not whole numbers as typed, for the server to name', () => {
    const d = draftOf(null);
    d.steps[0]!.dueAfterDays = 'soon';
    expect((definitionOf(d).steps as { dueAfterDays: unknown }[])[0]!.dueAfterDays).toBe('soon');
  });
  it('moves steps and suggests keys', () => {
    expect(move([1, 2, 3], 0, 1)).toEqual([2, 1, 3]);
    expect(move([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    expect(keyFromName('QBR preparation!')).toBe('qbr-preparation');
  });
  it('places issues at their paths', () => {
    const m = issuesByPath([
      { path: 'steps.0.dueAfterDays', message: 'must be 0 or more' },
      { path: 'body.name', message: 'must not be blank' },
    ]);
    expect(m.get('steps.0.dueAfterDays')).toBe('must be 0 or more');
    expect(m.get('name')).toBe('must not be blank');
  });
});
