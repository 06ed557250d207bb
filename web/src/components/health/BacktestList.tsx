import { Anchor, Badge, Paper, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { day, relative } from '../../lib/format';
import { Empty, ErrorState, Loading } from '../States';
import { two, VERDICT } from './backtest';

/** The latest backtests, newest first (optionally of one model). */
export function BacktestList({ model }: { model: string | null }) {
  const list = useQuery({
    queryKey: ['backtests'],
    queryFn: () => unwrap(api.GET('/api/v1/health/backtests')),
  });
  if (list.isPending) return <Loading label="Loading the backtests" />;
  if (list.isError) return <ErrorState error={list.error} retry={() => void list.refetch()} />;
  const items = list.data.items.filter((b) => !model || b.model.key === model);
  if (items.length === 0)
    return (
      <Empty title={model ? `No backtest of ${model} yet` : 'No backtests yet'}>
        A backtest replays a model over your renewals and churns and says how well it predicted
        them.
      </Empty>
    );
  return (
    <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
      <Table highlightOnHover miw={680} data-testid="backtest-list">
        <Table.Caption>Backtests, newest first</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Run</Table.Th>
            <Table.Th>Model</Table.Th>
            <Table.Th>Horizon</Table.Th>
            <Table.Th>Outcomes</Table.Th>
            <Table.Th ta="right">AUC</Table.Th>
            <Table.Th>Verdict</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((b) => {
            const v = VERDICT[b.verdict.kind];
            return (
              <Table.Tr key={b.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/backtests/${b.id}`}>
                    {relative(b.createdAt)}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {b.model.name} v{b.model.version}
                </Table.Td>
                <Table.Td>{b.params.horizonDays} days</Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {day(b.params.from)} – {day(b.params.to)}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{two(b.auc)}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={v.color}>
                    {v.label}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
