import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken, unwrap, type Schemas } from '../api/client';

export type WhoAmI = Schemas['WhoAmI'];
export type User = Schemas['User'];
export type Role = User['role'];

/** Who is signed in (null when nobody is); keeps the CSRF token for writes. */
export function useSession() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async (): Promise<WhoAmI | null> => {
      try {
        const who = await unwrap(api.GET('/api/v1/auth/session'));
        setCsrfToken(who.csrfToken);
        return who;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw err;
      }
    },
    staleTime: 5 * 60_000,
  });
}

/** The signed-in user; pages inside the signed-in shell may rely on it. */
export function useUser(): User {
  const { data } = useSession();
  if (!data?.user) throw new Error('useUser outside a signed-in page');
  return data.user;
}

export function useSignOut() {
  const qc = useQueryClient();
  return async () => {
    await api.POST('/api/v1/auth/logout').catch(() => undefined);
    setCsrfToken(null);
    qc.clear();
    qc.setQueryData(['session'], null);
  };
}

/**
 * What the signed-in user may change, as the server's permission matrix says
 * (docs/permissions.md). The server decides; the page only hides what would be refused.
 */
export function mayEditAccount(user: User, ownerId: string | null | undefined): boolean {
  if (user.role === 'admin' || user.role === 'manager') return true;
  if (user.role === 'csm') return ownerId === user.id || ownerId === null || ownerId === undefined;
  return false;
}

export function mayEditModels(user: User): boolean {
  return user.role === 'admin';
}

export function isAdmin(user: User): boolean {
  return user.role === 'admin';
}
