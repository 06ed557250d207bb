import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import {
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { oneOf, PageHead, TableFrame, useUrlState } from '../components/admin/Layout';
import { Empty, ErrorState, Loading } from '../components/States';
import { money } from '../lib/format';
import { useUser } from '../lib/session';
import {
  count,
  personName,
  riskChart,
  riskShare,
  TEAM_CURRENCY,
  totals,
  type TeamRow,
} from '../lib/team';

const SCOPES = ['mine', 'team', 'all'] as const;
const $ = (minor: number) => money(minor, TEAM_CURRENCY);

function Cards({ rows }: { rows: TeamRow[] }) {
  return (
    <Stack gap="xs" data-testid="team-rows">
      {rows.map((r) => (
        <Paper key={r.user?.id ?? 'none'} withBorder radius="md" p="sm" data-testid="team-row">
          <Text fw={600}>{personName(r)}</Text>
          <SimpleGrid cols={2} spacing={4} mt={4}>
            <Text size="sm">{count(r.accounts, 'account')}</Text>
            <Text size="sm">{$(r.arrMinor)} ARR</Text>
            <Text size="sm" c={r.atRiskArrMinor > 0 ? 'red' : undefined}>
              {$(r.atRiskArrMinor)} at risk
            </Text>
            <Text size="sm">{count(r.atRiskAccounts, 'account')} at risk</Text>
            <Text size="sm">{count(r.tasksOpen, 'task')} open</Text>
            <Text size="sm" c={r.tasksOverdue > 0 ? 'red' : undefined}>
              {r.tasksOverdue} overdue
            </Text>
            <Text size="sm">{r.tasksDone30d} done in 30 days</Text>
            <Text size="sm">{count(r.playsRunning, 'play')} running</Text>
          </SimpleGrid>
        </Paper>
      ))}
    </Stack>
  );
}

function TeamTable({ rows }: { rows: TeamRow[] }) {
  return (
    <TableFrame label="Team">
      <Table verticalSpacing="xs" miw={900} data-testid="team-rows">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Person</Table.Th>
            <Table.Th ta="right">Accounts</Table.Th>
            <Table.Th ta="right">ARR</Table.Th>
            <Table.Th ta="right">ARR at risk</Table.Th>
            <Table.Th ta="right">Tasks open</Table.Th>
            <Table.Th ta="right">Overdue</Table.Th>
            <Table.Th ta="right">Done in 30 days</Table.Th>
            <Table.Th ta="right">Plays running</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.user?.id ?? 'none'} data-testid="team-row">
              <Table.Td>
                <Text size="sm" fw={600}>
                  {personName(r)}
                </Text>
                {r.user && (
                  <Text size="xs" c="dimmed">
                    {r.user.email}
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right">{r.accounts}</Table.Td>
              <Table.Td ta="right">{$(r.arrMinor)}</Table.Td>
              <Table.Td ta="right">
                <Text size="sm" c={r.atRiskArrMinor > 0 ? 'red' : undefined}>
                  {$(r.atRiskArrMinor)}
                </Text>
                <Text size="xs" c="dimmed">
                  {count(r.atRiskAccounts, 'account')} · {riskShare(r)}%
                </Text>
              </Table.Td>
              <Table.Td ta="right">{r.tasksOpen}</Table.Td>
              <Table.Td ta="right">
                <Text size="sm" c={r.tasksOverdue > 0 ? 'red' : undefined}>
                  {r.tasksOverdue}
                </Text>
              </Table.Td>
              <Table.Td ta="right">{r.tasksDone30d}</Table.Td>
              <Table.Td ta="right">{r.playsRunning}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

/** Per person: accounts, ARR and ARR at risk, tasks and plays; a chart of ARR at risk. */
export default function Team() {
  const me = useUser();
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const [params, set] = useUrlState();
  const scope = me.role === 'csm' ? 'mine' : (oneOf(params.get('scope'), SCOPES) ?? undefined);
  const team = useQuery({
    queryKey: ['team', scope ?? null],
    queryFn: () => unwrap(api.GET('/api/v1/team', { params: { query: { scope } } })),
  });
  const rows = team.data?.rows ?? [];
  const sum = totals(rows);
  const chart = riskChart(rows);
  return (
    <Stack gap="md">
      <PageHead
        title="Team"
        description={
          me.role === 'csm'
            ? 'Your book: accounts, ARR at risk, tasks and plays.'
            : 'Each person’s book: accounts, ARR at risk, tasks and plays.'
        }
      />
      {me.role !== 'csm' && (
        <Group>
          <SegmentedControl
            aria-label="Whose books"
            value={team.data?.scope ?? scope ?? 'all'}
            onChange={(v) => set({ scope: v })}
            data={[
              { value: 'mine', label: 'Mine' },
              { value: 'team', label: 'My team' },
              { value: 'all', label: 'Everyone' },
            ]}
          />
        </Group>
      )}
      {team.isPending && <Loading label="Loading the team" />}
      {team.isError && <ErrorState error={team.error} retry={() => void team.refetch()} />}
      {team.isSuccess && rows.length === 0 && (
        <Empty title="Nobody here yet">
          People with accounts or tasks appear here; try Everyone to see the whole company.
        </Empty>
      )}
      {rows.length > 0 && (
        <>
          <Text size="sm" data-testid="team-summary">
            {count(sum.accounts, 'account')}, {$(sum.arrMinor)} ARR, of which{' '}
            {$(sum.atRiskArrMinor)} is at risk ({count(sum.atRiskAccounts, 'account')});{' '}
            {count(sum.tasksOverdue, 'task')} overdue.
          </Text>
          {phone ? <Cards rows={rows} /> : <TeamTable rows={rows} />}
          <Text size="xs" c="dimmed">
            At risk: the account’s health is in its model’s lowest tier, or its stage is at risk.
            Sums add each account’s ARR as billed and show it in {TEAM_CURRENCY}; accounts billed in
            another currency are not converted.
          </Text>
          {rows.length > 1 && (
            <Paper withBorder radius="md" p="md">
              <Title order={2} size="h4" mb="sm">
                ARR at risk by person
              </Title>
              <div
                role="img"
                aria-label={`ARR at risk by person: ${chart
                  .map((c) => `${c.person} ${$(c['ARR at risk'] * 100)}`)
                  .join(', ')}`}
                data-testid="risk-chart"
              >
                <BarChart
                  h={Math.max(180, chart.length * 36)}
                  data={chart}
                  dataKey="person"
                  orientation="vertical"
                  yAxisProps={{ width: phone ? 90 : 160 }}
                  series={[{ name: 'ARR at risk', color: 'red.7' }]}
                  valueFormatter={(v) => money(v * 100, TEAM_CURRENCY, true)}
                />
              </div>
            </Paper>
          )}
        </>
      )}
    </Stack>
  );
}
