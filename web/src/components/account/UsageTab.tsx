import '@mantine/charts/styles.css';
import { AreaChart } from '@mantine/charts';
import { Paper, SimpleGrid, Stack, Table, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { relative } from '../../lib/format';
import { Empty, ErrorState, Loading } from '../States';
import { Stat } from '../Stat';

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

export function UsageTab({ accountId }: { accountId: string }) {
  const summary = useQuery({
    queryKey: ['usage-summary', accountId],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/accounts/{id}/usage/summary', { params: { path: { id: accountId } } }),
      ),
  });
  const series = useQuery({
    queryKey: ['usage-series', accountId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/accounts/{id}/usage', { params: { path: { id: accountId } } })),
  });
  if (summary.isPending) return <Loading label="Loading usage" />;
  if (summary.isError)
    return <ErrorState error={summary.error} retry={() => void summary.refetch()} />;
  const s = summary.data;
  const days = (series.data?.days ?? []).map((d) => ({
    day: d.day,
    'Active users': d.activeUsers,
    Events: d.events,
  }));
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
        <Stat
          label="Monthly active"
          value={String(s.mau)}
          hint={`${s.wau} weekly, ${s.dau} today`}
        />
        <Stat label="DAU / MAU" value={pct(s.stickiness)} />
        <Stat
          label="Seats used"
          value={pct(s.seatUtilisation)}
          hint={s.seats === null ? 'no seat count' : `of ${s.seats} seats`}
        />
        <Stat
          label="Feature breadth"
          value={pct(s.featureBreadth)}
          hint={`${s.featuresUsed} of ${s.featuresConfigured} features`}
        />
        <Stat label="Events, 30 days" value={s.events30.toLocaleString('en-US')} />
        <Stat label="Last seen" value={relative(s.lastSeenAt)} />
      </SimpleGrid>
      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4">
          Active users per day
        </Title>
        {days.length < 2 ? (
          <Empty title="No product usage recorded yet">
            Send events to /v1/batch with this account's product id.
          </Empty>
        ) : (
          <div role="img" aria-label="Active users per day">
            <AreaChart
              h={220}
              mt="sm"
              data={days}
              dataKey="day"
              series={[{ name: 'Active users', color: 'indigo.6' }]}
              curveType="monotone"
              withDots={false}
            />
          </div>
        )}
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
          <Table>
            <Table.Caption>Top users, last 30 days</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Events</Table.Th>
                <Table.Th>Active days</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.topUsers.map((u) => (
                <Table.Tr key={u.userKey}>
                  <Table.Td>{u.name ?? u.email ?? u.userKey}</Table.Td>
                  <Table.Td>{u.events}</Table.Td>
                  <Table.Td>{u.activeDays}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
        <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
          <Table>
            <Table.Caption>Features used, last 30 days</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Feature</Table.Th>
                <Table.Th>Users</Table.Th>
                <Table.Th>Last used</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.features.map((f) => (
                <Table.Tr key={f.feature}>
                  <Table.Td>{f.feature}</Table.Td>
                  <Table.Td>{f.users}</Table.Td>
                  <Table.Td>{f.lastUsedOn}</Table.Td>
                </Table.Tr>
              ))}
              {s.unusedFeatures.map((f) => (
                <Table.Tr key={f}>
                  <Table.Td>{f}</Table.Td>
                  <Table.Td>0</Table.Td>
                  <Table.Td>never</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}
