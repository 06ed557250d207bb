import {
  Anchor,
  Badge,
  Button,
  Divider,
  Drawer,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import { day, relative } from '../../lib/format';
import { useUser } from '../../lib/session';
import {
  assignableUsers,
  authorName,
  dueText,
  isOpenStatus,
  mayReassignTask,
  mayWriteTask,
  PRIORITIES,
  PRIORITY_COLOR,
  priorityLabel,
  STATUSES,
  statusLabel,
  type TaskDetail,
  type TaskPriority,
  type TaskStatus,
} from '../../lib/tasks';
import { FormError } from '../FormError';
import { Empty, ErrorState, Loading } from '../States';
import { usePeople, useUpdateTask } from './hooks';

const SOURCE: Record<TaskDetail['source'], string> = {
  manual: 'Added by hand',
  playbook: 'From a playbook',
  rule: 'From a rule',
  alert: 'From an alert',
};

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

function Comments({ task, mayComment }: { task: TaskDetail; mayComment: boolean }) {
  const qc = useQueryClient();
  const { users } = usePeople();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: (text: string) =>
      unwrap(
        api.POST('/api/v1/tasks/{id}/comments', {
          params: { path: { id: task.id } },
          body: { body: text },
        }),
      ),
    onSuccess: () => {
      setBody('');
      setError(null);
      void qc.invalidateQueries({ queryKey: ['task', task.id] });
    },
    onError: (err) => setError(messageOf(err)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) {
      setError('Write something first.');
      return;
    }
    add.mutate(body.trim());
  };
  return (
    <Stack gap="sm">
      <Title order={3} size="h5">
        Comments
      </Title>
      {task.comments.length === 0 && (
        <Text size="sm" c="dimmed">
          No comments yet.
        </Text>
      )}
      <Stack gap="xs" data-testid="task-comments">
        {task.comments.map((c) => (
          <Paper key={c.id} withBorder p="sm" radius="md">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {c.body}
            </Text>
            <Text size="xs" c="dimmed" mt={4} title={c.createdAt}>
              {authorName(c, users)} · {relative(c.createdAt)}
            </Text>
          </Paper>
        ))}
      </Stack>
      {mayComment && (
        <form onSubmit={submit} aria-label="Add a comment">
          <Stack gap="xs">
            <Textarea
              label="Comment"
              autosize
              minRows={2}
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
              maxLength={10_000}
            />
            <FormError error={error} />
            <Group justify="flex-end">
              <Button type="submit" size="xs" loading={add.isPending}>
                Add comment
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}

/** A due day that is saved when the field is left, not at every keystroke of the date. */
function DueField({ task, onSave }: { task: TaskDetail; onSave: (d: string | null) => void }) {
  const [value, setValue] = useState(task.dueOn ?? '');
  const save = () => {
    if (value !== (task.dueOn ?? '')) onSave(value || null);
  };
  return (
    <TextInput
      label="Due date"
      type="date"
      value={value}
      onChange={(e) => setValue(e.currentTarget.value)}
      onBlur={save}
    />
  );
}

function TaskBody({ task }: { task: TaskDetail }) {
  const me = useUser();
  const { users, team } = usePeople();
  const update = useUpdateTask();
  const mayWrite = mayWriteTask(me, task.assignee?.id, team);
  const mayReassign = mayReassignTask(me, task.assignee?.id, team);
  const change = (patch: Parameters<typeof update.mutate>[0]['patch']) =>
    update.mutate({ task, patch });
  const due = dueText(task);
  const closed = !isOpenStatus(task.status);
  const assignees = assignableUsers(users, me, team);
  if (task.assignee && !assignees.some((o) => o.value === task.assignee!.id))
    assignees.push({ value: task.assignee.id, label: task.assignee.name });

  return (
    <Stack gap="md">
      <Group gap={6} wrap="wrap">
        <Badge color={task.status === 'done' ? 'teal' : 'gray'} variant="light">
          {statusLabel(task.status)}
        </Badge>
        <Badge color={PRIORITY_COLOR[task.priority]} variant="light">
          {priorityLabel(task.priority)} priority
        </Badge>
        {due.overdue && (
          <Badge color="red" variant="light">
            {due.text}
          </Badge>
        )}
      </Group>
      <SimpleGrid cols={2} spacing="sm">
        <Fact label="Account">
          {task.account ? (
            <Anchor component={Link} to={`/accounts/${task.account.id}?tab=tasks`} size="sm">
              {task.account.name}
            </Anchor>
          ) : (
            'None'
          )}
        </Fact>
        <Fact label="Assignee">{task.assignee?.name ?? 'Nobody'}</Fact>
        <Fact label="Due">
          {day(task.dueOn)}
          {due.text && task.dueOn ? ` · ${due.text}` : ''}
        </Fact>
        <Fact label="Source">{SOURCE[task.source]}</Fact>
        <Fact label="Created">{relative(task.createdAt)}</Fact>
        {task.completedAt && (
          <Fact label={task.status === 'cancelled' ? 'Cancelled' : 'Done'}>
            {relative(task.completedAt)}
          </Fact>
        )}
      </SimpleGrid>
      <div>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          Details
        </Text>
        <Text
          size="sm"
          style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
          c={task.description ? undefined : 'dimmed'}
        >
          {task.description || 'No details.'}
        </Text>
      </div>
      {(mayWrite || mayReassign) && (
        <Stack gap="sm">
          <Divider />
          {mayWrite && (
            <>
              <div>
                <Text size="sm" fw={500} id="task-status-label" mb={4}>
                  Status
                </Text>
                <SegmentedControl
                  aria-labelledby="task-status-label"
                  fullWidth
                  value={task.status}
                  disabled={update.isPending}
                  onChange={(v) => change({ status: v as TaskStatus })}
                  // A closed task is reopened before it is closed the other way (the server asks).
                  data={STATUSES.map((s) => ({
                    ...s,
                    disabled: closed && !isOpenStatus(s.value) && s.value !== task.status,
                  }))}
                />
              </div>
              <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
                <Select
                  label="Priority"
                  data={PRIORITIES}
                  value={task.priority}
                  onChange={(v) =>
                    v && v !== task.priority && change({ priority: v as TaskPriority })
                  }
                  allowDeselect={false}
                />
                <DueField key={task.dueOn} task={task} onSave={(d) => change({ dueOn: d })} />
              </SimpleGrid>
            </>
          )}
          {mayReassign && (
            <Select
              label="Assignee"
              data={assignees}
              value={task.assignee?.id ?? null}
              placeholder="Nobody"
              onChange={(v) => v && v !== task.assignee?.id && change({ assigneeId: v })}
              searchable
              allowDeselect={false}
            />
          )}
        </Stack>
      )}
      <Divider />
      <Comments task={task} mayComment={mayWrite} />
    </Stack>
  );
}

/** One task in a drawer, opened by `?task=ID` on the page that shows it (a deep link). */
export function TaskDrawer() {
  const [params, setParams] = useSearchParams();
  const id = params.get('task');
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const task = useQuery({
    queryKey: ['task', id],
    queryFn: () => unwrap(api.GET('/api/v1/tasks/{id}', { params: { path: { id: id! } } })),
    enabled: !!id,
  });
  const close = () => {
    const next = new URLSearchParams(params);
    next.delete('task');
    setParams(next, { replace: true });
  };
  return (
    <Drawer
      opened={!!id}
      onClose={close}
      position="right"
      size={phone ? '100%' : 'lg'}
      title={
        <Title order={2} size="h4" style={{ overflowWrap: 'anywhere' }}>
          {task.data?.title ?? 'Task'}
        </Title>
      }
      closeButtonProps={{ 'aria-label': 'Close the task' }}
    >
      {task.isPending && <Loading label="Loading the task" />}
      {task.isError &&
        (task.error instanceof ApiError && task.error.status === 404 ? (
          <Empty title="This task is not here">
            The link may be mistyped, or the task was removed. Close this panel to see the list.
          </Empty>
        ) : (
          <ErrorState error={task.error} retry={() => void task.refetch()} />
        ))}
      {task.isSuccess && <TaskBody task={task.data} />}
    </Drawer>
  );
}
