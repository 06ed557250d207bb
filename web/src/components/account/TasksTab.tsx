import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { useUser } from '../../lib/session';
import { mayCreateTasks, summary } from '../../lib/tasks';
import { Empty, ErrorState, Loading } from '../States';
import { usePeople } from '../tasks/hooks';
import { TaskDrawer } from '../tasks/TaskDrawer';
import { TaskForm } from '../tasks/TaskForm';
import { TaskList } from '../tasks/TaskList';

/** The account's open tasks, most important first, and a form to add one for it. */
export function TasksTab({ accountId, accountName }: { accountId: string; accountName: string }) {
  const me = useUser();
  const { team } = usePeople();
  const [adding, { toggle, close }] = useDisclosure(false);
  const tasks = useQuery({
    queryKey: ['tasks', 'account', accountId],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/tasks', {
          params: { query: { accountId, status: 'open', scope: 'all', limit: 100 } },
        }),
      ),
  });
  const items = tasks.data?.items ?? [];
  const late = items.filter((t) => t.overdue).length;
  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Text size="sm" c="dimmed" data-testid="account-tasks-summary">
          {tasks.isSuccess
            ? summary({ scope: 'all', status: 'open', overdue: false }, tasks.data.total, late)
            : '\u00a0'}
        </Text>
        {mayCreateTasks(me) && (
          <Button
            variant={adding ? 'default' : 'filled'}
            leftSection={<IconPlus size={16} />}
            onClick={toggle}
            aria-expanded={adding}
          >
            New task
          </Button>
        )}
      </Group>
      {/* Shown outright, not through a Collapse: one that was still opening fixed its
          height, and a field error the form then showed stayed clipped out of sight. */}
      {mayCreateTasks(me) && adding && (
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h5" mb="sm">
            Add a task for {accountName}
          </Title>
          <TaskForm
            account={{ id: accountId, name: accountName }}
            onCancel={close}
            onDone={close}
          />
        </Paper>
      )}
      {tasks.isPending && <Loading label="Loading tasks" />}
      {tasks.isError && <ErrorState error={tasks.error} retry={() => void tasks.refetch()} />}
      {tasks.isSuccess && items.length === 0 && (
        <Empty title="No open tasks on this account">
          Tasks for this account appear here, most important first.
        </Empty>
      )}
      {items.length > 0 && <TaskList tasks={items} team={team} showAccount={false} />}
      <TaskDrawer />
    </Stack>
  );
}
