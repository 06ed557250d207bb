import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ROLES } from './model.js';
import { ACTIONS, MATRIX, RESOURCES, allowed, type Reach } from './permissions.js';

/** The table of docs/permissions.md, row by row. */
function documented(): Map<string, Record<string, Reach>> {
  const text = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');
  const rows = new Map<string, Record<string, Reach>>();
  for (const line of text.split('\n')) {
    const cells = line
      .split('|')
      .map((c) => c.trim())
      .filter(Boolean);
    if (cells.length !== 6 || cells[0] === 'resource' || cells[0]!.startsWith('---')) continue;
    const reach = (c: string): Reach => (c === '—' ? 'none' : (c as Reach));
    rows.set(`${cells[0]} ${cells[1]}`, {
      admin: reach(cells[2]!),
      manager: reach(cells[3]!),
      csm: reach(cells[4]!),
      viewer: reach(cells[5]!),
    });
  }
  return rows;
}

describe('permission matrix', () => {
  it('is exactly what docs/permissions.md says, cell by cell', () => {
    const doc = documented();
    expect(doc.size).toBe(RESOURCES.length * ACTIONS.length);
    for (const resource of RESOURCES)
      for (const action of ACTIONS)
        for (const role of ROLES) {
          expect(MATRIX[role][resource][action], `${role} ${action} ${resource}`).toBe(
            doc.get(`${resource} ${action}`)?.[role],
          );
        }
  });

  it('scopes csm writes to owned records and manager writes to the team', () => {
    const csm = { role: 'csm' as const, userId: 'u1' };
    const manager = { role: 'manager' as const, userId: 'm1', team: ['u1'] };
    expect(allowed(csm, 'write', 'account', { ownerId: 'u1' })).toBe(true);
    expect(allowed(csm, 'write', 'account', { ownerId: 'u2' })).toBe(false);
    expect(allowed(csm, 'reassign', 'account', { ownerId: 'u1' })).toBe(false);
    expect(allowed(manager, 'write', 'account', { ownerId: 'u1' })).toBe(true);
    expect(allowed(manager, 'write', 'account', { ownerId: 'u3' })).toBe(false);
    expect(allowed(manager, 'write', 'setting')).toBe(false);
  });

  it('never lets a viewer write, and always lets an admin', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RESOURCES),
        fc.constantFrom('write' as const, 'reassign' as const),
        fc.option(fc.string(), { nil: undefined }),
        (resource, action, ownerId) => {
          expect(allowed({ role: 'viewer', userId: 'v' }, action, resource, { ownerId })).toBe(
            false,
          );
          expect(allowed({ role: 'admin', userId: 'a' }, action, resource, { ownerId })).toBe(true);
        },
      ),
    );
  });
});
