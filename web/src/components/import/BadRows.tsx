import { Button, Group, Pagination, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { issuesByColumn, issuesCsv, pageOf, plural, type ImportReport } from '../../lib/import';
import { downloadCsv } from '../../lib/csv';

const PAGE = 25;
const ALL = '__all__';

/** Every bad cell with its line, column, value and reason: paged, filterable by column. */
export function BadRows({ report, phone }: { report: ImportReport; phone: boolean }) {
  const [column, setColumn] = useState(ALL);
  const [page, setPage] = useState(1);
  const byColumn = useMemo(() => issuesByColumn(report.errors), [report.errors]);
  const shown = useMemo(
    () => (column === ALL ? report.errors : report.errors.filter((e) => e.column === column)),
    [report.errors, column],
  );
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const rows = pageOf(shown, Math.min(page, pages), PAGE);
  const base = (report.fileName ?? 'import').replace(/\.[^.]+$/, '');

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <Select
          label="Column"
          data={[
            { value: ALL, label: `All columns (${report.errors.length.toLocaleString('en-US')})` },
            ...byColumn.map((c) => ({
              value: c.column,
              label: `${c.column || 'Whole row'} (${c.count.toLocaleString('en-US')})`,
            })),
          ]}
          value={column}
          onChange={(v) => {
            setColumn(v ?? ALL);
            setPage(1);
          }}
          allowDeselect={false}
          w={{ base: '100%', sm: 260 }}
        />
        <Button
          variant="default"
          leftSection={<IconDownload size={16} />}
          onClick={() => downloadCsv(`${base}-bad-rows.csv`, issuesCsv(report.errors))}
        >
          Download bad rows
        </Button>
      </Group>
      {report.errorsTruncated && (
        <Text size="sm" c="dimmed">
          Showing the first {plural(report.errors.length, 'problem')} of{' '}
          {report.errorCount.toLocaleString('en-US')}; fix these and check again to see the rest.
        </Text>
      )}
      {phone ? (
        <Stack gap="xs" data-testid="bad-rows">
          {rows.map((e, i) => (
            <Paper key={`${e.line}-${e.column}-${i}`} withBorder p="sm" radius="md">
              <Text size="sm" fw={600}>
                Line {e.line}
                {e.column ? ` · ${e.column}` : ''}
              </Text>
              {e.value && (
                <Text size="sm" style={{ wordBreak: 'break-word' }}>
                  “{e.value}”
                </Text>
              )}
              <Text size="sm" c="red">
                {e.reason}
              </Text>
            </Paper>
          ))}
        </Stack>
      ) : (
        <Paper withBorder radius="md">
          <Table data-testid="bad-rows" verticalSpacing="xs">
            <Table.Caption>Rows that cannot be imported, by line in the file</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={80}>Line</Table.Th>
                <Table.Th w="20%">Column</Table.Th>
                <Table.Th w="25%">Value</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((e, i) => (
                <Table.Tr key={`${e.line}-${e.column}-${i}`}>
                  <Table.Td>{e.line}</Table.Td>
                  <Table.Td>{e.column || 'Whole row'}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-word' }}>
                    {e.value || (
                      <Text span size="sm" c="dimmed">
                        empty
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{e.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      {pages > 1 && (
        <Group justify="space-between" wrap="wrap">
          <Text size="sm" c="dimmed">
            {(Math.min(page, pages) - 1) * PAGE + 1}–{Math.min(page * PAGE, shown.length)} of{' '}
            {shown.length.toLocaleString('en-US')}
          </Text>
          <Pagination
            total={pages}
            value={Math.min(page, pages)}
            onChange={setPage}
            size="sm"
            siblings={phone ? 0 : 1}
            getControlProps={(c) => ({
              'aria-label':
                c === 'previous' ? 'Previous page' : c === 'next' ? 'Next page' : `${c} page`,
            })}
            getItemProps={(n) => ({ 'aria-label': `Page ${n}` })}
          />
        </Group>
      )}
    </Stack>
  );
}
