import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Group, Paper, SegmentedControl, SimpleGrid, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { DeadLetters } from '../../components/admin/DeadLetters';
import { IngestHelp } from '../../components/admin/IngestHelp';
import { oneOf, PageHead, useUrlState } from '../../components/admin/Layout';
import { Stat } from '../../components/Stat';
import { Empty, ErrorState, Loading } from '../../components/States';
import { relative } from '../../lib/format';
import { isAdmin, useUser } from '../../lib/session';

const RANGES = ['7', '30', '90'] as const;
const count = (n: number) => n.toLocaleString('en-US');

/** Every UTC day of the range, so days without events show as zero instead of vanishing. */
function everyDay(perDay: Schemas['IntakeStats']['perDay'], days: number) {
  const byDay = new Map(perDay.map((d) => [d.day, d.events]));
  const today = Date.parse(new Date().toISOString().slice(0, 10));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(today - (days - 1 - i) * 864e5).toISOString().slice(0, 10);
    return { day: day.slice(5), Events: byDay.get(day) ?? 0 };
  });
}

/** The intake at a glance: what arrived, when, what could not be placed or was refused. */
export default function Ingestion() {
  const admin = isAdmin(useUser());
  const [params, set] = useUrlState();
  const days = oneOf(params.get('days'), RANGES) ?? '30';
  const stats = useQuery({
    queryKey: ['ingest', 'stats', days],
    queryFn: () =>
      unwrap(api.GET('/api/v1/ingest/stats', { params: { query: { days: Number(days) } } })),
  });
  const s = stats.data;
  const series = s ? everyDay(s.perDay, Number(days)) : [];
  return (
    <Stack gap="md">
      <PageHead
        title="Ingestion"
        description="Product events arriving from Segment, RudderStack or plain HTTP."
      />
      {stats.isPending && <Loading label="Loading intake status" />}
      {stats.isError && <ErrorState error={stats.error} retry={() => void stats.refetch()} />}
      {s && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" data-testid="intake-stats">
            <Stat
              label="Events stored"
              value={count(s.events)}
              hint={`${count(s.catalogEvents)} kinds, ${count(s.productUsers)} users`}
            />
            <Stat
              label="Last event"
              value={relative(s.lastReceivedAt)}
              hint={
                s.rollupBacklog.events > 0
                  ? `${count(s.rollupBacklog.events)} events' rollups being written`
                  : s.lastReceivedAt
                    ? new Date(s.lastReceivedAt).toLocaleString()
                    : 'none yet'
              }
            />
            <Stat
              label="Without an account"
              value={count(s.unattributed)}
              hint="no groupId Tenure could place"
            />
            <Stat
              label="Open dead letters"
              value={count(s.deadLettersOpen)}
              hint={s.deadLettersOpen ? 'refused, waiting for a fix' : 'nothing refused'}
            />
          </SimpleGrid>
          <Paper withBorder radius="md" p="md">
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Title order={2} size="h4">
                Events per day
              </Title>
              <SegmentedControl
                aria-label="Days shown"
                size="xs"
                value={days}
                onChange={(v) => set({ days: v === '30' ? null : v })}
                data={RANGES.map((r) => ({ value: r, label: `${r} days` }))}
              />
            </Group>
            {s.perDay.length === 0 ? (
              <Empty title={`No events in the last ${days} days`}>
                Point a sender at Tenure (below) and its events show here within seconds.
              </Empty>
            ) : (
              <div
                role="img"
                aria-label={`Events per day over the last ${days} days: ${count(
                  series.reduce((n, d) => n + d.Events, 0),
                )} in all, most on one day ${count(Math.max(...series.map((d) => d.Events)))}`}
              >
                <BarChart
                  h={220}
                  mt="sm"
                  data={series}
                  dataKey="day"
                  series={[{ name: 'Events', color: 'indigo.6' }]}
                  tickLine="y"
                  valueFormatter={count}
                />
              </div>
            )}
          </Paper>
        </>
      )}
      <DeadLetters admin={admin} />
      <IngestHelp admin={admin} />
    </Stack>
  );
}
