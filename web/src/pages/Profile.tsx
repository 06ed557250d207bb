import {
  Badge,
  Button,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, messageOf, setCsrfToken, unwrap } from '../api/client';
import { ErrorState, Loading } from '../components/States';
import { relative } from '../lib/format';
import { useUser } from '../lib/session';
import { FormError } from '../components/FormError';

function ChangePassword() {
  const [error, setError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      unwrap(api.POST('/api/v1/auth/password', { body })),
    onSuccess: () => {
      setError(null);
      notifications.show({
        color: 'teal',
        message: 'Password changed. Other sessions were signed out.',
      });
    },
    onError: (err) => setError(messageOf(err)),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    change.mutate({ currentPassword: String(f.get('current')), newPassword: String(f.get('new')) });
    e.currentTarget.reset();
  };
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="form"
      onSubmit={submit}
      aria-label="Change password"
    >
      <Stack>
        <Title order={2} size="h4">
          Change password
        </Title>
        <PasswordInput
          label="Current password"
          name="current"
          autoComplete="current-password"
          required
        />
        <PasswordInput
          label="New password"
          description="At least 12 characters"
          name="new"
          autoComplete="new-password"
          minLength={12}
          required
        />
        <FormError error={error} />
        <Group justify="flex-end">
          <Button type="submit" loading={change.isPending}>
            Change password
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export default function Profile() {
  const user = useUser();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: () => unwrap(api.GET('/api/v1/auth/sessions')),
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['sessions'] }),
    onError: (err) => notifications.show({ color: 'red', message: messageOf(err) }),
  });
  const everywhere = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/logout-all')),
    onSuccess: () => {
      setCsrfToken(null);
      qc.clear();
      qc.setQueryData(['session'], null);
      navigate('/signin');
    },
    onError: (err) => notifications.show({ color: 'red', message: messageOf(err) }),
  });
  return (
    <Stack gap="md" maw={760}>
      <Title order={1} size="h2">
        Profile
      </Title>
      <Paper withBorder p="md" radius="md">
        <Text fw={600}>{user.name}</Text>
        <Text size="sm">{user.email}</Text>
        <Badge mt="xs">{user.role}</Badge>
      </Paper>
      {user.hasPassword && <ChangePassword />}
      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4">
            Where you are signed in
          </Title>
          <Button
            color="red"
            variant="light"
            onClick={() => everywhere.mutate()}
            loading={everywhere.isPending}
          >
            Sign out everywhere
          </Button>
        </Group>
        {sessions.isPending && <Loading />}
        {sessions.isError && <ErrorState error={sessions.error} />}
        {sessions.isSuccess && (
          <div style={{ overflowX: 'auto' }}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Signed in</Table.Th>
                  <Table.Th>Last active</Table.Th>
                  <Table.Th>From</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sessions.data.items.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>{relative(s.createdAt)}</Table.Td>
                    <Table.Td>{relative(s.lastSeenAt)}</Table.Td>
                    <Table.Td>{s.ip ?? '—'}</Table.Td>
                    <Table.Td>
                      {s.current ? (
                        <Badge variant="light">this device</Badge>
                      ) : (
                        <Button
                          size="compact-sm"
                          variant="default"
                          onClick={() => revoke.mutate(s.id)}
                        >
                          Sign out
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        )}
      </Paper>
    </Stack>
  );
}
