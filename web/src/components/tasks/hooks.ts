import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, messageOf, unwrap, type Schemas } from '../../api/client';
import { useUser } from '../../lib/session';
import { teamOf, type Task } from '../../lib/tasks';

type TaskPatch = Schemas['TaskPatch'];

/** Everyone who uses Tenure (shared with the users page), and the signed-in manager's team. */
export function usePeople(enabled = true) {
  const me = useUser();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => unwrap(api.GET('/api/v1/users')),
    enabled,
    staleTime: 5 * 60_000,
  });
  const items = useMemo(() => users.data?.items ?? [], [users.data]);
  const team = useMemo(() => teamOf(items, me), [items, me]);
  return { users: items, team, pending: users.isPending };
}

/** After a task changes: its lists, its view, the portfolio's counts and the timeline. */
export function useRefreshTasks() {
  const qc = useQueryClient();
  return (id?: string) => {
    void qc.invalidateQueries({ queryKey: ['tasks'] });
    if (id) void qc.invalidateQueries({ queryKey: ['task', id] });
    void qc.invalidateQueries({ queryKey: ['portfolio'] });
    void qc.invalidateQueries({ queryKey: ['timeline'] });
  };
}

const STATUS_WORD: Record<Task['status'], string> = {
  open: 'Reopened',
  in_progress: 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
};

/** Change one task; says what happened in a toast, or why it was refused. */
export function useUpdateTask() {
  const refresh = useRefreshTasks();
  return useMutation({
    mutationFn: ({ task, patch }: { task: Pick<Task, 'id' | 'title'>; patch: TaskPatch }) =>
      unwrap(api.PATCH('/api/v1/tasks/{id}', { params: { path: { id: task.id } }, body: patch })),
    onSuccess: (t, { patch }) => {
      const what = patch.status ? STATUS_WORD[patch.status] : 'Saved';
      notifications.show({ color: 'teal', message: `${what}: ${t.title}` });
      refresh(t.id);
    },
    onError: (err) =>
      notifications.show({
        color: 'red',
        title: 'The task was not changed',
        message: messageOf(err),
      }),
  });
}
