import { SegmentedControl, Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { AlertList } from '../AlertList';
import { Empty, ErrorState, Loading } from '../States';

type Status = 'open' | 'acknowledged' | 'snoozed' | 'all';

export function AlertsTab({ accountId }: { accountId: string; ownerId: string | null }) {
  const [status, setStatus] = useState<Status>('open');
  const alerts = useQuery({
    queryKey: ['alerts', 'account', accountId, status],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/accounts/{id}/alerts', {
          params: { path: { id: accountId }, query: { limit: 100, status } },
        }),
      ),
  });
  return (
    <Stack>
      <SegmentedControl
        aria-label="Alert status"
        value={status}
        onChange={(v) => setStatus(v as Status)}
        data={[
          { value: 'open', label: 'Open' },
          { value: 'acknowledged', label: 'Acknowledged' },
          { value: 'snoozed', label: 'Snoozed' },
          { value: 'all', label: 'All' },
        ]}
        w="fit-content"
      />
      {alerts.isPending && <Loading />}
      {alerts.isError && <ErrorState error={alerts.error} retry={() => void alerts.refetch()} />}
      {alerts.isSuccess && alerts.data.items.length === 0 && <Empty title="No alerts here" />}
      {alerts.isSuccess && <AlertList alerts={alerts.data.items} showAccount={false} />}
    </Stack>
  );
}
