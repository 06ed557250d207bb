import {
  Anchor,
  Badge,
  Button,
  Group,
  List,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconDownload, IconPencil, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, messageOf, unwrap } from '../api/client';
import { Confirm } from '../components/admin/Confirm';
import { CellBadge, PageHead, TableFrame } from '../components/admin/Layout';
import { Firings } from '../components/rules/Firings';
import { RuleEditor } from '../components/rules/RuleEditor';
import { Empty, ErrorState, Loading } from '../components/States';
import { usePeople } from '../components/tasks/hooks';
import { day, relative } from '../lib/format';
import {
  actionsSummary,
  asDefinition,
  describeRule,
  EXAMPLE_RULE,
  whenText,
  type Rule,
} from '../lib/rules';
import { isAdmin, useUser } from '../lib/session';

/** Rules: the list, one rule in words with its versions and run log, and the admin editor. */
export default function Rules() {
  const { key } = useParams();
  const [params] = useSearchParams();
  if (key) return <RuleView key={key} ruleKey={key} />;
  if (params.get('new') === '1') return <NewRule />;
  return <RuleList />;
}

function OnOff({ rule }: { rule: Pick<Rule, 'active'> }) {
  return (
    <CellBadge color={rule.active ? 'teal' : 'gray'} variant={rule.active ? 'light' : 'outline'}>
      {rule.active ? 'On' : 'Off'}
    </CellBadge>
  );
}

