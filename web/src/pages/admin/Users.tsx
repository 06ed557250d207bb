import { Button, Group, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSearch, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, messageOf, unwrap, type Schemas } from '../../api/client';
import { Confirm } from '../../components/admin/Confirm';
import {
  OnlyAdmins,
  oneOf,
  PageHead,
  TableFrame,
  useTextParam,
  useUrlState,
  CellBadge,
} from '../../components/admin/Layout';
import { ResetPasswordModal } from '../../components/admin/PasswordForms';
import { CreateUserModal, EditUserModal, ROLES } from '../../components/admin/UserForms';
import { Empty, ErrorState, Loading } from '../../components/States';
import { relative } from '../../lib/format';
import { isAdmin, useUser } from '../../lib/session';

type User = Schemas['User'];
const roleLabel = (r: User['role']) => ROLES.find((x) => x.value === r)?.label ?? r;

/** How a user signs in, as badges: single sign-on, a password, or neither yet. */
function SignInMethods({ user }: { user: User }) {
  if (!user.sso && !user.hasPassword)
    return (
      <Text size="sm" c="dimmed">
        SSO (not yet)
      </Text>
    );
  return (
    <Group gap={4} wrap="nowrap">
      {user.sso && <CellBadge color="indigo">SSO</CellBadge>}
      {user.hasPassword && <CellBadge color="gray">Password</CellBadge>}
    </Group>
  );
}

/** The people who use Tenure: roles, managers, sign-in; admins add, change and archive them. */
export default function Users() {
  const me = useUser();
  if (!isAdmin(me))
    return (
      <Stack gap="md">
        <PageHead title="Users" description="The people who use Tenure and their roles." />
        <OnlyAdmins what="manage users and roles" />
      </Stack>
    );
  return <UserAdmin />;
}

function UserAdmin() {
  const me = useUser();
  const qc = useQueryClient();
  const [params, set] = useUrlState();
  const role = oneOf(params.get('role'), ['admin', 'manager', 'csm', 'viewer'] as const);
  const archived = params.get('archived') === '1';
  const [q, setQ] = useTextParam('q');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [archiving, setArchiving] = useState<User | null>(null);
  const [archiveError, setArchiveError] = useState<string | null>(null);
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => unwrap(api.GET('/api/v1/users')),
  });
  const all = users.data?.items ?? [];
  const names = useMemo(() => new Map(all.map((u) => [u.id, u.name])), [all]);
  const needle = (params.get('q') ?? '').trim().toLowerCase();
  const rows = all
    .filter((u) => (archived ? true : !u.archivedAt))
    .filter((u) => !role || u.role === role)
    .filter(
      (u) =>
        !needle || u.name.toLowerCase().includes(needle) || u.email.toLowerCase().includes(needle),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  const setArchived = useMutation({
    mutationFn: ({ id, archived }: { id: string; archived: boolean }) =>
      unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: { archived } })),
    onSuccess: (u) => {
      notifications.show({
        color: 'teal',
        message: u.archivedAt ? `Archived ${u.name}.` : `Restored ${u.name}.`,
      });
      setArchiving(null);
      void qc.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (err, v) =>
      v.archived
        ? setArchiveError(messageOf(err))
        : notifications.show({ color: 'red', message: messageOf(err) }),
  });

  return (
    <Stack gap="md">
      <PageHead title="Users" description="The people who use Tenure, their roles and teams.">
        <Button leftSection={<IconUserPlus size={16} />} onClick={() => setCreating(true)}>
          Add user
        </Button>
      </PageHead>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput
          aria-label="Search users"
          placeholder="Search name or email…"
          leftSection={<IconSearch size={16} />}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          w={{ base: '100%', sm: 260 }}
        />
        <Select
          aria-label="Role"
          placeholder="Any role"
          data={ROLES}
          value={role}
          onChange={(v) => set({ role: v })}
          clearable
          w={{ base: '100%', sm: 160 }}
        />
        <Switch
          label="Show archived"
          checked={archived}
          onChange={(e) => set({ archived: e.currentTarget.checked ? '1' : null })}
          mb={8}
        />
      </Group>
      {users.isPending && <Loading label="Loading users" />}
      {users.isError && <ErrorState error={users.error} retry={() => void users.refetch()} />}
      {users.isSuccess && rows.length === 0 && (
        <Empty title="No user matches">Clear the search or show archived users.</Empty>
      )}
      {rows.length > 0 && (
        <TableFrame label="Users">
          <Table verticalSpacing="xs" miw={760} data-testid="users">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Manager</Table.Th>
                <Table.Th>Signs in with</Table.Th>
                <Table.Th>Last sign-in</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {u.name}
                      {u.id === me.id && ' (you)'}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {u.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <CellBadge>{roleLabel(u.role)}</CellBadge>
                      {u.archivedAt && <CellBadge color="gray">Archived</CellBadge>}
                    </Group>
                  </Table.Td>
                  <Table.Td>{u.managerId ? (names.get(u.managerId) ?? '—') : '—'}</Table.Td>
                  <Table.Td>
                    <SignInMethods user={u} />
                  </Table.Td>
                  <Table.Td title={u.lastLoginAt ?? undefined}>
                    {u.lastLoginAt ? relative(u.lastLoginAt) : 'Never'}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => setEditing(u)}
                        aria-label={`Edit ${u.name}`}
                      >
                        Edit
                      </Button>
                      {!u.archivedAt && (
                        <Button
                          size="compact-sm"
                          variant="default"
                          onClick={() => setResetting(u)}
                          aria-label={`Set a new password for ${u.name}`}
                        >
                          Password
                        </Button>
                      )}
                      {u.archivedAt ? (
                        <Button
                          size="compact-sm"
                          variant="default"
                          aria-label={`Restore ${u.name}`}
                          onClick={() => setArchived.mutate({ id: u.id, archived: false })}
                        >
                          Restore
                        </Button>
                      ) : (
                        u.id !== me.id && (
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            color="red"
                            aria-label={`Archive ${u.name}`}
                            onClick={() => {
                              setArchiveError(null);
                              setArchiving(u);
                            }}
                          >
                            Archive
                          </Button>
                        )
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} users={all} />
      <EditUserModal user={editing} users={all} onClose={() => setEditing(null)} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
      <Confirm
        opened={archiving !== null}
        title={`Archive ${archiving?.name ?? ''}?`}
        action="Archive"
        pending={setArchived.isPending}
        error={archiveError}
        onConfirm={() => archiving && setArchived.mutate({ id: archiving.id, archived: true })}
        onClose={() => setArchiving(null)}
      >
        They are signed out at once and can no longer sign in. Their accounts keep their history;
        you can restore them later.
      </Confirm>
    </Stack>
  );
}
