import {
  Anchor,
  Button,
  Group,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, messageOf, unwrap } from '../../api/client';
import { relative } from '../../lib/format';
import { progressPct, type PlaybookRun } from '../../lib/playbooks';
import { useUser } from '../../lib/session';
import { mayCreateTasks } from '../../lib/tasks';
import { useAccountNames } from '../AccountNames';
import { CellBadge, TableFrame } from '../admin/Layout';
import { Confirm } from '../admin/Confirm';
import { Empty, ErrorState, Loading } from '../States';

const STATUS_COLOR = { running: 'indigo', completed: 'teal', cancelled: 'gray' } as const;
const STATUS_WORD = { running: 'Running', completed: 'Completed', cancelled: 'Stopped' } as const;

function Bar({ run }: { run: PlaybookRun }) {
  const { done, total } = run.progress;
  return (
    <Stack gap={2} miw={120}>
      <Progress
        value={progressPct(run)}
        color={run.status === 'cancelled' ? 'gray' : 'teal'}
        aria-label={`${run.playbook.name}: ${done} of ${total} tasks closed`}
      />
      <Text size="xs" c="dimmed" data-testid="run-progress">
        {done}/{total} tasks closed
      </Text>
    </Stack>
  );
}

/** Plays on accounts with their progress; whoever may write tasks stops a running one. */
export function RunList({
  playbook,
  status = 'running',
}: {
  playbook?: string;
  status?: PlaybookRun['status'];
}) {
  const me = useUser();
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const [stopping, setStopping] = useState<PlaybookRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const runs = useQuery({
    queryKey: ['playbook-runs', { playbook, status }],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/playbook-runs', { params: { query: { playbook, status, limit: 50 } } }),
      ),
  });
  const items = runs.data?.items ?? [];
  const names = useAccountNames(items.map((r) => r.accountId));
  const cancel = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/playbook-runs/{id}/cancel', { params: { path: { id } } })),
    onSuccess: (r) => {
      notifications.show({
        color: 'teal',
        message: `Stopped ${r.playbook.name}; its open tasks are cancelled.`,
      });
      setStopping(null);
      void qc.invalidateQueries({ queryKey: ['playbook-runs'] });
      void qc.invalidateQueries({ queryKey: ['tasks'] });
    },
    onError: (err) => setError(messageOf(err)),
  });
  const mayStop = mayCreateTasks(me);

  if (runs.isPending) return <Loading label="Loading plays" />;
  if (runs.isError) return <ErrorState error={runs.error} retry={() => void runs.refetch()} />;
  if (items.length === 0)
    return (
      <Empty title="No play is running">
        Start a playbook on an account and its progress shows here; rules start them too.
      </Empty>
    );

  const account = (r: PlaybookRun) => (
    <Anchor component={Link} to={`/accounts/${r.accountId}?tab=tasks`} size="sm">
      {names.get(r.accountId) ?? 'Account'}
    </Anchor>
  );
  const name = (r: PlaybookRun) => (
    <Anchor component={Link} to={`/playbooks/${r.playbook.key}`} size="sm" fw={600}>
      {r.playbook.name}
    </Anchor>
  );
  const stop = (r: PlaybookRun) =>
    mayStop && r.status === 'running' ? (
      <Button
        size="xs"
        variant="light"
        color="red"
        aria-label={`Stop ${r.playbook.name} on ${names.get(r.accountId) ?? 'this account'}`}
        onClick={() => {
          setError(null);
          setStopping(r);
        }}
      >
        Stop
      </Button>
    ) : null;
  const started = (r: PlaybookRun) =>
    `${relative(r.startedAt)}${r.source === 'rule' ? ' by a rule' : ''}`;

  return (
    <>
      {phone ? (
        <Stack gap="xs" data-testid="runs">
          {items.map((r) => (
            <Paper key={r.id} withBorder radius="md" p="sm" data-testid="run">
              <Stack gap={6}>
                <Group justify="space-between" wrap="wrap" gap={6}>
                  {name(r)}
                  <CellBadge color={STATUS_COLOR[r.status]}>{STATUS_WORD[r.status]}</CellBadge>
                </Group>
                <Text size="xs" c="dimmed">
                  {account(r)} · started {started(r)}
                </Text>
                <Bar run={r} />
                {stop(r)}
              </Stack>
            </Paper>
          ))}
        </Stack>
      ) : (
        <TableFrame label="Plays">
          <Table verticalSpacing="xs" miw={720} data-testid="runs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Playbook</Table.Th>
                <Table.Th>Account</Table.Th>
                <Table.Th>Started</Table.Th>
                <Table.Th>Progress</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.id} data-testid="run">
                  <Table.Td>{name(r)}</Table.Td>
                  <Table.Td>{account(r)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" title={r.startedAt}>
                      {started(r)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Bar run={r} />
                  </Table.Td>
                  <Table.Td>
                    <CellBadge color={STATUS_COLOR[r.status]}>{STATUS_WORD[r.status]}</CellBadge>
                  </Table.Td>
                  <Table.Td>{stop(r)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      <Confirm
        opened={stopping !== null}
        title="Stop this play?"
        action="Stop the play"
        pending={cancel.isPending}
        error={error}
        onConfirm={() => stopping && cancel.mutate(stopping.id)}
        onClose={() => setStopping(null)}
      >
        {stopping
          ? `${stopping.playbook.name} on ${names.get(stopping.accountId) ?? 'this account'} stops, and its open tasks are cancelled. Tasks already done stay done.`
          : ''}
      </Confirm>
    </>
  );
}
