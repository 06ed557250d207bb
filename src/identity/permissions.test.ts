import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ROLES } from './model.js';
import { ACTIONS, KEY_MATRIX, KEY_SCOPES, MATRIX, RESOURCES, allowed } from './permissions.js';
import { permissionTables } from '../testing/permissions-doc.js';

describe('permission matrix', () => {
  it('is exactly what docs/permissions.md says, cell by cell, for roles and key scopes', () => {
    const doc = permissionTables();
    for (const column of [...ROLES, ...KEY_SCOPES.map((k) => `${k} key`)])
      expect(doc.get(column)?.size, column).toBe(RESOURCES.length * ACTIONS.length);
    for (const resource of RESOURCES)
      for (const action of ACTIONS) {
        const key = `${resource} ${action}`;
        for (const role of ROLES)
          expect(MATRIX[role][resource][action], `${role} ${key}`).toBe(doc.get(role)!.get(key));
        for (const scope of KEY_SCOPES)
          expect(KEY_MATRIX[scope][resource][action], `${scope} key ${key}`).toBe(
            doc.get(`${scope} key`)!.get(key),
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
