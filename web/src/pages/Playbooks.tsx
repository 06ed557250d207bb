import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconPencil, IconPlayerPlay, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, messageOf, unwrap } from '../api/client';
import { Confirm } from '../components/admin/Confirm';
import { CellBadge, PageHead, TableFrame } from '../components/admin/Layout';
import { PlaybookEditor } from '../components/playbooks/PlaybookEditor';
import { RunList } from '../components/playbooks/RunList';
import { StartPlay } from '../components/playbooks/StartPlay';
import { Empty, ErrorState, Loading } from '../components/States';
import { relative } from '../lib/format';
import {
  assigneeText,
  byCategory,
  categoryLabel,
  dueAfterText,
  stepsText,
  type Playbook,
} from '../lib/playbooks';
import { isAdmin, useUser } from '../lib/session';
import { mayCreateTasks, PRIORITY_COLOR, priorityLabel } from '../lib/tasks';

/** Playbooks: the library, one playbook's steps and plays, and (for admins) the editor. */
export default function Playbooks() {
  const { key } = useParams();
  const [params] = useSearchParams();
  if (key) return <PlaybookView key={key} playbookKey={key} />;
  if (params.get('new') === '1') return <NewPlaybook />;
  return <Library />;
}

function Library() {
  const me = useUser();
  const list = useQuery({
    queryKey: ['playbooks'],
    queryFn: () => unwrap(api.GET('/api/v1/playbooks')),
  });
  const groups = byCategory(list.data?.items ?? []);
  return (
    <Stack gap="lg">
      <PageHead
        title="Playbooks"
        description="Templates of steps: starting one on an account gives its owner a task per step."
      >
        {isAdmin(me) && (
          <Button component={Link} to="/playbooks?new=1" leftSection={<IconPlus size={16} />}>
            New playbook
          </Button>
        )}
      </PageHead>
      {list.isPending && <Loading label="Loading playbooks" />}
      {list.isError && <ErrorState error={list.error} retry={() => void list.refetch()} />}
      {list.isSuccess && groups.length === 0 && (
        <Empty title="No playbooks yet">Admins add playbooks here.</Empty>
      )}
      {groups.map((g) => (
        <section key={g.category} aria-labelledby={`cat-${g.category}`}>
          <Title order={2} size="h4" mb="xs" id={`cat-${g.category}`}>
            {categoryLabel(g.category)}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
            {g.items.map((p) => (
              <Paper key={p.key} withBorder radius="md" p="sm" data-testid="playbook">
                <Anchor component={Link} to={`/playbooks/${p.key}`} fw={600}>
                  {p.name}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {stepsText(p)}
                </Text>
                {p.description && (
                  <Text size="sm" mt={4} lineClamp={2}>
                    {p.description}
                  </Text>
                )}
              </Paper>
            ))}
          </SimpleGrid>
        </section>
      ))}
      <section aria-labelledby="running-plays">
        <Title order={2} size="h4" mb="xs" id="running-plays">
          Running plays
        </Title>
        <RunList />
      </section>
    </Stack>
  );
}

function Back() {
  return (
    <Anchor component={Link} to="/playbooks" size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} aria-hidden />
        All playbooks
      </Group>
    </Anchor>
  );
}

function NewPlaybook() {
  const me = useUser();
  const navigate = useNavigate();
  return (
    <Stack gap="md">
      <Back />
      <PageHead title="New playbook" description="Steps become tasks when the play starts." />
      {isAdmin(me) ? (
        <PlaybookEditor
          playbook={null}
          onSaved={(p) => navigate(`/playbooks/${p.key}`)}
          onCancel={() => navigate('/playbooks')}
        />
      ) : (
        <Text size="sm">Only admins add playbooks.</Text>
      )}
    </Stack>
  );
}

