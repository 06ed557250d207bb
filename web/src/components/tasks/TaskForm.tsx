import {
  Button,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  TextInput,
  Textarea,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import { useUser } from '../../lib/session';
import {
  assignableUsers,
  fieldIssues,
  PRIORITIES,
  type TaskDetail,
  type TaskField,
  type TaskPriority,
} from '../../lib/tasks';
import { FormError } from '../FormError';
import { AccountPicker, type AccountRef } from './AccountPicker';
import { usePeople, useRefreshTasks } from './hooks';

interface Draft {
  title: string;
  account: AccountRef | null;
  assigneeId: string | null;
  dueOn: string;
  priority: TaskPriority;
  description: string;
}

/**
 * A new task: title, account, assignee, due day, priority and details. With `account` set
 * (the account page) the account is fixed and not asked for.
 */
export function TaskForm({
  account,
  onDone,
  onCancel,
}: {
  account?: AccountRef;
  onDone?: (t: TaskDetail) => void;
  onCancel?: () => void;
}) {
  const me = useUser();
  const { users, team, pending } = usePeople();
  const refresh = useRefreshTasks();
  // A CSM's tasks are theirs: the account's owner may be someone they cannot assign to.
  const blank = (): Draft => ({
    title: '',
    account: account ?? null,
    assigneeId: me.role === 'csm' ? me.id : null,
    dueOn: '',
    priority: 'normal',
    description: '',
  });
  const [draft, setDraft] = useState<Draft>(blank);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Partial<Record<TaskField, string>>>({});
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const create = useMutation({
    mutationFn: (d: Draft) =>
      unwrap(
        api.POST('/api/v1/tasks', {
          body: {
            title: d.title.trim(),
            priority: d.priority,
            ...(d.account ? { accountId: d.account.id } : {}),
            ...(d.assigneeId ? { assigneeId: d.assigneeId } : {}),
            ...(d.dueOn ? { dueOn: d.dueOn } : {}),
            ...(d.description.trim() ? { description: d.description.trim() } : {}),
          },
        }),
      ),
    onSuccess: (t) => {
      notifications.show({ color: 'teal', message: `Added the task “${t.title}”` });
      setDraft(blank());
      setError(null);
      setFields({});
      refresh(t.id);
      onDone?.(t);
    },
    onError: (err) => {
      const issues = fieldIssues(err instanceof ApiError ? err.issues : []);
      setFields(issues.fields);
      setError(issues.sentence ?? messageOf(err));
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft.title.trim()) {
      setFields({ title: 'Give the task a title, e.g. “Send the renewal quote”.' });
      setError(null);
      return;
    }
    setFields({});
    create.mutate(draft);
  };

  const who = assignableUsers(users, me, team);
  const defaultWho = draft.account ? 'The account’s owner' : 'You';
  return (
    <form onSubmit={submit} aria-label={account ? `Add a task for ${account.name}` : 'New task'}>
      <Stack gap="sm">
        <TextInput
          label="Title"
          value={draft.title}
          onChange={(e) => set({ title: e.currentTarget.value })}
          maxLength={200}
          error={fields.title}
          data-autofocus
        />
        {!account && (
          <AccountPicker
            value={draft.account}
            onChange={(a) => set({ account: a })}
            error={fields.accountId}
          />
        )}
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
          <Select
            label="Assignee"
            placeholder={pending ? 'Loading people…' : defaultWho}
            data={who}
            value={draft.assigneeId}
            onChange={(v) => set({ assigneeId: v })}
            clearable
            searchable
            error={fields.assigneeId}
          />
          <TextInput
            label="Due date"
            type="date"
            value={draft.dueOn}
            onChange={(e) => set({ dueOn: e.currentTarget.value })}
            error={fields.dueOn}
          />
          <Select
            label="Priority"
            data={PRIORITIES}
            value={draft.priority}
            onChange={(v) => v && set({ priority: v as TaskPriority })}
            allowDeselect={false}
            error={fields.priority}
          />
        </SimpleGrid>
        <Textarea
          label="Details"
          autosize
          minRows={2}
          maxRows={8}
          value={draft.description}
          onChange={(e) => set({ description: e.currentTarget.value })}
          error={fields.description}
        />
        <FormError error={error} />
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={create.isPending}>
            Add task
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The tasks page's "New task" dialog. */
export function NewTaskModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (t: TaskDetail) => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title="New task" size="lg">
      <TaskForm
        onCancel={onClose}
        onDone={(t) => {
          onClose();
          onCreated(t);
        }}
      />
    </Modal>
  );
}
