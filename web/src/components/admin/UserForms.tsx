import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, messageOf, unwrap, type Schemas } from '../../api/client';
import { FormError } from '../FormError';
import { useLast } from './Layout';
import { NewPasswordField } from './PasswordForms';

type User = Schemas['User'];
type Role = User['role'];

export const ROLES: { value: Role; label: string }[] = [
  { value: 'admin', label: 'Admin' },
  { value: 'manager', label: 'Manager' },
  { value: 'csm', label: 'CSM' },
  { value: 'viewer', label: 'Viewer' },
];

/** What each role may change (docs/permissions.md), said under the role picker. */
const ROLE_HELP: Record<Role, string> = {
  admin: 'Changes everything, including users, keys and settings.',
  manager: 'Changes their team’s accounts and tasks.',
  csm: 'Changes their own accounts and tasks.',
  viewer: 'Reads everything, changes nothing.',
};

/** Who may lead others: live managers and admins (the server refuses anyone else). */
export function managerOptions(users: readonly User[], except?: string) {
  return users
    .filter((u) => !u.archivedAt && u.id !== except && (u.role === 'manager' || u.role === 'admin'))
    .map((u) => ({ value: u.id, label: u.name }));
}

export function CreateUserModal({
  opened,
  onClose,
  users,
}: {
  opened: boolean;
  onClose: () => void;
  users: readonly User[];
}) {
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [role, setRole] = useState<Role>('csm');
  const [managerId, setManagerId] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const close = () => {
    setError(null);
    setPassword('');
    onClose();
  };
  const create = useMutation({
    mutationFn: (body: {
      email: string;
      name: string;
      role: Role;
      managerId: string | null;
      password?: string;
    }) => unwrap(api.POST('/api/v1/users', { body })),
    onSuccess: (u) => {
      notifications.show({
        color: 'teal',
        message: u.hasPassword
          ? `Created ${u.name}. Give them their password over a private channel.`
          : `Created ${u.name}. They sign in with single sign-on.`,
      });
      void qc.invalidateQueries({ queryKey: ['users'] });
      close();
    },
    onError: (err) => setError(messageOf(err)),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    create.mutate({
      email: String(f.get('email')).trim(),
      name: String(f.get('name')).trim(),
      role,
      managerId,
      ...(password ? { password } : {}),
    });
  };
  return (
    <Modal opened={opened} onClose={close} title="Add a user">
      <form onSubmit={submit} aria-label="Add a user">
        <Stack gap="sm">
          <TextInput label="Email" name="email" type="email" required autoComplete="off" />
          <TextInput label="Name" name="name" required autoComplete="off" />
          <Select
            label="Role"
            data={ROLES}
            value={role}
            onChange={(v) => v && setRole(v as Role)}
            allowDeselect={false}
            description={ROLE_HELP[role]}
          />
          <Select
            label="Manager"
            placeholder="No manager"
            data={managerOptions(users)}
            value={managerId}
            onChange={setManagerId}
            clearable
            searchable
          />
          <NewPasswordField
            value={password}
            onChange={setPassword}
            description="At least 12 characters. Leave empty for single sign-on only."
          />
          <FormError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Change a user's name, role and manager; a role change ends their sessions. */
export function EditUserModal({
  user,
  users,
  onClose,
}: {
  user: User | null;
  users: readonly User[];
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const shown = useLast(user);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setError(null);
    onClose();
  };
  const save = useMutation({
    mutationFn: ({
      id,
      ...body
    }: {
      id: string;
      name: string;
      role: Role;
      managerId: string | null;
    }) => unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })),
    onSuccess: (u) => {
      notifications.show({ color: 'teal', message: `Saved ${u.name}.` });
      void qc.invalidateQueries({ queryKey: ['users'] });
      close();
    },
    onError: (err) => setError(messageOf(err)),
  });
  return (
    <Modal opened={user !== null} onClose={close} title={`Edit ${shown?.name ?? 'user'}`}>
      {shown && (
        <EditForm
          key={shown.id}
          user={shown}
          users={users}
          error={error}
          pending={save.isPending}
          onCancel={close}
          onSave={(patch) => save.mutate({ id: shown.id, ...patch })}
        />
      )}
    </Modal>
  );
}

function EditForm({
  user,
  users,
  error,
  pending,
  onCancel,
  onSave,
}: {
  user: User;
  users: readonly User[];
  error: string | null;
  pending: boolean;
  onCancel: () => void;
  onSave: (patch: { name: string; role: Role; managerId: string | null }) => void;
}) {
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<Role>(user.role);
  const [managerId, setManagerId] = useState<string | null>(user.managerId);
  return (
    <form
      aria-label={`Edit ${user.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        onSave({ name: name.trim(), role, managerId });
      }}
    >
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {user.email}
        </Text>
        <TextInput
          label="Name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <Select
          label="Role"
          data={ROLES}
          value={role}
          onChange={(v) => v && setRole(v as Role)}
          allowDeselect={false}
          description={`${ROLE_HELP[role]}${role !== user.role ? ' Changing the role signs them out.' : ''}`}
        />
        <Select
          label="Manager"
          placeholder="No manager"
          data={managerOptions(users, user.id)}
          value={managerId}
          onChange={setManagerId}
          clearable
          searchable
        />
        <FormError error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
