import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import {
  ActionIcon,
  Anchor,
  Breadcrumbs,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { CellBadge, PageHead, TableFrame, useUrlState } from '../components/admin/Layout';
import { Stat } from '../components/Stat';
import { Empty, ErrorState, Loading } from '../components/States';
import { day, minorDigits, money } from '../lib/format';
import {
  BUCKET_COLOR,
  BUCKET_LABEL,
  bpText,
  forecastChart,
  quarterOf,
  shiftQuarter,
  type Forecast as ForecastData,
} from '../lib/renewals';

type CurrencyForecast = ForecastData['currencies'][number];

function CurrencyBlock({ c, phone }: { c: CurrencyForecast; phone: boolean }) {
  const $ = (minor: number) => money(minor, c.currency);
  const chart = forecastChart(c);
  return (
    <Paper withBorder radius="md" p="md" data-testid="forecast-currency" data-currency={c.currency}>
      <Title order={2} size="h4" mb="xs">
        {c.currency}
      </Title>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" data-testid="forecast-numbers">
        <Stat
          label="Up for renewal"
          value={$(c.upMinor)}
          hint={`${c.open} open renewal${c.open === 1 ? '' : 's'}`}
        />
        <Stat label="Expected" value={$(c.expectedMinor)} hint="ARR × bucket probability" />
        <Stat label="At risk" value={$(c.atRiskMinor)} hint="At Risk and Churning" />
        <Stat label="Best case" value={$(c.bestMinor)} hint="everything but Churning renews" />
        <Stat label="Worst case" value={$(c.worstMinor)} hint="only On Track and Expanding renew" />
        <Stat
          label="Closed so far"
          value={$(c.closed.renewedMinor)}
          hint={`renewed of ${$(c.closed.upMinor)} in ${c.closed.renewals} closed; ${$(c.closed.churnedMinor)} churned`}
        />
        <Stat label="Outlook" value={$(c.outlookMinor)} hint="renewed so far + expected" />
      </SimpleGrid>
      <Text size="sm" fw={600} mt="md" mb={4}>
        ARR up for renewal and expected, by bucket
      </Text>
      <div
        role="img"
        data-testid="forecast-chart"
        aria-label={`${c.currency} by bucket: ${c.byBucket
          .map(
            (b) =>
              `${BUCKET_LABEL[b.bucket]} ${b.count} renewals, ${$(b.arrMinor)} up, ${$(b.expectedMinor)} expected`,
          )
          .join('; ')}`}
      >
        <BarChart
          h={phone ? 220 : 260}
          data={chart}
          dataKey="bucket"
          withLegend
          legendProps={{ verticalAlign: 'bottom' }}
          yAxisProps={{ width: phone ? 60 : 80 }}
          series={[
            { name: 'ARR up', color: 'gray.5' },
            { name: 'Expected', color: 'indigo.7' },
          ]}
          valueFormatter={(v) =>
            money(Math.round(v * 10 ** minorDigits(c.currency)), c.currency, true)
          }
        />
      </div>
    </Paper>
  );
}

function Probabilities({ rows }: { rows: ForecastData['probabilities'] }) {
  return (
    <TableFrame label="Renewal probabilities">
      <Table verticalSpacing="xs" miw={560} data-testid="probabilities">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Bucket</Table.Th>
            <Table.Th ta="right">Configured</Table.Th>
            <Table.Th ta="right">In use</Table.Th>
            <Table.Th>From</Table.Th>
            <Table.Th ta="right">Outcomes (renewed of n)</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((p) => (
            <Table.Tr key={p.bucket} data-testid="probability">
              <Table.Td>
                <CellBadge color={BUCKET_COLOR[p.bucket]}>{BUCKET_LABEL[p.bucket]}</CellBadge>
              </Table.Td>
              <Table.Td ta="right">{bpText(p.configuredBp)}</Table.Td>
              <Table.Td ta="right" fw={600}>
                {bpText(p.bp)}
              </Table.Td>
              <Table.Td>{p.source === 'calibrated' ? 'Calibrated' : 'Configured'}</Table.Td>
              <Table.Td ta="right">
                {p.renewed} of {p.total}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

/** A quarter's renewals: ARR up, expected, at risk, best and worst case, per currency. */
export default function Forecast() {
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const [params, set] = useUrlState();
  const asked = params.get('quarter');
  const quarter = asked && shiftQuarter(asked, 0) ? asked : quarterOf(new Date());
  const forecast = useQuery({
    queryKey: ['renewals', 'forecast', quarter],
    queryFn: () => unwrap(api.GET('/api/v1/renewals/forecast', { params: { query: { quarter } } })),
    placeholderData: keepPreviousData,
  });
  const go = (delta: number) => set({ quarter: shiftQuarter(quarter, delta) });
  const f = forecast.data;
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to="/renewals" size="sm">
          Renewals
        </Anchor>
        <Text size="sm">Forecast</Text>
      </Breadcrumbs>
      <PageHead
        title="Renewal forecast"
        description="What is up for renewal in a quarter and what to expect, each currency on its own."
      >
        <Group gap={4} wrap="nowrap">
          <ActionIcon
            variant="default"
            size="lg"
            aria-label="Previous quarter"
            onClick={() => go(-1)}
          >
            <IconChevronLeft size={18} />
          </ActionIcon>
          <Text fw={700} miw={72} ta="center" data-testid="quarter" aria-live="polite">
            {quarter}
          </Text>
          <ActionIcon variant="default" size="lg" aria-label="Next quarter" onClick={() => go(1)}>
            <IconChevronRight size={18} />
          </ActionIcon>
        </Group>
      </PageHead>
      {forecast.isPending && <Loading label="Loading the forecast" />}
      {forecast.isError && (
        <ErrorState error={forecast.error} retry={() => void forecast.refetch()} />
      )}
      {f && (
        <>
          <Text size="sm" c="dimmed">
            Renewal dates {day(f.period.from)} to {day(f.period.to)}, as of {day(f.asOf)}.
          </Text>
          {f.currencies.length === 0 && (
            <Empty title="Nothing renews in this quarter">
              Try the next quarter, or check that subscriptions have end dates.
            </Empty>
          )}
          {f.currencies.map((c) => (
            <CurrencyBlock key={c.currency} c={c} phone={phone} />
          ))}
          <Title order={2} size="h4">
            Renewal probability by bucket
          </Title>
          <Probabilities rows={f.probabilities} />
          <Text size="xs" c="dimmed">
            Configured: the probability set in the renewal settings. Calibrated: blended with the
            outcomes recorded for renewals that closed in that bucket, weighted by how many there
            are.
          </Text>
        </>
      )}
    </Stack>
  );
}
