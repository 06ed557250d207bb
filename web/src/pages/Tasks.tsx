import { Button, Group, SegmentedControl, Stack, Switch, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { Empty, ErrorState, Loading } from '../components/States';
import { usePeople } from '../components/tasks/hooks';
import { TaskDrawer } from '../components/tasks/TaskDrawer';
import { NewTaskModal } from '../components/tasks/TaskForm';
import { TaskList } from '../components/tasks/TaskList';
import { useUser } from '../lib/session';
import {
  filtersFromParams,
  listQuery,
  mayCreateTasks,
  paramsFromFilters,
  summary,
  type StatusFilter,
  type TaskFilters,
  type TaskScope,
} from '../lib/tasks';

/** More than a person works through in a sitting; the summary still counts them all. */
const LIMIT = 200;

function emptyText(f: TaskFilters, scope: TaskScope): { title: string; hint: string } {
  if (f.overdue) return { title: 'Nothing is overdue', hint: 'Every open task is on time.' };
  if (f.status === 'done')
    return { title: 'No task is done yet', hint: 'Tasks marked done appear here.' };
  if (scope === 'mine')
    return {
      title: 'No open tasks for you',
      hint: 'Tasks assigned to you appear here. Switch to Everyone to see the whole team’s.',
    };
  return {
    title: 'No open tasks',
    hint: 'Add a task here or on an account’s Tasks tab; playbooks and alerts add them too.',
  };
}

/** Tasks to do, most important first; the URL holds the filters and the open task. */
export default function Tasks() {
  const me = useUser();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const [creating, setCreating] = useState(false);
  const { team } = usePeople();
  const set = (patch: Partial<TaskFilters>) =>
    setParams(paramsFromFilters({ ...filters, ...patch }, params), { replace: true });

  const list = useQuery({
    queryKey: ['tasks', 'list', filters],
    queryFn: () =>
      unwrap(api.GET('/api/v1/tasks', { params: { query: listQuery(filters, LIMIT) } })),
  });
  // How many of the open ones are late: one small count, whatever the list shows.
  const countOverdue = filters.status === 'open' && !filters.overdue;
  const overdue = useQuery({
    queryKey: ['tasks', 'overdue-count', filters.scope],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/tasks', {
          params: { query: listQuery({ ...filters, overdue: true }, 1) },
        }),
      ),
    enabled: countOverdue,
  });
  const scope = list.data?.scope ?? filters.scope ?? (me.role === 'csm' ? 'mine' : 'all');
  const items = list.data?.items ?? [];
  const empty = emptyText(filters, scope);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1} size="h2">
            Tasks
          </Title>
          <Text size="sm" c="dimmed" data-testid="tasks-summary">
            {list.isSuccess
              ? summary(
                  filters,
                  list.data.total,
                  countOverdue ? (overdue.data?.total ?? null) : null,
                )
              : '\u00a0'}
          </Text>
        </div>
        {mayCreateTasks(me) && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New task
          </Button>
        )}
      </Group>
      <Group gap="sm" wrap="wrap" align="center">
        <SegmentedControl
          aria-label="Whose tasks"
          value={scope}
          onChange={(v) => set({ scope: v as TaskScope })}
          data={[
            { value: 'mine', label: 'Mine' },
            { value: 'team', label: 'My team' },
            { value: 'all', label: 'Everyone' },
          ]}
        />
        <SegmentedControl
          aria-label="Task status"
          value={filters.status}
          onChange={(v) => set({ status: v as StatusFilter })}
          data={[
            { value: 'open', label: 'Open' },
            { value: 'done', label: 'Done' },
            { value: 'all', label: 'All' },
          ]}
        />
        {filters.status === 'open' && (
          <Switch
            label="Overdue only"
            checked={filters.overdue}
            onChange={(e) => set({ overdue: e.currentTarget.checked })}
          />
        )}
      </Group>
      {list.isPending && <Loading label="Loading tasks" />}
      {list.isError && <ErrorState error={list.error} retry={() => void list.refetch()} />}
      {list.isSuccess && items.length === 0 && <Empty title={empty.title}>{empty.hint}</Empty>}
      {items.length > 0 && <TaskList tasks={items} team={team} showAccount />}
      {list.isSuccess && list.data.total > items.length && (
        <Text size="sm" c="dimmed">
          Showing the first {items.length} of {list.data.total}, most important first. Narrow the
          list with the filters above.
        </Text>
      )}
      <NewTaskModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(t) => {
          const next = new URLSearchParams(params);
          next.set('task', t.id);
          setParams(next);
        }}
      />
      <TaskDrawer />
    </Stack>
  );
}