function Steps({ playbook }: { playbook: Playbook }) {
  return (
    <TableFrame label="Steps">
      <Table verticalSpacing="xs" miw={680} data-testid="steps">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40}>#</Table.Th>
            <Table.Th>Step</Table.Th>
            <Table.Th>Due</Table.Th>
            <Table.Th>Assigned to</Table.Th>
            <Table.Th>Priority</Table.Th>
            <Table.Th>Email</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {playbook.steps.map((s, i) => (
            <Table.Tr key={i} data-testid="step">
              <Table.Td>{i + 1}</Table.Td>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {s.title}
                </Text>
                {s.description && (
                  <Text size="xs" c="dimmed">
                    {s.description}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{dueAfterText(s.dueAfterDays)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{assigneeText(s.assignTo)}</Text>
              </Table.Td>
              <Table.Td>
                <CellBadge color={PRIORITY_COLOR[s.priority]}>
                  {priorityLabel(s.priority)}
                </CellBadge>
              </Table.Td>
              <Table.Td>
                {s.email ? (
                  <Text size="sm" title={s.email.body} style={{ overflowWrap: 'anywhere' }}>
                    “{s.email.subject}”
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    None
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

function PlaybookView({ playbookKey }: { playbookKey: string }) {
  const me = useUser();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const editing = params.get('edit') === '1' && isAdmin(me);
  const [starting, setStarting] = useState(false);
  const [archiving, setArchiving] = useState(false);
  const [archiveError, setArchiveError] = useState<string | null>(null);
  const one = useQuery({
    queryKey: ['playbooks', playbookKey],
    queryFn: () =>
      unwrap(api.GET('/api/v1/playbooks/{key}', { params: { path: { key: playbookKey } } })),
  });
  const archive = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/playbooks/{key}/archive', { params: { path: { key: playbookKey } } }),
      ),
    onSuccess: (p) => {
      notifications.show({ color: 'teal', message: `Archived ${p.name}.` });
      void qc.invalidateQueries({ queryKey: ['playbooks'] });
      navigate('/playbooks');
    },
    onError: (err) => setArchiveError(messageOf(err)),
  });
  const setEdit = (on: boolean) => {
    const next = new URLSearchParams(params);
    if (on) next.set('edit', '1');
    else next.delete('edit');
    setParams(next);
  };

  if (one.isPending)
    return (
      <Stack gap="md">
        <Back />
        <Loading label="Loading the playbook" />
      </Stack>
    );
  if (one.isError)
    return (
      <Stack gap="md">
        <Back />
        <ErrorState error={one.error} retry={() => void one.refetch()} />
      </Stack>
    );
  const p = one.data;
  return (
    <Stack gap="md">
      <Back />
      <PageHead title={p.name} description={p.description || stepsText(p)}>
        {mayCreateTasks(me) && !p.archived && !editing && (
          <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => setStarting(true)}>
            Start on an account
          </Button>
        )}
        {isAdmin(me) && !editing && (
          <Button
            variant="default"
            leftSection={<IconPencil size={16} />}
            onClick={() => setEdit(true)}
          >
            Edit
          </Button>
        )}
        {isAdmin(me) && !editing && !p.archived && (
          <Button variant="subtle" color="red" onClick={() => setArchiving(true)}>
            Archive
          </Button>
        )}
      </PageHead>
      <Group gap={6} wrap="wrap">
        <Badge variant="light">{categoryLabel(p.category)}</Badge>
        <Badge variant="light" color="gray">
          Version {p.version}
        </Badge>
        {p.builtIn && (
          <Badge variant="light" color="gray">
            Comes with Tenure
          </Badge>
        )}
        {p.archived && (
          <Badge variant="light" color="red">
            Archived
          </Badge>
        )}
        <Text size="xs" c="dimmed">
          {stepsText(p)} · changed {relative(p.updatedAt)}
        </Text>
      </Group>
      {editing ? (
        <PlaybookEditor
          key={p.version}
          playbook={p}
          onSaved={() => setEdit(false)}
          onCancel={() => setEdit(false)}
        />
      ) : (
        <>
          <Title order={2} size="h4">
            Steps
          </Title>
          <Steps playbook={p} />
          <Title order={2} size="h4">
            Running plays
          </Title>
          <RunList playbook={p.key} />
        </>
      )}
      <StartPlay playbook={p} opened={starting} onClose={() => setStarting(false)} />
      <Confirm
        opened={archiving}
        title={`Archive ${p.name}?`}
        action="Archive"
        pending={archive.isPending}
        error={archiveError}
        onConfirm={() => archive.mutate()}
        onClose={() => setArchiving(false)}
      >
        It leaves the library and can no longer be started; plays already running keep their tasks.
      </Confirm>
    </Stack>
  );
}
