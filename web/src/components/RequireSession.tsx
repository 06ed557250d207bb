import { useQuery } from '@tanstack/react-query';
import { Navigate, Outlet, useLocation } from 'react-router';
import { api, unwrap } from '../api/client';
import { useSession } from '../lib/session';
import { ErrorState, Loading } from './States';

/** Signed-in pages: without a session, go to sign in (or first-run setup) and come back. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  const setup = useQuery({
    queryKey: ['setup-needed'],
    queryFn: () => unwrap(api.GET('/api/v1/auth/setup')),
    enabled: session.data === null,
  });
  if (session.isPending) return <Loading />;
  if (session.isError)
    return <ErrorState error={session.error} retry={() => void session.refetch()} />;
  if (session.data?.user) return <Outlet />;
  if (setup.isPending) return <Loading />;
  if (setup.data?.needed) return <Navigate to="/setup" replace />;
  const next = `${location.pathname}${location.search}`;
  return (
    <Navigate to={next === '/' ? '/signin' : `/signin?next=${encodeURIComponent(next)}`} replace />
  );
}
