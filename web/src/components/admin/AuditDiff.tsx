import { Badge, Button, Code, Group, Modal, Stack, Table, Text } from '@mantine/core';
import type { Schemas } from '../../api/client';
import { TableFrame, useLast } from './Layout';
import { showValue } from './audit';

/** An entry as the list delivers it (the paged query widens the before/after pairs). */
export type Entry = Omit<Schemas['AuditEntry'], 'changes'> & {
  changes: Record<string, readonly unknown[]>;
};

function Value({ v }: { v: unknown }) {
  const s = showValue(v);
  if (s.empty)
    return (
      <Text size="sm" c="dimmed" fs="italic">
        {s.text}
      </Text>
    );
  return s.block ? (
    <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
      {s.text}
    </Code>
  ) : (
    <Code style={{ wordBreak: 'break-word' }}>{s.text}</Code>
  );
}

/** One audit entry: who did what to which record, and every field before → after. */
export function AuditDiff({
  entry,
  onClose,
  onRecord,
}: {
  entry: Entry | null;
  onClose: () => void;
  /** Filter the log to this entry's record. */
  onRecord: (entity: string, entityId: string) => void;
}) {
  const opened = entry !== null;
  entry = useLast(entry);
  const fields = entry ? Object.entries(entry.changes) : [];
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={entry ? `${entry.action} ${entry.entity}` : 'Audit entry'}
      size="xl"
    >
      {entry && (
        <Stack gap="sm" data-testid="audit-diff">
          <Text size="sm">
            <b>{entry.actor.name}</b> ({entry.actor.kind}) · {new Date(entry.at).toLocaleString()}
          </Text>
          <Group gap="xs" wrap="wrap">
            <Badge variant="light">{entry.entity}</Badge>
            <Code>{entry.entityId}</Code>
            {entry.requestId && <Text size="xs">request {entry.requestId}</Text>}
            {entry.ip && <Text size="xs">from {entry.ip}</Text>}
          </Group>
          {fields.length === 0 ? (
            <Text size="sm" c="dimmed">
              No fields changed (this entry records that something happened).
            </Text>
          ) : (
            <TableFrame label="Changed fields">
              <Table verticalSpacing="xs" miw={520} style={{ tableLayout: 'fixed' }}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w="24%">Field</Table.Th>
                    <Table.Th>Before</Table.Th>
                    <Table.Th>After</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {fields.map(([field, [before, after]]) => (
                    <Table.Tr key={field}>
                      <Table.Td style={{ wordBreak: 'break-word' }}>{field}</Table.Td>
                      <Table.Td>
                        <Value v={before} />
                      </Table.Td>
                      <Table.Td>
                        <Value v={after} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableFrame>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onRecord(entry.entity, entry.entityId)}>
              Every entry for this record
            </Button>
            <Button onClick={onClose}>Close</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
