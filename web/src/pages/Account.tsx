import {
  Anchor,
  Badge,
  Breadcrumbs,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { AccountEdit } from '../components/account/AccountEdit';
import { AlertsTab } from '../components/account/AlertsTab';
import { ContactsTab } from '../components/account/ContactsTab';
import { HealthTab } from '../components/account/HealthTab';
import { RevenueTab } from '../components/account/RevenueTab';
import { SupportTab } from '../components/account/SupportTab';
import { TasksTab } from '../components/account/TasksTab';
import { TimelineTab } from '../components/account/TimelineTab';
import { UsageTab } from '../components/account/UsageTab';
import { HealthBadge } from '../components/Health';
import { ErrorState, Loading } from '../components/States';
import { day, daysUntil, money, stageLabel } from '../lib/format';

const TABS = [
  { value: 'health', label: 'Health' },
  { value: 'usage', label: 'Usage' },
  { value: 'revenue', label: 'Revenue' },
  { value: 'contacts', label: 'Contacts' },
  { value: 'support', label: 'Tickets & NPS' },
  { value: 'timeline', label: 'Timeline' },
  { value: 'alerts', label: 'Alerts' },
  { value: 'tasks', label: 'Tasks' },
] as const;

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" fw={500} component="div">
        {children}
      </Text>
    </div>
  );
}

export default function Account() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab = TABS.some((t) => t.value === params.get('tab')) ? params.get('tab')! : 'health';
  const account = useQuery({
    queryKey: ['account', id],
    queryFn: () => unwrap(api.GET('/api/v1/accounts/{id}', { params: { path: { id } } })),
  });
  const health = useQuery({
    queryKey: ['account-health', id],
    queryFn: () => unwrap(api.GET('/api/v1/accounts/{id}/health', { params: { path: { id } } })),
    retry: false,
  });
  const owner = useQuery({
    queryKey: ['user', account.data?.ownerId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id: account.data!.ownerId! } } })),
    enabled: !!account.data?.ownerId,
    retry: false,
  });
  const champion = useQuery({
    queryKey: ['contacts', id, 'champion'],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/contacts', { params: { query: { accountId: id, role: 'champion' } } }),
      ),
  });
  if (account.isPending) return <Loading label="Loading the account" />;
  if (account.isError)
    return <ErrorState error={account.error} retry={() => void account.refetch()} />;
  const a = account.data;
  const renewal = daysUntil(a.renewalDate);
  const champ = champion.data?.items[0];

  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to="/portfolio" size="sm">
          Portfolio
        </Anchor>
        <Text size="sm">{a.name}</Text>
      </Breadcrumbs>
      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
          <div>
            <Title order={1} size="h2">
              {a.name}
            </Title>
            <Group gap={6} mt={4}>
              <Badge variant="outline">{stageLabel(a.stage)}</Badge>
              <Badge variant="outline" color="gray">
                {a.segment}
              </Badge>
              {a.archivedAt && <Badge color="gray">Archived</Badge>}
            </Group>
          </div>
          <Group gap="xs">
            <HealthBadge tier={health.data?.tier ?? null} score={health.data?.composite ?? null} />
            <AccountEdit account={a} />
          </Group>
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} mt="md" spacing="md">
          <Fact label="ARR">{money(a.arrMinor, a.currency)}</Fact>
          <Fact label="Renewal">
            {day(a.renewalDate)}
            {renewal !== null && (
              <Text span size="xs" c={renewal < 0 ? 'red' : 'dimmed'} display="block">
                {renewal < 0 ? `${-renewal} days overdue` : `in ${renewal} days`}
              </Text>
            )}
          </Fact>
          <Fact label="Owner">{a.ownerId ? (owner.data?.name ?? '…') : 'No owner'}</Fact>
          <Fact label="Champion">
            {champ ? `${champ.name}${champ.title ? `, ${champ.title}` : ''}` : 'None named'}
          </Fact>
          <Fact label="Health">
            {health.data?.composite != null
              ? `${health.data.composite.toFixed(1)} · ${health.data.tier ?? ''}`
              : 'Not scored'}
          </Fact>
        </SimpleGrid>
      </Paper>
      <Tabs
        value={tab}
        onChange={(v) => {
          const next = new URLSearchParams(params);
          next.set('tab', v ?? 'health');
          setParams(next, { replace: true });
        }}
        keepMounted={false}
      >
        <Tabs.List style={{ overflowX: 'auto', flexWrap: 'nowrap' }}>
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="health" pt="md">
          <HealthTab accountId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="usage" pt="md">
          <UsageTab accountId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="revenue" pt="md">
          <RevenueTab accountId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="contacts" pt="md">
          <ContactsTab accountId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="support" pt="md">
          <SupportTab accountId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="timeline" pt="md">
          <TimelineTab accountId={id} ownerId={a.ownerId} />
        </Tabs.Panel>
        <Tabs.Panel value="alerts" pt="md">
          <AlertsTab accountId={id} ownerId={a.ownerId} />
        </Tabs.Panel>
        <Tabs.Panel value="tasks" pt="md">
          <TasksTab accountId={id} accountName={a.name} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
