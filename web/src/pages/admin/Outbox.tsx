import { Anchor, Button, Group, Select, Stack, Table, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, messageOf, unwrap, type Schemas } from '../../api/client';
import { useAccountNames } from '../../components/AccountNames';
import { Endpoints } from '../../components/admin/Endpoints';
import {
  CellBadge,
  OnlyAdmins,
  oneOf,
  PageHead,
  TableFrame,
  useUrlState,
} from '../../components/admin/Layout';
import { Empty, ErrorState, Loading } from '../../components/States';
import { relative } from '../../lib/format';
import { isAdmin, useUser } from '../../lib/session';

type Message = Schemas['OutboxMessage'];
const STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
const CHANNELS = ['email', 'slack', 'webhook'] as const;
const STATUS_COLOR = { pending: 'yellow', sending: 'indigo', sent: 'teal', failed: 'red' } as const;
const STATUS_WORD = {
  pending: 'Waiting',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
} as const;
const CHANNEL_WORD = { email: 'Email', slack: 'Slack', webhook: 'Webhook' } as const;

const snippet = (m: Message) => {
  const text = m.subject ?? m.body;
  return text.length > 90 ? `${text.slice(0, 90)}…` : text;
};

/** Everything Tenure sends (the delivery log), and the Slack and webhook endpoints. */
export default function Outbox() {
  const [params, set] = useUrlState();
  const tab = params.get('tab') === 'endpoints' ? 'endpoints' : 'log';
  if (!isAdmin(useUser()))
    return (
      <Stack gap="md">
        <PageHead title="Outbox" description="Email, Slack and webhooks Tenure sends." />
        <OnlyAdmins what="see what Tenure sends and where" />
      </Stack>
    );
  return (
    <Stack gap="md">
      <PageHead
        title="Outbox"
        description="Email, Slack and webhooks Tenure sends; each is retried until it goes or fails."
      />
      <Tabs value={tab} onChange={(v) => set({ tab: v === 'endpoints' ? v : null })}>
        <Tabs.List>
          <Tabs.Tab value="log">Delivery log</Tabs.Tab>
          <Tabs.Tab value="endpoints">Endpoints</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="log" pt="md">
          {tab === 'log' && <DeliveryLog />}
        </Tabs.Panel>
        <Tabs.Panel value="endpoints" pt="md">
          {tab === 'endpoints' && <Endpoints />}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function DeliveryLog() {
  const qc = useQueryClient();
  const [params, set] = useUrlState();
  const status = oneOf(params.get('status'), STATUSES) ?? undefined;
  const channel = oneOf(params.get('channel'), CHANNELS) ?? undefined;
  const log = useQuery({
    queryKey: ['outbox', { status, channel }],
    queryFn: () =>
      unwrap(api.GET('/api/v1/outbox', { params: { query: { status, channel, limit: 100 } } })),
  });
  const items = log.data?.items ?? [];
  const names = useAccountNames(items.map((m) => m.accountId));
  const retry = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/outbox/{id}/retry', { params: { path: { id } } })),
    onSuccess: (m) => {
      notifications.show({ color: 'teal', message: `Sending again to ${m.recipient}.` });
      void qc.invalidateQueries({ queryKey: ['outbox'] });
    },
    onError: (err) =>
      notifications.show({ color: 'red', title: 'Not retried', message: messageOf(err) }),
  });
  return (
    <Stack gap="md">
      <Group gap="sm" wrap="wrap">
        <Select
          aria-label="Status"
          placeholder="Any status"
          data={STATUSES.map((s) => ({ value: s, label: STATUS_WORD[s] }))}
          value={status ?? null}
          onChange={(v) => set({ status: v })}
          clearable
          w={{ base: '100%', sm: 170 }}
        />
        <Select
          aria-label="Channel"
          placeholder="Any channel"
          data={CHANNELS.map((c) => ({ value: c, label: CHANNEL_WORD[c] }))}
          value={channel ?? null}
          onChange={(v) => set({ channel: v })}
          clearable
          w={{ base: '100%', sm: 170 }}
        />
      </Group>
      {log.isPending && <Loading label="Loading the delivery log" />}
      {log.isError && <ErrorState error={log.error} retry={() => void log.refetch()} />}
      {log.isSuccess && items.length === 0 && (
        <Empty title={status || channel ? 'Nothing matches' : 'Nothing sent yet'}>
          Rules and playbook steps that email, post to Slack or call a webhook put their messages
          here.
        </Empty>
      )}
      {items.length > 0 && (
        <TableFrame label="Delivery log">
          <Table verticalSpacing="xs" miw={1080} data-testid="outbox">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Queued</Table.Th>
                <Table.Th>Channel</Table.Th>
                <Table.Th>To</Table.Th>
                <Table.Th>Message</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Tries</Table.Th>
                <Table.Th>Provider’s answer</Table.Th>
                <Table.Th>Error</Table.Th>
                <Table.Th>Retry</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((m) => (
                <Table.Tr key={m.id} data-testid="message">
                  <Table.Td title={m.createdAt}>{relative(m.createdAt)}</Table.Td>
                  <Table.Td>{CHANNEL_WORD[m.channel]}</Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {m.recipient}
                    </Text>
                    {m.accountId && (
                      <Anchor component={Link} to={`/accounts/${m.accountId}`} size="xs">
                        {names.get(m.accountId) ?? 'Account'}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" title={m.body} style={{ overflowWrap: 'anywhere' }}>
                      {snippet(m)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <CellBadge color={STATUS_COLOR[m.status]}>{STATUS_WORD[m.status]}</CellBadge>
                    {m.status === 'pending' && m.attempts > 0 && (
                      <Text size="xs" c="dimmed">
                        next {relative(m.nextAttemptAt)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {m.attempts} of {m.maxAttempts}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {m.response ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text
                      size="sm"
                      c={m.lastError ? 'red' : 'dimmed'}
                      style={{ overflowWrap: 'anywhere' }}
                    >
                      {m.lastError ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {m.status === 'failed' && (
                      <Button
                        size="xs"
                        variant="light"
                        aria-label={`Retry the message to ${m.recipient}`}
                        loading={retry.isPending && retry.variables === m.id}
                        onClick={() => retry.mutate(m.id)}
                      >
                        Retry
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
    </Stack>
  );
}
