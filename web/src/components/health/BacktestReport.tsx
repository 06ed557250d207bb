import '@mantine/charts/styles.css';
import { BarChart, LineChart } from '@mantine/charts';
import { Alert, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { money } from '../../lib/format';
import { Stat } from '../Stat';
import { pct, two, VERDICT, withInterval, type Backtest } from './backtest';
import { FittedWeights } from './FittedWeights';

const points = (v: number) => `${Math.round(v * 10) / 10}`;

function Roc({ report }: { report: Backtest['report'] }) {
  const roc = report.roc;
  if (roc === undefined)
    return (
      <Text size="sm" c="dimmed">
        This backtest was run before ROC curves were kept; run it again to draw one.
      </Text>
    );
  if (roc === null || roc.length < 2)
    return (
      <Text size="sm" c="dimmed">
        Too few outcomes for a curve.
      </Text>
    );
  const data = roc.map((p) => ({ fpr: p.fpr, 'Health score': p.tpr, Chance: p.fpr }));
  // Where the curve flags about a third of retained accounts: a concrete reading of it.
  const third = roc.find((p) => p.fpr >= 1 / 3) ?? roc[roc.length - 1]!;
  const label =
    `ROC curve of the health score, AUC ${two(report.auc?.auc)}: flagging ${pct(third.fpr)} of ` +
    `retained accounts catches ${pct(third.tpr)} of churned ones; the diagonal is chance.`;
  return (
    <div role="img" aria-label={label} data-testid="roc-chart">
      <LineChart
        h={300}
        data={data}
        dataKey="fpr"
        series={[
          { name: 'Health score', color: 'indigo.7' },
          { name: 'Chance', color: 'gray.6', strokeDasharray: '5 5' },
        ]}
        curveType="linear"
        withDots={false}
        withLegend
        xAxisProps={{ type: 'number', domain: [0, 1], tickFormatter: (v: number) => pct(v) }}
        yAxisProps={{ domain: [0, 1], tickFormatter: (v: number) => pct(v) }}
        valueFormatter={(v) => pct(v, 1)}
        xAxisLabel="Retained flagged"
        yAxisLabel="Churned caught"
      />
    </div>
  );
}

function Tiers({ report }: { report: Backtest['report'] }) {
  const rows = report.tiers;
  if (rows.every((t) => t.n === 0))
    return (
      <Text size="sm" c="dimmed">
        No outcome had a tier.
      </Text>
    );
  const data = rows.map((t) => ({
    tier: t.tier,
    'Renewal rate': t.renewalRate === null ? 0 : Math.round(t.renewalRate * 1000) / 10,
  }));
  const label = `Renewal rate by tier: ${rows
    .map((t) => `${t.tier} ${pct(t.renewalRate)} of ${t.n}`)
    .join(', ')}.`;
  return (
    <Stack gap="sm">
      <div role="img" aria-label={label} data-testid="tier-chart">
        <BarChart
          h={220}
          data={data}
          dataKey="tier"
          series={[{ name: 'Renewal rate', color: 'teal.7' }]}
          yAxisProps={{ domain: [0, 100] }}
          valueFormatter={(v) => `${v}%`}
        />
      </div>
      <div style={{ overflowX: 'auto' }}>
        <Table verticalSpacing={4} miw={420}>
          <Table.Caption>Outcomes by tier at the time of scoring</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Tier</Table.Th>
              <Table.Th ta="right">Outcomes</Table.Th>
              <Table.Th ta="right">Renewed</Table.Th>
              <Table.Th ta="right">Churned</Table.Th>
              <Table.Th ta="right">Renewal rate</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((t) => (
              <Table.Tr key={t.tier}>
                <Table.Td>{t.tier}</Table.Td>
                <Table.Td ta="right">{t.n}</Table.Td>
                <Table.Td ta="right">{t.renewed}</Table.Td>
                <Table.Td ta="right">{t.churned}</Table.Td>
                <Table.Td ta="right">{pct(t.renewalRate, 1)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
    </Stack>
  );
}

function Calibration({ report }: { report: Backtest['report'] }) {
  const c = report.calibration;
  if (!c)
    return (
      <Text size="sm" c="dimmed">
        Too few outcomes in the earlier or the later window to calibrate.
      </Text>
    );
  return (
    <Stack gap="xs">
      <Text size="sm">{c.text}</Text>
      <div style={{ overflowX: 'auto' }}>
        <Table verticalSpacing={4} miw={480}>
          <Table.Caption>Predicted and observed churn on the later outcomes</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Health scores</Table.Th>
              <Table.Th ta="right">Outcomes</Table.Th>
              <Table.Th ta="right">Predicted churn</Table.Th>
              <Table.Th ta="right">Observed churn</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {c.rows.map((r) => (
              <Table.Tr key={r.bin}>
                <Table.Td>
                  {points(r.compositeMin)}–{points(r.compositeMax)}
                </Table.Td>
                <Table.Td ta="right">{r.n}</Table.Td>
                <Table.Td ta="right">{pct(r.meanPredicted, 1)}</Table.Td>
                <Table.Td ta="right">{pct(r.observedRate, 1)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
    </Stack>
  );
}

/** A backtest report: verdict, AUC, ROC, tiers, calibration, money flagged, fitted weights. */
export function BacktestReportView({ backtest }: { backtest: Backtest }) {
  const r = backtest.report;
  const v = VERDICT[r.verdict.kind];
  const lift = r.lowestTierLift;
  // The currency with the most churned revenue leads; the others follow in a line.
  const byArr = [...r.flaggedArr].sort((a, b) => b.churnedArrMinor - a.churnedArrMinor);
  const arr = byArr[0];
  return (
    <Stack gap="md">
      <Alert color={v.color} title={v.label} data-testid="backtest-verdict">
        {r.verdict.text}
      </Alert>
      <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }} spacing="md">
        <Stat
          label="AUC"
          value={two(r.auc?.auc)}
          hint={r.auc?.ci ? `95% interval ${two(r.auc.ci[0])}–${two(r.auc.ci[1])}` : 'not reported'}
        />
        <Stat
          label="Outcomes scored"
          value={String(r.counts.scored.churned + r.counts.scored.retained)}
          hint={`${r.counts.scored.churned} churned · ${r.counts.scored.retained} retained`}
        />
        <Stat
          label="Lowest tier"
          value={lift ? `${lift.lift.toFixed(1)}× churn` : '—'}
          hint={
            lift
              ? `${lift.tier} churned ${pct(lift.churnRate)} against ${pct(lift.overallChurnRate)} overall`
              : 'not enough outcomes'
          }
        />
        <Stat
          label="Churned ARR flagged ahead"
          value={arr ? pct(arr.share) : '—'}
          hint={
            arr
              ? `${money(arr.flaggedArrMinor, arr.currency, true)} of ${money(arr.churnedArrMinor, arr.currency, true)} was below the top tier`
              : 'no churned revenue'
          }
        />
      </SimpleGrid>
      {byArr.length > 1 && (
        <Text size="sm" c="dimmed">
          Other currencies:{' '}
          {byArr
            .slice(1)
            .map(
              (a) =>
                `${a.currency} ${pct(a.share)} (${money(a.flaggedArrMinor, a.currency, true)} of ${money(a.churnedArrMinor, a.currency, true)})`,
            )
            .join('; ')}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4">
            ROC curve
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            AUC {withInterval(r.auc)}. Churned accounts caught against retained accounts flagged, as
            the line between flagged and not moves up the score.
          </Text>
          <Roc report={r} />
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4">
            Renewal rate by tier
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            The tier each account was in {backtest.params.horizonDays} days before its outcome.
          </Text>
          <Tiers report={r} />
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="xs">
          Calibration
        </Title>
        <Calibration report={r} />
      </Paper>
      <FittedWeights backtest={backtest} />
    </Stack>
  );
}
