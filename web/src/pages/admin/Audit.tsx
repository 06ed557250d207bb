import {
  Autocomplete,
  Button,
  Code,
  Collapse,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconDownload, IconFilterOff } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { AuditDiff, type Entry } from '../../components/admin/AuditDiff';
import {
  ACTIONS,
  AUDIT_FILTERS,
  auditQuery,
  ENTITIES,
  exportHref,
} from '../../components/admin/audit';
import {
  OnlyAdmins,
  PageHead,
  TableFrame,
  useTextParam,
  useUrlState,
  CellBadge,
} from '../../components/admin/Layout';
import { Empty, ErrorState, Loading } from '../../components/States';
import { relative } from '../../lib/format';
import { isAdmin, useUser } from '../../lib/session';

const PAGE = 50;

/** The audit log, newest first: every write, who made it, and what it changed. */
export default function Audit() {
  if (!isAdmin(useUser()))
    return (
      <Stack gap="md">
        <PageHead title="Audit log" description="Every change made in Tenure, and by whom." />
        <OnlyAdmins what="read the audit log" />
      </Stack>
    );
  return <AuditLog />;
}

function Filters() {
  const [params, set] = useUrlState();
  const [entity, setEntity] = useTextParam('entity');
  const [entityId, setEntityId] = useTextParam('entityId');
  const [actor, setActor] = useTextParam('actor');
  const [action, setAction] = useTextParam('action');
  const active = AUDIT_FILTERS.filter((k) => params.get(k)).length;
  const w = { base: '100%', xs: 200 };
  // On a phone the six fields fold away behind one button, so the log is on the first screen.
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const [open, { toggle }] = useDisclosure(false);
  return (
    <Stack gap="xs">
      {phone && (
        <Button
          variant="default"
          onClick={toggle}
          aria-expanded={open}
          style={{ alignSelf: 'flex-start' }}
        >
          Filters{active ? ` (${active})` : ''}
        </Button>
      )}
      <Collapse in={!phone || open}>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Autocomplete label="Entity" data={ENTITIES} value={entity} onChange={setEntity} w={w} />
          <TextInput
            label="Record id"
            value={entityId}
            onChange={(e) => setEntityId(e.currentTarget.value)}
            w={w}
          />
          <TextInput
            label="Who"
            placeholder="email, user id, operator, system, key id"
            value={actor}
            onChange={(e) => setActor(e.currentTarget.value)}
            w={w}
          />
          <Autocomplete label="Action" data={ACTIONS} value={action} onChange={setAction} w={w} />
          <TextInput
            label="From (UTC)"
            type="date"
            value={params.get('from') ?? ''}
            onChange={(e) => set({ from: e.currentTarget.value })}
            w={{ base: '47%', xs: 160 }}
          />
          <TextInput
            label="To (UTC)"
            type="date"
            value={params.get('to') ?? ''}
            onChange={(e) => set({ to: e.currentTarget.value })}
            w={{ base: '47%', xs: 160 }}
          />
          {active > 0 && (
            <Button
              variant="subtle"
              leftSection={<IconFilterOff size={16} />}
              onClick={() => set(Object.fromEntries(AUDIT_FILTERS.map((k) => [k, null])))}
            >
              Clear filters
            </Button>
          )}
        </Group>
      </Collapse>
    </Stack>
  );
}

/** The names of the fields an entry changed, short enough for a table cell. */
function changedFields(e: Entry): string {
  const keys = Object.keys(e.changes);
  if (keys.length === 0) return '—';
  return keys.length > 4 ? `${keys.slice(0, 4).join(', ')} +${keys.length - 4}` : keys.join(', ');
}

function AuditLog() {
  const [params, set] = useUrlState();
  const query = auditQuery(params);
  const [shown, setShown] = useState<Entry | null>(null);
  const log = useInfiniteQuery({
    queryKey: ['audit', query],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/audit', {
          params: { query: { ...query, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack gap="md">
      <PageHead title="Audit log" description="Every change made in Tenure, and by whom.">
        <Button
          component="a"
          href={exportHref(query)}
          download
          variant="default"
          leftSection={<IconDownload size={16} />}
        >
          Export CSV
        </Button>
      </PageHead>
      <Filters />
      {log.isPending && <Loading label="Loading the audit log" />}
      {log.isError && <ErrorState error={log.error} retry={() => void log.refetch()} />}
      {log.isSuccess && entries.length === 0 && (
        <Empty title="No entries match these filters">
          Widen the dates or clear a filter. Every change anyone makes is recorded here.
        </Empty>
      )}
      {entries.length > 0 && (
        <TableFrame label="Audit entries">
          <Table verticalSpacing="xs" miw={960} data-testid="audit">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Record</Table.Th>
                <Table.Th>Changed</Table.Th>
                <Table.Th>Details</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td title={e.at} style={{ whiteSpace: 'nowrap' }}>
                    {relative(e.at)}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{e.actor.name}</Text>
                    <Text size="xs" c="dimmed">
                      {e.actor.kind}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <CellBadge color="gray">{e.entity}</CellBadge>
                      <Text size="sm">{e.action}</Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Code style={{ whiteSpace: 'nowrap' }}>{e.entityId}</Code>
                  </Table.Td>
                  <Table.Td maw={240}>
                    <Text size="sm" truncate="end">
                      {changedFields(e)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="default"
                      onClick={() => setShown(e)}
                      aria-label={`Show what ${e.action} ${e.entity} ${e.entityId} changed`}
                    >
                      Changes
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      {log.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void log.fetchNextPage()}
          loading={log.isFetchingNextPage}
          style={{ alignSelf: 'center' }}
        >
          Load more
        </Button>
      )}
      <AuditDiff
        entry={shown}
        onClose={() => setShown(null)}
        onRecord={(entity, entityId) => {
          setShown(null);
          set({ ...Object.fromEntries(AUDIT_FILTERS.map((k) => [k, null])), entity, entityId });
        }}
      />
    </Stack>
  );
}