function RuleList() {
  const me = useUser();
  const rules = useQuery({ queryKey: ['rules'], queryFn: () => unwrap(api.GET('/api/v1/rules')) });
  const items = rules.data?.items ?? [];
  return (
    <Stack gap="md">
      <PageHead
        title="Rules"
        description="When something happens to an account and it meets the conditions, act."
      >
        {isAdmin(me) && (
          <Button component={Link} to="/rules?new=1" leftSection={<IconPlus size={16} />}>
            New rule
          </Button>
        )}
      </PageHead>
      {rules.isPending && <Loading label="Loading rules" />}
      {rules.isError && <ErrorState error={rules.error} retry={() => void rules.refetch()} />}
      {rules.isSuccess && items.length === 0 && (
        <Empty title="No rules yet">
          {isAdmin(me)
            ? 'Add a rule to start a playbook, create a task or send a message when an account changes.'
            : 'Admins add rules that start playbooks, create tasks or send messages.'}
        </Empty>
      )}
      {items.length > 0 && (
        <TableFrame label="Rules">
          <Table verticalSpacing="xs" miw={760} data-testid="rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Rule</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Then</Table.Th>
                <Table.Th>Version</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => {
                const d = asDefinition(r.definition);
                return (
                  <Table.Tr key={r.key} data-testid="rule">
                    <Table.Td>
                      <Anchor component={Link} to={`/rules/${r.key}`} fw={600} size="sm">
                        {r.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <OnOff rule={r} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{whenText(d.when)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{actionsSummary(d)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{r.version}</Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
    </Stack>
  );
}

function Back() {
  return (
    <Anchor component={Link} to="/rules" size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} aria-hidden />
        All rules
      </Group>
    </Anchor>
  );
}

function NewRule() {
  const me = useUser();
  const navigate = useNavigate();
  return (
    <Stack gap="md">
      <Back />
      <PageHead
        title="New rule"
        description="Start from the example; preview it, then save. A new rule is off until you switch it on."
      />
      {isAdmin(me) ? (
        <RuleEditor
          rule={null}
          initial={EXAMPLE_RULE}
          onSaved={(r) => navigate(`/rules/${r.key}`)}
          onCancel={() => navigate('/rules')}
        />
      ) : (
        <Text size="sm">Only admins add rules.</Text>
      )}
    </Stack>
  );
}

function RuleView({ ruleKey }: { ruleKey: string }) {
  const me = useUser();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const editing = params.get('edit') === '1' && isAdmin(me);
  const [switching, setSwitching] = useState(false);
  const [switchError, setSwitchError] = useState<string | null>(null);
  const { users } = usePeople();
  // createdBy reads "user:ID" for a person, else "operator" or an API key.
  const author = (by: string) =>
    users.find((u) => `user:${u.id}` === by)?.name ?? by.replace(/^user:/, '');
  const rule = useQuery({
    queryKey: ['rules', ruleKey],
    queryFn: () => unwrap(api.GET('/api/v1/rules/{key}', { params: { path: { key: ruleKey } } })),
  });
  const toggle = useMutation({
    mutationFn: (on: boolean) =>
      unwrap(
        on
          ? api.POST('/api/v1/rules/{key}/activate', { params: { path: { key: ruleKey } } })
          : api.POST('/api/v1/rules/{key}/deactivate', { params: { path: { key: ruleKey } } }),
      ),
    onSuccess: (r) => {
      notifications.show({
        color: 'teal',
        message: r.active ? `${r.name} is on.` : `${r.name} is off; it will not act again.`,
      });
      setSwitching(false);
      void qc.invalidateQueries({ queryKey: ['rules'] });
    },
    onError: (err) => setSwitchError(messageOf(err)),
  });
  const setEdit = (on: boolean) => {
    const next = new URLSearchParams(params);
    if (on) next.set('edit', '1');
    else next.delete('edit');
    setParams(next);
  };

  if (rule.isPending || rule.isError)
    return (
      <Stack gap="md">
        <Back />
        {rule.isPending ? (
          <Loading label="Loading the rule" />
        ) : (
          <ErrorState error={rule.error} retry={() => void rule.refetch()} />
        )}
      </Stack>
    );
  const r = rule.data;
  const d = asDefinition(r.definition);
  const words = describeRule(d);
  return (
    <Stack gap="md">
      <Back />
      <PageHead title={r.name} description={d.description || words.when}>
        {isAdmin(me) && !editing && (
          <>
            <Button
              color={r.active ? 'red' : 'teal'}
              variant={r.active ? 'light' : 'filled'}
              onClick={() => {
                setSwitchError(null);
                setSwitching(true);
              }}
            >
              {r.active ? 'Switch off' : 'Switch on'}
            </Button>
            <Button
              variant="default"
              leftSection={<IconPencil size={16} />}
              onClick={() => setEdit(true)}
            >
              Edit
            </Button>
          </>
        )}
        <Button
          component="a"
          href={`/api/v1/rules/${encodeURIComponent(r.key)}/export`}
          download={`${r.key}.yaml`}
          variant="subtle"
          leftSection={<IconDownload size={16} />}
        >
          Download YAML
        </Button>
      </PageHead>
      <Group gap={6} wrap="wrap">
        <OnOff rule={r} />
        <Badge variant="light" color="gray">
          Version {r.version}
        </Badge>
        <Text size="xs" c="dimmed">
          {r.active && r.activeSince
            ? `On since ${day(r.activeSince)}: only what happens after that fires it`
            : `Changed ${relative(r.updatedAt)}`}
        </Text>
      </Group>
      {editing ? (
        <RuleEditor
          key={r.version}
          rule={r}
          initial={d}
          onSaved={() => setEdit(false)}
          onCancel={() => setEdit(false)}
        />
      ) : (
        <>
          <Paper withBorder radius="md" p="md" data-testid="rule-definition">
            <Stack gap="xs">
              <div>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  When
                </Text>
                <Text size="sm">{words.when}</Text>
              </div>
              <div>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  If
                </Text>
                {words.conditions.length === 0 ? (
                  <Text size="sm">Any account</Text>
                ) : (
                  <List size="sm">
                    {words.conditions.map((c) => (
                      <List.Item key={c}>{c}</List.Item>
                    ))}
                  </List>
                )}
              </div>
              <div>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  Then
                </Text>
                <List size="sm">
                  {words.then.map((a) => (
                    <List.Item key={a}>{a}</List.Item>
                  ))}
                </List>
              </div>
            </Stack>
          </Paper>
          <Title order={2} size="h4">
            Run log
          </Title>
          <Firings rule={r.key} />
          <Title order={2} size="h4">
            Versions
          </Title>
          <TableFrame label="Versions">
            <Table verticalSpacing="xs" miw={480}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Saved</Table.Th>
                  <Table.Th>By</Table.Th>
                  <Table.Th>Note</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.versions.map((v) => (
                  <Table.Tr key={v.version}>
                    <Table.Td>{v.version}</Table.Td>
                    <Table.Td title={v.createdAt}>{relative(v.createdAt)}</Table.Td>
                    <Table.Td>{author(v.createdBy)}</Table.Td>
                    <Table.Td>{v.note ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableFrame>
        </>
      )}
      <Confirm
        opened={switching}
        title={r.active ? `Switch off ${r.name}?` : `Switch on ${r.name}?`}
        action={r.active ? 'Switch off' : 'Switch on'}
        color={r.active ? 'red' : 'teal'}
        pending={toggle.isPending}
        error={switchError}
        onConfirm={() => toggle.mutate(!r.active)}
        onClose={() => setSwitching(false)}
      >
        {r.active
          ? 'It stops acting on accounts. What it already did stays.'
          : 'It acts on what happens from now on (never on the past): every five minutes, on each account that meets it, once per cause.'}
      </Confirm>
    </Stack>
  );
}
