import { Group, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { AlertList } from '../components/AlertList';
import { Empty, ErrorState, Loading } from '../components/States';
import { useUser } from '../lib/session';
import { oneOf } from '../lib/url';

const STATUSES = ['open', 'acknowledged', 'snoozed', 'resolved', 'all'] as const;
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/** The alerts inbox: mine by default, the team's for managers; the URL holds the filters. */
export default function Alerts() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const whose = params.get('whose') ?? (user.role === 'csm' ? 'mine' : 'all');
  const status = oneOf(params.get('status'), STATUSES) ?? 'open';
  const severity = oneOf(params.get('severity'), SEVERITIES);
  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const alerts = useQuery({
    queryKey: ['alerts', 'inbox', whose, status, severity],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/health/alerts', {
          params: {
            query: {
              limit: 200,
              ...(whose === 'mine' ? { owner: user.id } : {}),
              status,
              ...(severity ? { severity } : {}),
            },
          },
        }),
      ),
  });
  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          Alerts
        </Title>
        <Text size="sm" c="dimmed">
          What changed on your accounts and needs a look, worst first.
        </Text>
      </div>
      <Group gap="sm" wrap="wrap" align="flex-end">
        <SegmentedControl
          aria-label="Whose alerts"
          value={whose}
          onChange={(v) => set('whose', v)}
          data={[
            { value: 'mine', label: 'My accounts' },
            { value: 'all', label: 'Everyone' },
          ]}
        />
        <SegmentedControl
          aria-label="Alert status"
          value={status}
          onChange={(v) => set('status', v)}
          data={[
            { value: 'open', label: 'Open' },
            { value: 'acknowledged', label: 'Acknowledged' },
            { value: 'snoozed', label: 'Snoozed' },
            { value: 'all', label: 'All' },
          ]}
        />
        <Select
          aria-label="Severity"
          placeholder="Any severity"
          value={severity}
          onChange={(v) => set('severity', v)}
          data={['critical', 'high', 'medium', 'low']}
          clearable
          w={160}
        />
      </Group>
      {alerts.isPending && <Loading label="Loading alerts" />}
      {alerts.isError && <ErrorState error={alerts.error} retry={() => void alerts.refetch()} />}
      {alerts.isSuccess && alerts.data.items.length === 0 && (
        <Empty title="Nothing needs you right now">
          New alerts appear here after each scoring pass.
        </Empty>
      )}
      {alerts.isSuccess && <AlertList alerts={alerts.data.items} showAccount />}
    </Stack>
  );
}
