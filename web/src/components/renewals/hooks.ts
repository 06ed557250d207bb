import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, messageOf, unwrap } from '../../api/client';
import { useUrlState, oneOf } from '../admin/Layout';
import { useUser } from '../../lib/session';
import {
  actorName,
  BUCKET_LABEL,
  BUCKETS,
  OUTCOME_LABEL,
  type Bucket,
  type ChurnReason,
  type Outcome,
  type RenewalItem,
} from '../../lib/renewals';
import { usePeople } from '../tasks/hooks';

/** Pages of 500, at most this many: more renewals than a board can show in 120 days. */
const MAX_PAGES = 4;

export interface BoardFilters {
  owner: 'mine' | 'all';
  bucket: Bucket | null;
  currency: string | null;
  view: 'board' | 'list';
}

/** The board's filters, held in the URL (a CSM starts on their own renewals). */
export function useBoardFilters() {
  const me = useUser();
  const [params, set] = useUrlState();
  const filters: BoardFilters = {
    owner:
      oneOf(params.get('owner'), ['mine', 'all'] as const) ?? (me.role === 'csm' ? 'mine' : 'all'),
    bucket: oneOf(params.get('bucket'), BUCKETS),
    currency: params.get('currency')?.match(/^[A-Z]{3}$/) ? params.get('currency') : null,
    view: oneOf(params.get('view'), ['board', 'list'] as const) ?? 'board',
  };
  const ownerId = filters.owner === 'mine' ? me.id : undefined;
  return { filters, ownerId, set };
}

/** The API's query for the filters (also the CSV export's). */
export function pipelineQuery(f: BoardFilters, ownerId: string | undefined) {
  return {
    ...(ownerId ? { ownerId } : {}),
    ...(f.bucket ? { bucket: f.bucket } : {}),
    ...(f.currency ? { currency: f.currency } : {}),
  };
}

/** Every renewal overdue or due in 120 days that matches, nearest first. */
export function usePipeline(f: BoardFilters, ownerId: string | undefined) {
  const query = pipelineQuery(f, ownerId);
  return useQuery({
    queryKey: ['renewals', 'pipeline', query],
    queryFn: async () => {
      const items: RenewalItem[] = [];
      let cursor: string | undefined;
      let more = false;
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = await unwrap(
          api.GET('/api/v1/renewals', {
            params: { query: { ...query, limit: 500, ...(cursor ? { cursor } : {}) } },
          }),
        );
        items.push(...r.items);
        cursor = r.nextCursor ?? undefined;
        more = !!cursor;
        if (!cursor) break;
      }
      return { items, more };
    },
  });
}

/** Counts and ARR per window, bucket and currency (filtered by owner only: the page does the rest). */
export function useSummary(ownerId: string | undefined) {
  return useQuery({
    queryKey: ['renewals', 'summary', ownerId ?? null],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/renewals/summary', {
          params: { query: ownerId ? { ownerId } : {} },
        }),
      ),
  });
}

/** After a renewal changes: the board, its headings and the forecast. */
export function useRefreshRenewals() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ['renewals'] });
    void qc.invalidateQueries({ queryKey: ['timeline'] });
  };
}

/** A CSM's own bucket for a renewal (bucket null: back to what the rules say). */
export function useOverride() {
  const refresh = useRefreshRenewals();
  return useMutation({
    mutationFn: (v: { item: RenewalItem; bucket: Bucket | null; reason: string }) =>
      unwrap(
        api.PUT('/api/v1/renewals/{subscriptionId}/override', {
          params: { path: { subscriptionId: v.item.subscriptionId } },
          body: { bucket: v.bucket, reason: v.reason },
        }),
      ),
    onSuccess: (r, v) => {
      notifications.show({
        color: 'teal',
        message:
          v.bucket === null
            ? `${v.item.accountName} is back to ${BUCKET_LABEL[r.bucket]} (automatic)`
            : `Moved ${v.item.accountName} to ${BUCKET_LABEL[r.bucket]}`,
      });
      refresh();
    },
  });
}

export interface OutcomeInput {
  outcome: Outcome;
  arrMinor?: number;
  termMonths?: number;
  churnReason?: ChurnReason;
  note?: string;
}

/**
 * How a renewal ended. The renewal then leaves the board: a renewed or downgraded
 * subscription moves on to its next date, a churned one is canceled.
 */
export function useRecordOutcome() {
  const qc = useQueryClient();
  const refresh = useRefreshRenewals();
  return useMutation({
    mutationFn: (v: { item: RenewalItem; body: OutcomeInput }) =>
      unwrap(
        api.POST('/api/v1/renewals/{subscriptionId}/outcome', {
          params: { path: { subscriptionId: v.item.subscriptionId } },
          body: v.body,
        }),
      ),
    onSuccess: (r, v) => {
      notifications.show({
        color: 'teal',
        message: `Renewal recorded: ${v.item.accountName} ${OUTCOME_LABEL[r.outcome].toLowerCase()}`,
      });
      refresh();
      // The account's stage, subscription and revenue movements change with it.
      for (const key of ['account', 'subscriptions', 'movements'])
        void qc.invalidateQueries({ queryKey: [key, r.accountId] });
    },
  });
}

/** Work out every bucket now instead of at the next five-minute run. */
export function useRecompute() {
  const refresh = useRefreshRenewals();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/renewals/refresh')),
    onSuccess: (r) => {
      notifications.show({
        color: 'teal',
        message: `Buckets worked out again for ${r.accounts} account${r.accounts === 1 ? '' : 's'}`,
      });
      refresh();
    },
    onError: (err) =>
      notifications.show({
        color: 'red',
        title: 'The buckets were not worked out',
        message: messageOf(err),
      }),
  });
}

/** "user:usr_…" → the person's name (the users list is cached and shared with other pages). */
export function useActorName(): (label: string) => string {
  const { users } = usePeople();
  return (label) => actorName(label, users);
}
