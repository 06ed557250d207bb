import {
  Button,
  Code,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, messageOf, unwrap, type Schemas } from '../../api/client';
import { relative } from '../../lib/format';
import { issuePath } from '../../lib/playbooks';
import { FormError } from '../FormError';
import { aaErrors } from '../health/styles';
import { Empty, ErrorState, Loading } from '../States';
import { Confirm } from './Confirm';
import { SecretOnceModal } from './SecretOnce';
import { CellBadge, TableFrame } from './Layout';

type Endpoint = Schemas['OutboundEndpoint'];
type Kind = Endpoint['kind'];

const KINDS: { value: Kind; label: string }[] = [
  { value: 'webhook', label: 'Webhook (signed)' },
  { value: 'slack', label: 'Slack incoming webhook' },
];

function SecretModal({
  secret,
  onDone,
}: {
  secret: { name: string; value: string } | null;
  onDone: () => void;
}) {
  return (
    <SecretOnceModal
      secret={secret}
      title="The webhook’s signing secret"
      intro={(name) =>
        `“${name}” is ready. Its requests carry an X-Tenure-Signature made with this secret; give it to the receiver so it can check them.`
      }
      warning="This is the only time the secret is shown. If it is lost, remove the endpoint and add it again."
      copyLabel="Copy secret"
      testId="endpoint-secret"
      onDone={onDone}
    />
  );
}

function AddEndpoint({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const [kind, setKind] = useState<Kind>('webhook');
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const add = useMutation({
    mutationFn: (body: { kind: Kind; name: string; url: string }) =>
      unwrap(api.POST('/api/v1/outbound/endpoints', { body })),
    // Not kept in the mutation cache: the answer holds the secret.
    gcTime: 0,
    onSuccess: (e) => {
      if (e.secret) setSecret({ name: e.name, value: e.secret });
      else notifications.show({ color: 'teal', message: `Added “${e.name}”.` });
      add.reset();
      setError(null);
      setFields({});
      onClose();
      void qc.invalidateQueries({ queryKey: ['endpoints'] });
    },
    onError: (err) => {
      setError(messageOf(err));
      const f: Record<string, string> = {};
      if (err instanceof ApiError) for (const i of err.issues) f[issuePath(i.path)] ??= i.message;
      setFields(f);
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    add.mutate({
      kind,
      name: String(data.get('name')).trim(),
      url: String(data.get('url')).trim(),
    });
  };
  return (
    <>
      <Modal opened={opened} onClose={onClose} title="Add an endpoint">
        <form onSubmit={submit} aria-label="Add an endpoint" style={aaErrors}>
          <Stack gap="sm">
            <Select
              label="Kind"
              data={KINDS}
              value={kind}
              allowDeselect={false}
              onChange={(v) => v && setKind(v as Kind)}
            />
            <TextInput
              label="Name"
              name="name"
              description="Rules name it, e.g. “CS alerts channel”"
              required
              autoComplete="off"
              error={fields.name}
            />
            <TextInput
              label="URL"
              name="url"
              type="url"
              description={
                kind === 'slack'
                  ? 'The incoming webhook URL Slack gives you'
                  : 'Where Tenure POSTs signed JSON (https)'
              }
              required
              autoComplete="off"
              error={fields.url}
            />
            <FormError error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={add.isPending}>
                Add endpoint
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <SecretModal secret={secret} onDone={() => setSecret(null)} />
    </>
  );
}

/** Slack and webhook endpoints that rules send to; a webhook's secret is shown once. */
export function Endpoints() {
  const qc = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Endpoint | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['endpoints'],
    queryFn: () => unwrap(api.GET('/api/v1/outbound/endpoints')),
  });
  const remove = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/outbound/endpoints/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: `Removed “${removing?.name ?? ''}”.` });
      setRemoving(null);
      void qc.invalidateQueries({ queryKey: ['endpoints'] });
    },
    onError: (err) => setRemoveError(messageOf(err)),
  });
  const items = list.data?.items ?? [];
  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed">
          Rules post to these by their id (notify_slack, call_webhook).
        </Text>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
          Add endpoint
        </Button>
      </Group>
      {list.isPending && <Loading label="Loading endpoints" />}
      {list.isError && <ErrorState error={list.error} retry={() => void list.refetch()} />}
      {list.isSuccess && items.length === 0 && (
        <Empty title="No endpoints yet">
          Add a Slack channel’s incoming webhook, or a webhook of your own, for rules to send to.
        </Empty>
      )}
      {items.length > 0 && (
        <TableFrame label="Endpoints">
          <Table verticalSpacing="xs" miw={720} data-testid="endpoints">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>URL</Table.Th>
                <Table.Th>Id (for rules)</Table.Th>
                <Table.Th>Added</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e) => (
                <Table.Tr key={e.id} data-testid="endpoint">
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {e.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <CellBadge color={e.kind === 'slack' ? 'teal' : 'indigo'}>
                      {e.kind === 'slack' ? 'Slack' : e.hasSecret ? 'Webhook, signed' : 'Webhook'}
                    </CellBadge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {e.url}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Code>{e.id}</Code>
                  </Table.Td>
                  <Table.Td>{relative(e.createdAt)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      aria-label={`Remove ${e.name}`}
                      onClick={() => {
                        setRemoveError(null);
                        setRemoving(e);
                      }}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      <AddEndpoint opened={adding} onClose={() => setAdding(false)} />
      <Confirm
        opened={removing !== null}
        title={`Remove ${removing?.name ?? 'the endpoint'}?`}
        action="Remove"
        pending={remove.isPending}
        error={removeError}
        onConfirm={() => removing && remove.mutate(removing.id)}
        onClose={() => setRemoving(null)}
      >
        Rules that post to it will fail their Slack or webhook action until they point elsewhere.
      </Confirm>
    </Stack>
  );
}
