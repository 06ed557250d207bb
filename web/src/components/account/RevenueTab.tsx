import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Anchor, Badge, Paper, Stack, Table, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { day, money } from '../../lib/format';
import { useUser } from '../../lib/session';
import { Empty, ErrorState, Loading } from '../States';

export function RevenueTab({ accountId }: { accountId: string }) {
  const me = useUser();
  const subs = useQuery({
    queryKey: ['subscriptions', accountId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/subscriptions', { params: { query: { accountId, limit: 100 } } })),
  });
  const moves = useQuery({
    queryKey: ['movements', accountId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/accounts/{id}/movements', { params: { path: { id: accountId } } })),
  });
  if (subs.isPending || moves.isPending) return <Loading label="Loading revenue" />;
  if (subs.isError) return <ErrorState error={subs.error} />;
  if (moves.isError) return <ErrorState error={moves.error} />;
  const movements = moves.data.items;
  const currency = movements[0]?.currency ?? subs.data.items[0]?.currency ?? 'USD';
  const chart = movements.map((m) => ({
    date: m.effectiveDate,
    MRR: m.accountMrrAfterMinor / 100,
  }));
  return (
    <Stack gap="md">
      <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
        <Table>
          <Table.Caption>Subscriptions</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Plan</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Seats</Table.Th>
              <Table.Th>ARR</Table.Th>
              <Table.Th>Billing</Table.Th>
              <Table.Th>Term</Table.Th>
              {me.role !== 'viewer' && (
                <Table.Th>
                  <VisuallyHidden>Renewal quote</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {subs.data.items.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>{s.plan}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={s.status === 'active' ? 'teal' : 'gray'}>
                    {s.status.replace('_', ' ')}
                  </Badge>
                </Table.Td>
                <Table.Td>{s.seats ?? '—'}</Table.Td>
                <Table.Td>{money(s.arrMinor, s.currency)}</Table.Td>
                <Table.Td>{s.billingFrequency.replace('_', ' ')}</Table.Td>
                <Table.Td>
                  {day(s.startDate)} – {s.endDate ? day(s.endDate) : 'open'}
                </Table.Td>
                {me.role !== 'viewer' && (
                  <Table.Td>
                    {s.endDate && (s.status === 'active' || s.status === 'past_due') && (
                      <Anchor
                        component={Link}
                        to={`/quotes/new?subscriptionId=${encodeURIComponent(s.id)}`}
                        size="sm"
                      >
                        Make a quote
                      </Anchor>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4">
          MRR after each movement ({currency})
        </Title>
        {chart.length === 0 ? (
          <Empty title="No revenue movements yet" />
        ) : (
          <div role="img" aria-label="MRR over time">
            <BarChart
              h={220}
              mt="sm"
              data={chart}
              dataKey="date"
              series={[{ name: 'MRR', color: 'indigo.6' }]}
            />
          </div>
        )}
      </Paper>
      <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
        <Table>
          <Table.Caption>Revenue movements</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Date</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>MRR change</Table.Th>
              <Table.Th>MRR after</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...movements].reverse().map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>{day(m.effectiveDate)}</Table.Td>
                <Table.Td>{m.kind}</Table.Td>
                <Table.Td>{money(m.mrrDeltaMinor, m.currency)}</Table.Td>
                <Table.Td>{money(m.accountMrrAfterMinor, m.currency)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
