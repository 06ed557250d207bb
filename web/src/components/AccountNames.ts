import { useQueries } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

/**
 * Names of the accounts a list refers to by id (plays, firings, messages): one cached request
 * per account, so a list of a few dozen rows costs a few dozen small reads once.
 */
export function useAccountNames(ids: readonly (string | null | undefined)[]): Map<string, string> {
  const unique = [...new Set(ids.filter((i): i is string => !!i))];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: ['account', id],
      queryFn: () => unwrap(api.GET('/api/v1/accounts/{id}', { params: { path: { id } } })),
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  const names = new Map<string, string>();
  results.forEach((r, i) => {
    if (r.data) names.set(unique[i]!, r.data.name);
  });
  return names;
}
