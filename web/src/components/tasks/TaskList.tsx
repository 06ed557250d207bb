import { Anchor, Checkbox, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { Link, useSearchParams } from 'react-router';
import { day } from '../../lib/format';
import { useUser } from '../../lib/session';
import {
  dueText,
  isOpenStatus,
  mayWriteTask,
  PRIORITY_COLOR,
  priorityLabel,
  statusLabel,
  type Task,
} from '../../lib/tasks';
import { CellBadge, TableFrame } from '../admin/Layout';
import { useUpdateTask } from './hooks';

/** The link that opens a task in the drawer, keeping the page and its filters. */
function TaskLink({ task }: { task: Task }) {
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  next.set('task', task.id);
  return (
    <Anchor
      component={Link}
      to={{ search: `?${next.toString()}` }}
      fw={600}
      size="sm"
      style={{ overflowWrap: 'anywhere' }}
    >
      {task.title}
    </Anchor>
  );
}

/** Done or not, for whoever may change the task; cancelled tasks are reopened in the drawer. */
function DoneBox({ task, team }: { task: Task; team: readonly string[] }) {
  const me = useUser();
  const update = useUpdateTask();
  if (!mayWriteTask(me, task.assignee?.id, team) || task.status === 'cancelled') return null;
  const pending = update.isPending ? update.variables.patch.status === 'done' : null;
  return (
    <Checkbox
      aria-label={`Mark ${task.title} done`}
      checked={pending ?? task.status === 'done'}
      disabled={update.isPending}
      onChange={(e) =>
        update.mutate({ task, patch: { status: e.currentTarget.checked ? 'done' : 'open' } })
      }
    />
  );
}

/** In progress, done or cancelled said next to the title (open needs no word). */
function StatusWord({ task }: { task: Task }) {
  if (task.status === 'open') return null;
  return (
    <CellBadge color={task.status === 'done' ? 'teal' : 'gray'} size="sm">
      {statusLabel(task.status)}
    </CellBadge>
  );
}

function Due({ task }: { task: Task }) {
  const due = dueText(task);
  if (!task.dueOn)
    return (
      <Text size="sm" c="dimmed">
        No due date
      </Text>
    );
  return (
    <Text size="sm" c={due.overdue ? 'red' : undefined} fw={due.overdue ? 600 : undefined}>
      {day(task.dueOn)}
      {due.text && (
        <Text span size="xs" c={due.overdue ? 'red' : 'dimmed'} display="block">
          {due.text}
        </Text>
      )}
    </Text>
  );
}

function Priority({ task }: { task: Task }) {
  return (
    <CellBadge
      color={PRIORITY_COLOR[task.priority]}
      variant={task.priority === 'low' ? 'outline' : 'light'}
    >
      {priorityLabel(task.priority)}
    </CellBadge>
  );
}

function AccountLink({ task }: { task: Task }) {
  if (!task.account)
    return (
      <Text size="sm" c="dimmed">
        No account
      </Text>
    );
  return (
    <Anchor component={Link} to={`/accounts/${task.account.id}?tab=tasks`} size="sm">
      {task.account.name}
    </Anchor>
  );
}

function Cards({ tasks, team, showAccount }: Props) {
  return (
    <Stack gap="xs" data-testid="tasks">
      {tasks.map((t) => (
        <Paper key={t.id} withBorder radius="md" p="sm" data-testid="task">
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <DoneBox task={t} team={team} />
            <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
              <Group gap={6} wrap="wrap">
                <TaskLink task={t} />
                <StatusWord task={t} />
              </Group>
              <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {showAccount && t.account && (
                  <>
                    <Anchor component={Link} to={`/accounts/${t.account.id}?tab=tasks`} size="xs">
                      {t.account.name}
                    </Anchor>{' '}
                    ·{' '}
                  </>
                )}
                {t.assignee?.name ?? 'Nobody assigned'}
                {showAccount ? ` · rank ${t.rank}` : ''}
              </Text>
              <Group gap="xs" wrap="wrap" justify="space-between">
                <Due task={t} />
                <Priority task={t} />
              </Group>
            </Stack>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}

interface Props {
  tasks: Task[];
  /** The signed-in manager's team: whose tasks they may complete. */
  team: readonly string[];
  /**
   * Across accounts: the account and the rank are shown. (Within one account the rank only
   * weighs urgency, as value is measured against the largest account in the list.)
   */
  showAccount: boolean;
}

/** Tasks as a table on a desktop and as cards on a phone, each with its done box. */
export function TaskList({ tasks, team, showAccount }: Props) {
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  if (phone) return <Cards tasks={tasks} team={team} showAccount={showAccount} />;
  return (
    <TableFrame label="Tasks">
      <Table verticalSpacing="xs" miw={showAccount ? 860 : 680} data-testid="tasks">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={56}>Done</Table.Th>
            <Table.Th>Task</Table.Th>
            {showAccount && <Table.Th>Account</Table.Th>}
            <Table.Th>Assignee</Table.Th>
            <Table.Th>Due</Table.Th>
            <Table.Th>Priority</Table.Th>
            {showAccount && (
              <Table.Th title="0–100 from the account's value, its health risk and the due date">
                Rank
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tasks.map((t) => (
            <Table.Tr key={t.id} data-testid="task">
              <Table.Td>
                <DoneBox task={t} team={team} />
              </Table.Td>
              <Table.Td>
                <Group gap={6} wrap="wrap">
                  <TaskLink task={t} />
                  <StatusWord task={t} />
                </Group>
              </Table.Td>
              {showAccount && (
                <Table.Td>
                  <AccountLink task={t} />
                </Table.Td>
              )}
              <Table.Td>
                <Text size="sm">{t.assignee?.name ?? 'Nobody'}</Text>
              </Table.Td>
              <Table.Td>
                <Due task={t} />
              </Table.Td>
              <Table.Td>
                <Priority task={t} />
              </Table.Td>
              {showAccount && (
                <Table.Td>
                  <Text size="sm" c={isOpenStatus(t.status) ? undefined : 'dimmed'}>
                    {t.rank}
                  </Text>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}
