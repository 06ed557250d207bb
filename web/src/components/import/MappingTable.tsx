import { Badge, Group, Paper, Select, Stack, Table, Text } from '@mantine/core';
import {
  IGNORE,
  targetOptions,
  type ImportKind,
  type ImportReport,
  type Mapping,
} from '../../lib/import';

type Column = ImportReport['columns'][number];

const TYPES: Record<Column['type'], string> = {
  empty: 'Empty',
  boolean: 'Yes/no',
  integer: 'Whole number',
  number: 'Number',
  money: 'Money',
  date: 'Date',
  text: 'Text',
};

interface Props {
  kind: ImportKind;
  columns: Column[];
  mapping: Mapping;
  edits: Mapping;
  clash: Record<string, string>;
  samples: Record<string, string[]> | null;
  phone: boolean;
  disabled: boolean;
  onChange: (column: string, target: string | null) => void;
}

function Origin({ column, edited }: { column: Column; edited: boolean }) {
  if (edited)
    return (
      <Badge size="xs" variant="light" color="indigo">
        Changed
      </Badge>
    );
  return (
    <Badge size="xs" variant="light" color="gray">
      {column.source === 'map' ? 'Chosen' : 'Suggested'}
    </Badge>
  );
}

function Samples({ values }: { values: string[] | undefined }) {
  if (!values) return null;
  if (values.length === 0)
    return (
      <Text size="xs" c="dimmed" fs="italic">
        no values in the first rows
      </Text>
    );
  return (
    <Text size="xs" c="dimmed" lineClamp={2} style={{ wordBreak: 'break-word' }}>
      {values.join(' · ')}
    </Text>
  );
}

function TargetSelect({ p, column }: { p: Props; column: Column }) {
  const target = p.mapping[column.column] ?? null;
  const other = p.clash[column.column];
  return (
    <Select
      aria-label={`Field for ${column.column}`}
      data={targetOptions(p.kind, column.column, target)}
      value={target ?? IGNORE}
      onChange={(v) => p.onChange(column.column, !v || v === IGNORE ? null : v)}
      error={other ? `“${other}” maps here too; ignore one of them` : undefined}
      disabled={p.disabled}
      allowDeselect={false}
      searchable
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** CSV column → field, with sample values: a table on wide screens, cards on a phone. */
export function MappingTable(p: Props) {
  if (p.phone)
    return (
      <Stack gap="sm">
        {p.columns.map((c) => (
          <Paper key={c.column} withBorder p="sm" radius="md">
            <Stack gap={6}>
              <Group justify="space-between" wrap="nowrap">
                <Text fw={600} size="sm" style={{ wordBreak: 'break-word' }}>
                  {c.column || '(no header)'}
                </Text>
                <Origin column={c} edited={c.column in p.edits} />
              </Group>
              <Samples values={p.samples?.[c.column]} />
              <TargetSelect p={p} column={c} />
              <Text size="xs" c="dimmed">
                Read as {TYPES[c.type].toLowerCase()}
                {c.note ? ` · ${c.note}` : ''}
              </Text>
            </Stack>
          </Paper>
        ))}
      </Stack>
    );
  return (
    <Paper withBorder radius="md">
      <Table verticalSpacing="sm">
        <Table.Caption>Columns in the file and the fields they fill</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="30%">Column in the file</Table.Th>
            <Table.Th w="30%">Maps to</Table.Th>
            <Table.Th>Read as</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {p.columns.map((c) => (
            <Table.Tr key={c.column}>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Text fw={600} size="sm" style={{ wordBreak: 'break-word' }}>
                    {c.column || '(no header)'}
                  </Text>
                  <Origin column={c} edited={c.column in p.edits} />
                </Group>
                <Samples values={p.samples?.[c.column]} />
              </Table.Td>
              <Table.Td>
                <TargetSelect p={p} column={c} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{TYPES[c.type]}</Text>
                {c.note && (
                  <Text size="xs" c="dimmed">
                    {c.note}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
