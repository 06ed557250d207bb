import { Badge, Button, Group, Menu, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, messageOf, unwrap, type Schemas } from '../api/client';
import { relative } from '../lib/format';
import { mayEditAccount, useUser } from '../lib/session';

type HealthAlert = Schemas['HealthAlert'];

const SEVERITY_COLOR: Record<string, string> = {
  critical: 'red',
  high: 'orange',
  medium: 'yellow',
  low: 'gray',
};

function plusDays(n: number): string {
  return new Date(Date.now() + n * 864e5).toISOString();
}

function Actions({ alert }: { alert: HealthAlert }) {
  const qc = useQueryClient();
  const done = (what: string) => {
    notifications.show({ color: 'teal', message: `${what}: ${alert.title}` });
    void qc.invalidateQueries({ queryKey: ['alerts'] });
    void qc.invalidateQueries({ queryKey: ['portfolio'] });
  };
  const fail = (err: unknown) =>
    notifications.show({ color: 'red', title: 'Not changed', message: messageOf(err) });
  const path = { params: { path: { id: alert.id } } };
  const ack = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/health/alerts/{id}/acknowledge', path)),
    onSuccess: () => done('Acknowledged'),
    onError: fail,
  });
  const snooze = useMutation({
    mutationFn: (days: number) =>
      unwrap(
        api.POST('/api/v1/health/alerts/{id}/snooze', { ...path, body: { until: plusDays(days) } }),
      ),
    onSuccess: () => done('Snoozed'),
    onError: fail,
  });
  const resolve = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/health/alerts/{id}/resolve', {
          ...path,
          body: { note: 'Resolved from the web app' },
        }),
      ),
    onSuccess: () => done('Resolved'),
    onError: fail,
  });
  if (alert.status === 'resolved') return null;
  return (
    <Group gap={6}>
      {alert.status === 'open' && (
        <Button
          size="compact-sm"
          variant="light"
          onClick={() => ack.mutate()}
          loading={ack.isPending}
        >
          Acknowledge
        </Button>
      )}
      <Menu withinPortal>
        <Menu.Target>
          <Button size="compact-sm" variant="default" loading={snooze.isPending}>
            Snooze
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {[1, 7, 30].map((d) => (
            <Menu.Item key={d} onClick={() => snooze.mutate(d)}>
              {d === 1 ? 'Until tomorrow' : `For ${d} days`}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
      <Button
        size="compact-sm"
        variant="default"
        color="teal"
        onClick={() => resolve.mutate()}
        loading={resolve.isPending}
      >
        Resolve
      </Button>
    </Group>
  );
}

/** Alerts as cards: why, how bad, and what can be done about each. */
export function AlertList({
  alerts,
  showAccount,
}: {
  alerts: HealthAlert[];
  showAccount: boolean;
}) {
  const user = useUser();
  return (
    <Stack gap="sm">
      {alerts.map((a) => (
        <Paper key={a.id} withBorder p="md" radius="md" data-testid="alert">
          <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
            <Stack gap={4} style={{ flex: 1, minWidth: 240 }}>
              <Group gap={6}>
                <Badge color={SEVERITY_COLOR[a.severity]} variant="light">
                  {a.severity}
                </Badge>
                <Badge color="gray" variant="outline">
                  {a.status}
                </Badge>
                <Text fw={600} size="sm">
                  {a.title}
                </Text>
              </Group>
              <Text size="sm">{a.reason}</Text>
              <Text size="xs" c="dimmed">
                {showAccount && (
                  <>
                    <Link to={`/accounts/${a.accountId}?tab=alerts`}>
                      {a.accountName ?? a.accountId}
                    </Link>{' '}
                    ·{' '}
                  </>
                )}
                raised {relative(a.createdAt)}
                {a.snoozedUntil && a.status === 'snoozed'
                  ? ` · snoozed until ${a.snoozedUntil.slice(0, 10)}`
                  : ''}
              </Text>
            </Stack>
            {mayEditAccount(user, a.ownerId) && <Actions alert={a} />}
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}
