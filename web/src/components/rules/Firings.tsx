import { Anchor, List, Paper, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { relative } from '../../lib/format';
import type { RuleFiring } from '../../lib/rules';
import { useAccountNames } from '../AccountNames';
import { TableFrame } from '../admin/Layout';
import { Empty, ErrorState, Loading } from '../States';

/** The run log: each firing, when, on which account, why, and what each action did. */
export function Firings({ rule }: { rule?: string }) {
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const firings = useQuery({
    queryKey: ['rules', 'firings', rule ?? null],
    queryFn: () => unwrap(api.GET('/api/v1/rules/firings', { params: { query: { rule } } })),
  });
  const items = firings.data?.items ?? [];
  const names = useAccountNames(items.slice(0, 50).map((f) => f.accountId));
  if (firings.isPending) return <Loading label="Loading the run log" />;
  if (firings.isError)
    return <ErrorState error={firings.error} retry={() => void firings.refetch()} />;
  if (items.length === 0)
    return (
      <Empty title="It has not fired yet">
        Each time the rule acts on an account, it is listed here with the reason and what it did.
      </Empty>
    );
  const account = (f: RuleFiring) => (
    <Anchor component={Link} to={`/accounts/${f.accountId}`} size="sm">
      {names.get(f.accountId) ?? 'Account'}
    </Anchor>
  );
  const did = (f: RuleFiring) => (
    <List size="sm" spacing={0}>
      {f.outcome.map((o, i) => (
        <List.Item key={i}>{o}</List.Item>
      ))}
    </List>
  );
  if (phone)
    return (
      <Stack gap="xs" data-testid="firings">
        {items.map((f) => (
          <Paper key={f.id} withBorder radius="md" p="sm">
            <Text size="xs" c="dimmed" title={f.firedAt}>
              {relative(f.firedAt)} · version {f.ruleVersion}
            </Text>
            {account(f)}
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {f.reason}
            </Text>
            {did(f)}
          </Paper>
        ))}
      </Stack>
    );
  return (
    <TableFrame label="Run log">
      <Table verticalSpacing="xs" miw={720} data-testid="firings">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Account</Table.Th>
            <Table.Th>Why</Table.Th>
            <Table.Th>What it did</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((f) => (
            <Table.Tr key={f.id}>
              <Table.Td>
                <Text size="sm" title={f.firedAt}>
                  {relative(f.firedAt)}
                </Text>
                <Text size="xs" c="dimmed">
                  {rule ? `version ${f.ruleVersion}` : f.ruleKey}
                </Text>
              </Table.Td>
              <Table.Td>{account(f)}</Table.Td>
              <Table.Td>
                <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                  {f.reason}
                </Text>
              </Table.Td>
              <Table.Td>{did(f)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}
