import { Button, Code, Select, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, messageOf, unwrap, type Schemas } from '../../api/client';
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

type Job = Schemas['Job'];
const STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
const STATUS_COLOR = {
  queued: 'gray',
  running: 'indigo',
  succeeded: 'teal',
  failed: 'red',
} as const;
const STATUS_WORD = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
} as const;

function Status({ job }: { job: Pick<Job, 'status'> }) {
  return <CellBadge color={STATUS_COLOR[job.status]}>{STATUS_WORD[job.status]}</CellBadge>;
}

/** Background work: the recurring jobs with their next and last run, and recent jobs. */
export default function Jobs() {
  if (!isAdmin(useUser()))
    return (
      <Stack gap="md">
        <PageHead title="Jobs" description="Background work: scoring, alerts, rules, sending." />
        <OnlyAdmins what="see and run background jobs" />
      </Stack>
    );
  return (
    <Stack gap="lg">
      <PageHead
        title="Jobs"
        description="Background work: scoring, alerts, rules, sending. Each slot runs once."
      />
      <Schedule />
      <Recent />
    </Stack>
  );
}

function useRunNow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (kind: string) => unwrap(api.POST('/api/v1/jobs/run', { body: { kind } })),
    onSuccess: (j) => {
      notifications.show({ color: 'teal', message: `Queued ${j.kind} to run now.` });
      void qc.invalidateQueries({ queryKey: ['jobs'] });
    },
    onError: (err) =>
      notifications.show({ color: 'red', title: 'Not started', message: messageOf(err) }),
  });
}

function Schedule() {
  const schedule = useQuery({
    queryKey: ['jobs', 'schedule'],
    queryFn: () => unwrap(api.GET('/api/v1/jobs/schedule')),
    refetchInterval: 30_000,
  });
  const run = useRunNow();
  const items = schedule.data?.items ?? [];
  return (
    <section aria-labelledby="schedule-title">
      <Title order={2} size="h4" mb="xs" id="schedule-title">
        Schedule
      </Title>
      {schedule.isPending && <Loading label="Loading the schedule" />}
      {schedule.isError && (
        <ErrorState error={schedule.error} retry={() => void schedule.refetch()} />
      )}
      {items.length > 0 && (
        <TableFrame label="Schedule">
          <Table verticalSpacing="xs" miw={960} data-testid="schedule">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Job</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Next run</Table.Th>
                <Table.Th>Last run</Table.Th>
                <Table.Th>Failures kept</Table.Th>
                <Table.Th>Run now</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((s) => (
                <Table.Tr key={s.kind} data-testid="scheduled-job">
                  <Table.Td>
                    <Code>{s.kind}</Code>
                    <Text size="xs" c="dimmed" maw={340}>
                      {s.description}
                    </Text>
                  </Table.Td>
                  <Table.Td>{s.schedule}</Table.Td>
                  <Table.Td title={s.nextDueAt}>{relative(s.nextDueAt)}</Table.Td>
                  <Table.Td>
                    {s.last ? (
                      <Stack gap={2} align="flex-start">
                        <Status job={s.last} />
                        <Text size="xs" c="dimmed" title={s.last.finishedAt ?? s.last.runAt}>
                          {relative(s.last.finishedAt ?? s.last.runAt)}
                        </Text>
                      </Stack>
                    ) : (
                      <Text size="sm" c="dimmed">
                        Not yet
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={s.failed > 0 ? 'red' : undefined}>
                      {s.failed}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="light"
                      aria-label={`Run ${s.kind} now`}
                      loading={run.isPending && run.variables === s.kind}
                      onClick={() => run.mutate(s.kind)}
                    >
                      Run now
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
    </section>
  );
}

function Recent() {
  const qc = useQueryClient();
  const [params, set] = useUrlState();
  const status = oneOf(params.get('status'), STATUSES) ?? undefined;
  const jobs = useQuery({
    queryKey: ['jobs', 'list', status ?? null],
    queryFn: () => unwrap(api.GET('/api/v1/jobs', { params: { query: { status, limit: 50 } } })),
  });
  const retry = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/jobs/{id}/retry', { params: { path: { id } } })),
    onSuccess: (j) => {
      notifications.show({ color: 'teal', message: `${j.kind} will run again.` });
      void qc.invalidateQueries({ queryKey: ['jobs'] });
    },
    onError: (err) =>
      notifications.show({ color: 'red', title: 'Not retried', message: messageOf(err) }),
  });
  const items = jobs.data?.items ?? [];
  return (
    <section aria-labelledby="recent-title">
      <Title order={2} size="h4" mb="xs" id="recent-title">
        Recent jobs
      </Title>
      <Select
        aria-label="Status"
        placeholder="Any status"
        data={STATUSES.map((s) => ({ value: s, label: STATUS_WORD[s] }))}
        value={status ?? null}
        onChange={(v) => set({ status: v })}
        clearable
        w={{ base: '100%', sm: 180 }}
        mb="sm"
      />
      {jobs.isPending && <Loading label="Loading jobs" />}
      {jobs.isError && <ErrorState error={jobs.error} retry={() => void jobs.refetch()} />}
      {jobs.isSuccess && items.length === 0 && (
        <Empty title={status === 'failed' ? 'No job has failed' : 'No jobs here'}>
          Jobs appear as they are queued and run; succeeded ones are kept 7 days, failed ones 90.
        </Empty>
      )}
      {items.length > 0 && (
        <TableFrame label="Recent jobs">
          <Table verticalSpacing="xs" miw={900} data-testid="jobs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Job</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Tries</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Finished</Table.Th>
                <Table.Th>Error</Table.Th>
                <Table.Th>Retry</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((j) => (
                <Table.Tr key={j.id} data-testid="job">
                  <Table.Td>
                    <Code>{j.kind}</Code>
                    {j.worker && (
                      <Text size="xs" c="dimmed">
                        {j.worker}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Status job={j} />
                  </Table.Td>
                  <Table.Td>
                    {j.attempts} of {j.maxAttempts}
                  </Table.Td>
                  <Table.Td title={j.runAt}>{relative(j.runAt)}</Table.Td>
                  <Table.Td title={j.finishedAt ?? undefined}>{relative(j.finishedAt)}</Table.Td>
                  <Table.Td>
                    <Text
                      size="sm"
                      c={j.lastError ? 'red' : 'dimmed'}
                      maw={320}
                      style={{ overflowWrap: 'anywhere' }}
                    >
                      {j.lastError ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {j.status === 'failed' && (
                      <Button
                        size="xs"
                        variant="light"
                        aria-label={`Retry ${j.kind}`}
                        loading={retry.isPending && retry.variables === j.id}
                        onClick={() => retry.mutate(j.id)}
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
    </section>
  );
}
