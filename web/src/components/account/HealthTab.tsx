import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import {
  Badge,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { tierColor } from '../../lib/format';
import { Empty, ErrorState, Loading } from '../States';

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const minusDays = (d: string, n: number) => isoDay(Date.parse(`${d}T00:00:00Z`) - n * 864e5);

function fmtValue(v: number | null, unit: string): string {
  if (v === null) return 'no data';
  if (unit === 'ratio' || unit === 'share') return `${(v * 100).toFixed(0)}%`;
  if (unit === 'percent') return `${v.toFixed(0)}%`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function Drivers({ accountId, latest }: { accountId: string; latest: string }) {
  const [from, setFrom] = useState(minusDays(latest, 30));
  const [to, setTo] = useState(latest);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from < to;
  const drivers = useQuery({
    queryKey: ['drivers', accountId, from, to],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/accounts/{id}/health/drivers', {
          params: { path: { id: accountId }, query: { from, to } },
        }),
      ),
    enabled: valid,
  });
  const d = drivers.data;
  const items = [...(d?.drivers ?? [])]
    .filter((x) => x.contributionTenths !== 0)
    .sort((a, b) => Math.abs(b.contributionTenths) - Math.abs(a.contributionTenths));
  return (
    <Paper withBorder p="md" radius="md" aria-labelledby="drivers-title">
      <Title order={2} size="h4" id="drivers-title">
        Why did it change?
      </Title>
      <Group mt="sm" gap="sm" align="flex-end">
        <TextInput
          type="date"
          label="From"
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
          max={to}
        />
        <TextInput
          type="date"
          label="To"
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
          min={from}
        />
      </Group>
      {!valid && (
        <Text size="sm" c="red" mt="sm" role="alert">
          Choose a start date before the end date.
        </Text>
      )}
      {drivers.isPending && valid && <Loading />}
      {drivers.isError && <ErrorState error={drivers.error} />}
      {d && (
        <Stack gap="xs" mt="md" data-testid="drivers">
          <Text size="sm">
            {d.from.composite?.toFixed(1) ?? '—'} on {d.from.scoredOn} →{' '}
            {d.to.composite?.toFixed(1) ?? '—'} on {d.to.scoredOn}:{' '}
            <Text span fw={700} c={d.change > 0 ? 'teal' : d.change < 0 ? 'red' : undefined}>
              {d.change > 0 ? '+' : ''}
              {d.change.toFixed(1)} points
            </Text>
          </Text>
          {items.length === 0 && (
            <Text size="sm" c="dimmed">
              Nothing moved the score between these days.
            </Text>
          )}
          {items.map((x, i) => (
            <Group key={i} justify="space-between" wrap="nowrap" gap="sm">
              <Text size="sm">
                {x.kind === 'measure'
                  ? `${x.label}: ${x.fromValue ?? '—'} → ${x.toValue ?? '—'}`
                  : `Model changed: ${x.fromModel.key} v${x.fromModel.version} → v${x.toModel.version}`}
              </Text>
              <Badge color={x.contribution > 0 ? 'teal' : 'red'} variant="light">
                {x.contribution > 0 ? '+' : ''}
                {x.contribution.toFixed(1)}
              </Badge>
            </Group>
          ))}
        </Stack>
      )}
    </Paper>
  );
}

export function HealthTab({ accountId }: { accountId: string }) {
  const health = useQuery({
    queryKey: ['account-health', accountId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/accounts/{id}/health', { params: { path: { id: accountId } } })),
    retry: false,
  });
  const latest = health.data?.scoredOn;
  const trend = useQuery({
    queryKey: ['health-trend', accountId, latest],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/accounts/{id}/health/trend', {
          params: {
            path: { id: accountId },
            query: { from: minusDays(latest!, 180), to: latest! },
          },
        }),
      ),
    enabled: !!latest,
  });
  // The tier lines on the chart are the scoring model's own thresholds.
  const model = health.data?.model;
  const version = useQuery({
    queryKey: ['model-version', model?.key, model?.version],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/health/models/{key}/versions/{version}', {
          params: { path: { key: model!.key, version: model!.version } },
        }),
      ),
    enabled: !!model,
    staleTime: Infinity,
  });
  const tierLines = (version.data?.definition.tiers ?? [])
    .filter((t) => t.min > 0)
    .map((t) => ({ y: t.min, color: `${tierColor(t.name)}.6`, label: t.name }));
  if (health.isPending) return <Loading label="Loading health" />;
  if (health.isError)
    return (
      <Empty title="This account has not been scored yet">
        Health is scored every day and whenever new usage, tickets or surveys arrive.
      </Empty>
    );
  const h = health.data;
  const points = (trend.data?.points ?? []).map((p) => ({ day: p.day, Health: p.composite }));
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="md" radius="md">
          <Group justify="space-between">
            <Title order={2} size="h4">
              Score {h.composite?.toFixed(1) ?? '—'} {h.tier ? `· ${h.tier}` : ''}
            </Title>
            <Text size="xs" c="dimmed">
              {h.model.key} v{h.model.version} · {Math.round(h.coverage * 100)}% of the model had
              data
            </Text>
          </Group>
          <Stack gap="sm" mt="md">
            {h.dimensions.map((d) => (
              <div key={d.key}>
                <Group justify="space-between">
                  <Text size="sm">{d.name}</Text>
                  <Text size="sm" c="dimmed">
                    {d.score === null ? 'no data' : `${d.score.toFixed(1)} / 10`} · weight{' '}
                    {d.weight}%
                  </Text>
                </Group>
                <Progress
                  value={(d.score ?? 0) * 10}
                  aria-label={`${d.name} score`}
                  color={d.score === null ? 'gray' : undefined}
                />
              </div>
            ))}
          </Stack>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4">
            Last 180 days
          </Title>
          {trend.isPending ? (
            <Loading />
          ) : points.length < 2 ? (
            <Text size="sm" c="dimmed" mt="sm">
              Not enough history for a chart yet.
            </Text>
          ) : (
            <div role="img" aria-label="Health score over the last 180 days">
              <LineChart
                h={220}
                mt="sm"
                data={points}
                dataKey="day"
                series={[{ name: 'Health', color: 'indigo.6' }]}
                curveType="monotone"
                withDots={false}
                yAxisProps={{ domain: [0, 100] }}
                referenceLines={[
                  ...tierLines,
                  ...(trend.data?.versionChanges ?? []).map((v) => ({
                    x: v.day,
                    color: 'gray.6',
                    label: `model ${v.to}`,
                  })),
                ]}
              />
            </div>
          )}
        </Paper>
      </SimpleGrid>
      {latest && <Drivers accountId={accountId} latest={latest} />}
      <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
        <Table striped highlightOnHover>
          <Table.Caption>Measures behind the score on {h.scoredOn}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Measure</Table.Th>
              <Table.Th>Dimension</Table.Th>
              <Table.Th>Value</Table.Th>
              <Table.Th>Score</Table.Th>
              <Table.Th>Points</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {h.measures.map((m) => (
              <Table.Tr key={m.measure}>
                <Table.Td>{m.label}</Table.Td>
                <Table.Td>{m.dimension}</Table.Td>
                <Table.Td>{fmtValue(m.value, m.unit)}</Table.Td>
                <Table.Td>{m.score === null ? '—' : m.score.toFixed(1)}</Table.Td>
                <Table.Td>{(m.contributionTenths / 10).toFixed(1)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
