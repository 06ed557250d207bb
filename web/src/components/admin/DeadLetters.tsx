import {
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, messageOf, unwrap, type Schemas } from '../../api/client';
import { relative } from '../../lib/format';
import { Empty, ErrorState, Loading } from '../States';
import { PayloadModal, type Outcome } from './PayloadModal';
import { CellBadge, oneOf, TableFrame, useUrlState } from './Layout';

type DeadLetter = Schemas['DeadLetter'];

const preview = (payload: unknown) => {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
};

/** What a replay did, in one sentence plus the reasons for those still refused. */
function ReplayResult({ items, onClose }: { items: Outcome[]; onClose: () => void }) {
  const stored = items.filter((i) => i.status !== 'rejected').length;
  const refused = items.filter((i) => i.status === 'rejected');
  const reasons = [...new Set(refused.map((i) => i.reason ?? 'no reason given'))];
  return (
    <Alert
      color={refused.length ? 'yellow' : 'teal'}
      title={`Replayed ${items.length}: ${stored} stored, ${refused.length} still refused`}
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onClose}
      role="status"
      data-testid="replay-result"
    >
      {reasons.map((r) => (
        <Text size="sm" key={r}>
          {r}
        </Text>
      ))}
    </Alert>
  );
}

/** Events the intake refused: why, what was sent, and (for admins) fix and replay. */
export function DeadLetters({ admin }: { admin: boolean }) {
  const qc = useQueryClient();
  const [params, set] = useUrlState();
  const status = oneOf(params.get('letters'), ['open', 'replayed'] as const) ?? 'open';
  const list = useQuery({
    queryKey: ['ingest', 'dead-letters', status],
    queryFn: () =>
      unwrap(api.GET('/api/v1/ingest/dead-letters', { params: { query: { status, limit: 200 } } })),
  });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [shown, setShown] = useState<DeadLetter | null>(null);
  const [result, setResult] = useState<Outcome[] | null>(null);
  const replay = useMutation({
    mutationFn: (body: { ids?: string[]; all?: boolean }) =>
      unwrap(api.POST('/api/v1/ingest/dead-letters/replay', { body })),
    onSuccess: (r) => {
      setResult(r.items);
      setSelected(new Set());
    },
    onError: (err) => notifications.show({ color: 'red', message: messageOf(err) }),
    // Stored events change the stats and the catalog as well as this list.
    onSettled: () => qc.invalidateQueries({ queryKey: ['ingest'] }),
  });
  const items = list.data?.items ?? [];
  const open = status === 'open';
  const selectable = admin && open;
  // Only letters still listed: one replayed meanwhile would make the server refuse the lot.
  const chosen = items.filter((d) => selected.has(d.id)).map((d) => d.id);
  const allChecked = items.length > 0 && chosen.length === items.length;
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  return (
    <Stack gap="sm" component="section" aria-labelledby="dead-letters">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Title order={2} size="h4" id="dead-letters">
          Dead letters
        </Title>
        <Group gap="xs" wrap="wrap">
          <SegmentedControl
            aria-label="Which dead letters"
            size="xs"
            value={status}
            onChange={(v) => {
              setSelected(new Set());
              set({ letters: v === 'open' ? null : v });
            }}
            data={[
              { value: 'open', label: 'Open' },
              { value: 'replayed', label: 'Replayed' },
            ]}
          />
          {selectable && (
            <>
              <Button
                size="xs"
                variant="default"
                disabled={chosen.length === 0}
                loading={replay.isPending && replay.variables?.ids !== undefined}
                onClick={() => replay.mutate({ ids: chosen })}
              >
                Replay selected{chosen.length ? ` (${chosen.length})` : ''}
              </Button>
              <Button
                size="xs"
                disabled={items.length === 0}
                loading={replay.isPending && replay.variables?.all === true}
                onClick={() => replay.mutate({ all: true })}
              >
                Replay all open
              </Button>
            </>
          )}
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Events the intake refused, with the reason. Fix the sender (or the payload here) and replay:
        events that now pass are stored under their original receipt time.
        {!admin && ' Only admins can fix and replay them.'}
      </Text>
      {result && <ReplayResult items={result} onClose={() => setResult(null)} />}
      {list.isPending && <Loading label="Loading dead letters" />}
      {list.isError && <ErrorState error={list.error} retry={() => void list.refetch()} />}
      {list.isSuccess && items.length === 0 && (
        <Empty title={open ? 'No refused events' : 'Nothing replayed yet'}>
          {open ? 'Every event sent so far passed the checks.' : undefined}
        </Empty>
      )}
      {items.length > 0 && (
        <TableFrame label="Dead letters">
          <Table verticalSpacing="xs" miw={720} data-testid="dead-letters">
            <Table.Thead>
              <Table.Tr>
                {selectable && (
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label="Select every dead letter shown"
                      checked={allChecked}
                      indeterminate={!allChecked && chosen.length > 0}
                      onChange={() =>
                        setSelected(allChecked ? new Set() : new Set(items.map((d) => d.id)))
                      }
                    />
                  </Table.Th>
                )}
                <Table.Th>Received</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>Payload</Table.Th>
                <Table.Th>Last replay</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id}>
                  {selectable && (
                    <Table.Td>
                      <Checkbox
                        aria-label={`Select the event refused ${relative(d.receivedAt)}: ${d.reason}`}
                        checked={selected.has(d.id)}
                        onChange={() => toggle(d.id)}
                      />
                    </Table.Td>
                  )}
                  <Table.Td style={{ whiteSpace: 'nowrap' }} title={d.receivedAt}>
                    {relative(d.receivedAt)}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{d.reason}</Text>
                  </Table.Td>
                  <Table.Td maw={320}>
                    <Code style={{ wordBreak: 'break-all' }}>{preview(d.payload)}</Code>
                  </Table.Td>
                  <Table.Td>
                    {d.status === 'replayed' ? (
                      <CellBadge color="teal">{d.replayResult ?? 'replayed'}</CellBadge>
                    ) : (
                      <Text size="sm">{d.replayResult ?? '—'}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button size="compact-sm" variant="default" onClick={() => setShown(d)}>
                      {admin && open ? 'Fix' : 'Payload'}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      <PayloadModal
        letter={shown}
        admin={admin}
        onClose={() => setShown(null)}
        onReplayed={(r) => {
          setShown(null);
          setResult(r);
        }}
      />
    </Stack>
  );
}
