import { Button, Code, Group, Select, Stack, Switch, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, messageOf, unwrap, type Schemas } from '../../api/client';
import { Confirm } from '../../components/admin/Confirm';
import { CreateKeyModal, keyStatus, SCOPES, ScopeHelp } from '../../components/admin/KeyForms';
import {
  OnlyAdmins,
  oneOf,
  PageHead,
  TableFrame,
  useUrlState,
  CellBadge,
} from '../../components/admin/Layout';
import { Empty, ErrorState, Loading } from '../../components/States';
import { day, relative } from '../../lib/format';
import { isAdmin, useUser } from '../../lib/session';

type ApiKey = Schemas['ApiKey'];
const STATUS_COLOR = { active: 'teal', revoked: 'red', expired: 'gray' } as const;

/** API and ingest keys: never their secrets, only what they may do and when they were used. */
export default function Keys() {
  if (!isAdmin(useUser()))
    return (
      <Stack gap="md">
        <PageHead title="API keys" description="Keys for integrations and event senders." />
        <OnlyAdmins what="see and manage API keys" />
      </Stack>
    );
  return <KeyAdmin />;
}

function KeyAdmin() {
  const qc = useQueryClient();
  const [params, set] = useUrlState();
  const scope = oneOf(params.get('scope'), ['read', 'write', 'admin', 'ingest'] as const);
  const showRevoked = params.get('revoked') === '1';
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => unwrap(api.GET('/api/v1/keys')) });
  // Who made each key, by name where it was a person (best effort: the list may be refused).
  const users = useQuery({ queryKey: ['users'], queryFn: () => unwrap(api.GET('/api/v1/users')) });
  const names = useMemo(
    () => new Map((users.data?.items ?? []).map((u) => [u.id, u.name])),
    [users.data],
  );
  // createdBy reads "user:usr_…", "operator:operator", "api_key:key_…".
  const creator = (by: string) => {
    const [kind, id = ''] = by.split(':');
    return kind === 'user' ? (names.get(id) ?? id) : kind === 'operator' ? 'operator' : by;
  };
  const revoke = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/keys/{id}/revoke', { params: { path: { id } } })),
    onSuccess: (k) => {
      notifications.show({ color: 'teal', message: `Revoked “${k.name}”. It stops working now.` });
      setRevoking(null);
      void qc.invalidateQueries({ queryKey: ['keys'] });
    },
    onError: (err) => setRevokeError(messageOf(err)),
  });
  const all = keys.data?.items ?? [];
  const rows = all
    .filter((k) => showRevoked || keyStatus(k) === 'active')
    .filter((k) => !scope || k.scope === scope);

  return (
    <Stack gap="md">
      <PageHead title="API keys" description="Keys for integrations and event senders.">
        <Button leftSection={<IconKey size={16} />} onClick={() => setCreating(true)}>
          Create key
        </Button>
      </PageHead>
      <ScopeHelp />
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          aria-label="Scope"
          placeholder="Any scope"
          data={SCOPES}
          value={scope}
          onChange={(v) => set({ scope: v })}
          clearable
          w={{ base: '100%', sm: 160 }}
        />
        <Switch
          label="Show revoked and expired"
          checked={showRevoked}
          onChange={(e) => set({ revoked: e.currentTarget.checked ? '1' : null })}
          mb={8}
        />
      </Group>
      {keys.isPending && <Loading label="Loading keys" />}
      {keys.isError && <ErrorState error={keys.error} retry={() => void keys.refetch()} />}
      {keys.isSuccess && rows.length === 0 && (
        <Empty title={all.length ? 'No key matches' : 'No keys yet'}>
          {all.length
            ? 'Clear the scope or show revoked keys.'
            : 'Create one for an integration, or an ingest key for Segment or RudderStack.'}
        </Empty>
      )}
      {rows.length > 0 && (
        <TableFrame label="API keys">
          <Table verticalSpacing="xs" miw={820} data-testid="keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Scope</Table.Th>
                <Table.Th>Prefix</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((k) => {
                const status = keyStatus(k);
                return (
                  <Table.Tr key={k.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {k.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <CellBadge>{k.scope}</CellBadge>
                    </Table.Td>
                    <Table.Td>
                      <Code>{k.prefix}…</Code>
                    </Table.Td>
                    <Table.Td title={k.createdAt}>
                      <Text size="sm">{relative(k.createdAt)}</Text>
                      <Text size="xs" c="dimmed">
                        by {creator(k.createdBy)}
                      </Text>
                    </Table.Td>
                    <Table.Td title={k.lastUsedAt ?? undefined}>
                      <Text size="sm">{k.lastUsedAt ? relative(k.lastUsedAt) : 'Never'}</Text>
                      {k.lastUsedIp && (
                        <Text size="xs" c="dimmed">
                          from {k.lastUsedIp}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{k.expiresAt ? day(k.expiresAt) : 'Never'}</Table.Td>
                    <Table.Td>
                      <CellBadge color={STATUS_COLOR[status]}>{status}</CellBadge>
                    </Table.Td>
                    <Table.Td>
                      {status === 'active' && (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          aria-label={`Revoke ${k.name}`}
                          onClick={() => {
                            setRevokeError(null);
                            setRevoking(k);
                          }}
                        >
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      <CreateKeyModal opened={creating} onClose={() => setCreating(false)} />
      <Confirm
        opened={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        action="Revoke key"
        pending={revoke.isPending}
        error={revokeError}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onClose={() => setRevoking(null)}
      >
        Anything using this key stops working at once. This cannot be undone; make a new key if you
        need one again.
      </Confirm>
    </Stack>
  );
}
