import {
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
  Timeline,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { relative } from '../../lib/format';
import { mayEditAccount, useUser } from '../../lib/session';
import { Empty, ErrorState, Loading } from '../States';
import { FormError } from '../FormError';

const TOUCH_KINDS = ['note', 'call', 'meeting', 'email'] as const;
type TouchKind = (typeof TOUCH_KINDS)[number];

const FILTERS = [
  { value: 'all', label: 'Everything' },
  { value: 'touches', label: 'Touches' },
  { value: 'health', label: 'Health' },
  { value: 'support', label: 'Support' },
  { value: 'changes', label: 'Changes' },
  { value: 'renewals', label: 'Renewals' },
];

const KINDS_OF: Record<string, string[] | undefined> = {
  touches: ['note', 'call', 'meeting', 'email', 'email_sent', 'health_review'],
  health: ['health_changed', 'health_review', 'alert'],
  support: ['ticket_opened', 'ticket_escalated', 'ticket_resolved', 'survey_response'],
  renewals: [
    'renewal_reminder_sent',
    'renewal_override',
    'renewal_outcome',
    'renewal_quote',
    'expansion_opportunity',
  ],
  changes: [
    'account_created',
    'stage_changed',
    'owner_changed',
    'subscription_changed',
    'contact_added',
    'contact_left',
    'imported',
  ],
};

function Composer({ accountId }: { accountId: string }) {
  const qc = useQueryClient();
  const [kind, setKind] = useState<TouchKind>('note');
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState({ title: '', body: '' });
  const log = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/accounts/{id}/timeline', {
          params: { path: { id: accountId } },
          body: {
            kind,
            title: form.title.trim(),
            body: form.body.trim() || null,
            occurredAt: new Date().toISOString(),
            contactId: null,
            data: {},
          },
        }),
      ),
    onSuccess: () => {
      setForm({ title: '', body: '' });
      setError(null);
      notifications.show({ color: 'teal', message: `Logged the ${kind}` });
      void qc.invalidateQueries({ queryKey: ['timeline', accountId] });
      void qc.invalidateQueries({ queryKey: ['portfolio'] });
    },
    onError: (err) => setError(messageOf(err)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!form.title.trim()) {
      setError('Give it a title, e.g. “Quarterly check-in”.');
      return;
    }
    log.mutate();
  };
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="form"
      onSubmit={submit}
      aria-label="Log an activity"
    >
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h5">
            Log an activity
          </Title>
          <SegmentedControl
            aria-label="Kind of activity"
            size="xs"
            value={kind}
            onChange={(v) => setKind(v as TouchKind)}
            data={TOUCH_KINDS.map((k) => ({ value: k, label: k[0]!.toUpperCase() + k.slice(1) }))}
          />
        </Group>
        <TextInput
          label="Title"
          value={form.title}
          onChange={(e) => setForm({ ...form, title: e.currentTarget.value })}
          maxLength={200}
        />
        <Textarea
          label="Details"
          autosize
          minRows={2}
          value={form.body}
          onChange={(e) => setForm({ ...form, body: e.currentTarget.value })}
        />
        <FormError error={error} />
        <Group justify="flex-end">
          <Button type="submit" loading={log.isPending}>
            Log {kind}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function TimelineTab({ accountId, ownerId }: { accountId: string; ownerId: string | null }) {
  const user = useUser();
  const [filter, setFilter] = useState('all');
  const kinds = KINDS_OF[filter];
  const entries = useInfiniteQuery({
    queryKey: ['timeline', accountId, filter],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/accounts/{id}/timeline', {
          params: {
            path: { id: accountId },
            query: {
              limit: 50,
              ...(pageParam ? { cursor: pageParam } : {}),
              ...(kinds ? { kind: kinds.join(',') } : {}),
            },
          },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const items = entries.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="md">
      {mayEditAccount(user, ownerId) && <Composer accountId={accountId} />}
      <Select
        label="Show"
        data={FILTERS}
        value={filter}
        onChange={(v) => setFilter(v ?? 'all')}
        allowDeselect={false}
        w={200}
      />
      {entries.isPending && <Loading />}
      {entries.isError && <ErrorState error={entries.error} retry={() => void entries.refetch()} />}
      {entries.isSuccess && items.length === 0 && <Empty title="Nothing on the timeline yet" />}
      {items.length > 0 && (
        <Timeline bulletSize={14} lineWidth={2} data-testid="timeline">
          {items.map((e) => (
            <Timeline.Item
              key={e.id}
              title={
                <Group gap={6} wrap="wrap">
                  <Text size="sm" fw={600}>
                    {e.title}
                  </Text>
                  <Badge size="xs" variant="light" color="gray">
                    {e.kind.replace(/_/g, ' ')}
                  </Badge>
                </Group>
              }
            >
              {e.body && (
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {e.body}
                </Text>
              )}
              <Text size="xs" c="dimmed" mt={2} title={e.occurredAt}>
                {relative(e.occurredAt)} · {e.actor}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      {entries.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void entries.fetchNextPage()}
          loading={entries.isFetchingNextPage}
        >
          Show older
        </Button>
      )}
    </Stack>
  );
}
