import { Paper, SimpleGrid, Stack, Table, Badge } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { relative } from '../../lib/format';
import { Empty, ErrorState, Loading } from '../States';
import { Stat } from '../Stat';

export function SupportTab({ accountId }: { accountId: string }) {
  const summary = useQuery({
    queryKey: ['support', accountId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/accounts/{id}/support', { params: { path: { id: accountId } } })),
  });
  const tickets = useQuery({
    queryKey: ['tickets', accountId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/tickets', { params: { query: { accountId, limit: 50 } } })),
  });
  if (summary.isPending) return <Loading label="Loading support" />;
  if (summary.isError)
    return <ErrorState error={summary.error} retry={() => void summary.refetch()} />;
  const s = summary.data;
  const hours = (h: number | null) =>
    h === null ? '—' : h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
        <Stat label="Open tickets" value={String(s.tickets.open)} />
        <Stat label="Opened, 30 days" value={String(s.tickets.openedLast30Days)} />
        <Stat label="Median resolution" value={hours(s.tickets.medianResolutionHours)} />
        <Stat label="First response" value={hours(s.tickets.medianFirstResponseHours)} />
        <Stat label="CSAT" value={s.csat.average === null ? '—' : s.csat.average.toFixed(1)} />
        <Stat
          label="NPS, 90 days"
          value={s.nps.last90Days.score === null ? '—' : String(s.nps.last90Days.score)}
        />
      </SimpleGrid>
      {tickets.isSuccess && tickets.data.items.length === 0 && <Empty title="No tickets" />}
      {tickets.isSuccess && tickets.data.items.length > 0 && (
        <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
          <Table>
            <Table.Caption>Latest tickets</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Subject</Table.Th>
                <Table.Th>Priority</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Opened</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tickets.data.items.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>{t.subject}</Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      color={
                        t.priority === 'urgent' ? 'red' : t.priority === 'high' ? 'orange' : 'gray'
                      }
                    >
                      {t.priority}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{t.status}</Table.Td>
                  <Table.Td>{relative(t.openedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
