import type { AccessCheck } from '../core/access.js';
import { ALLOW_ALL } from '../core/access.js';
import type { Actor } from '../core/context.js';
import type { ApiKeyRow, SessionRow, UserRow } from '../db/schema.js';
import type { Role } from './model.js';
import { allowed, keyAllowed, type KeyScope } from './permissions.js';

/** Who is behind a request, once authenticated. */
export type Principal =
  | { kind: 'user'; user: UserRow; team: readonly string[]; session: SessionRow | null }
  | { kind: 'api_key'; key: ApiKeyRow }
  | { kind: 'operator' }
  | { kind: 'anonymous' };

export function actorOf(p: Principal): Actor {
  switch (p.kind) {
    case 'user':
      return { kind: 'user', id: p.user.id, name: p.user.email };
    case 'api_key':
      return { kind: 'api_key', id: p.key.id, name: `${p.key.name} (${p.key.prefix})` };
    case 'operator':
      return { kind: 'operator', id: 'operator', name: 'operator' };
    case 'anonymous':
      return { kind: 'system', id: 'anonymous', name: 'anonymous' };
  }
}

const DENY_ALL: AccessCheck = () => false;

/** The permission check of a principal, from the matrices of docs/permissions.md. */
export function accessOf(p: Principal): AccessCheck {
  switch (p.kind) {
    case 'user': {
      const subject = { role: p.user.role as Role, userId: p.user.id, team: p.team };
      return (action, resource, target) => allowed(subject, action, resource, target);
    }
    case 'api_key': {
      const scope = p.key.scope as KeyScope;
      return (action, resource) => keyAllowed(scope, action, resource);
    }
    case 'operator':
      return ALLOW_ALL;
    case 'anonymous':
      return DENY_ALL;
  }
}
