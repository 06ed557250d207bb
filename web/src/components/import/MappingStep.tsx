import { Alert, Button, FileButton, Group, List, Select, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import {
  clashes,
  editMapping,
  needsMapping,
  plural,
  reportMapping,
  samplesOf,
  type DateFormat,
  type ImportView,
  type Mapping,
} from '../../lib/import';
import { FormError } from '../FormError';
import { ACCEPT } from './FileDrop';
import type { CsvFile } from './source';
import { MappingTable } from './MappingTable';

const DATE_CHOICES: { value: DateFormat; label: string }[] = [
  { value: 'd/m/yyyy', label: 'Day first: 03/04/2024 is 3 April' },
  { value: 'm/d/yyyy', label: 'Month first: 03/04/2024 is March 4' },
];

/** Step two: the suggested mapping, changed with Selects, and the date order when ambiguous. */
export function MappingStep({
  view,
  file,
  phone,
  pending,
  error,
  canWrite,
  onRecheck,
  onContinue,
}: {
  view: ImportView;
  file: CsvFile | null;
  phone: boolean;
  pending: boolean;
  error: string | null;
  canWrite: boolean;
  onRecheck: (mapping: Mapping, dateFormat: DateFormat | null, file?: File) => void;
  onContinue: () => void;
}) {
  const { report } = view;
  const [edits, setEdits] = useState<Mapping>({});
  const [dateFormat, setDateFormat] = useState<DateFormat | null>(view.options.dateFormat ?? null);
  const mapping = { ...reportMapping(report), ...edits };
  const clash = clashes(mapping);
  const samples = useMemo(
    () => (file ? samplesOf(file.text, report.delimiter) : null),
    [file, report.delimiter],
  );
  const dirty = Object.keys(edits).length > 0 || dateFormat !== (view.options.dateFormat ?? null);
  const dateMissing = report.needsInput.length > 0 && !dateFormat;
  const blocked = Object.keys(clash).length > 0 || dateMissing;
  const showDates = report.needsInput.length > 0 || !!view.options.dateFormat;

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {/* With a mapping problem the server stops before counting every row. */}
        {report.problems.length ? '' : `${plural(report.rows, 'row')} · `}
        {plural(report.columns.length, 'column')}. Each column is matched to a field by its name;
        change any that Tenure guessed wrong.
      </Text>
      {report.problems.length > 0 && (
        <Alert color="red" title="The mapping must change before rows can be checked" role="alert">
          <List size="sm">
            {report.problems.map((p) => (
              <List.Item key={p}>{p}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {showDates && (
        <Alert
          color="yellow"
          icon={<IconAlertTriangle size={18} aria-hidden />}
          title={report.needsInput.length ? 'Which comes first, day or month?' : 'Date format'}
        >
          <Stack gap="xs">
            {report.needsInput.map((n) => (
              <Text size="sm" key={n.column}>
                Column “{n.column}”: {n.reason}. Tenure never guesses, so choose the order your
                system writes.
              </Text>
            ))}
            <Select
              label="Date format"
              placeholder="Choose the day/month order"
              data={DATE_CHOICES}
              value={dateFormat}
              onChange={(v) => setDateFormat(v as DateFormat | null)}
              disabled={!canWrite}
              allowDeselect={false}
              w={{ base: '100%', sm: 320 }}
            />
          </Stack>
        </Alert>
      )}
      {report.warnings.length > 0 && (
        <Alert color="gray" title="Notes on the file">
          <List size="sm">
            {report.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {!samples && (
        <Text size="sm" c="dimmed">
          Sample values show when the file was chosen in this tab.
        </Text>
      )}
      <MappingTable
        kind={view.kind}
        columns={report.columns}
        mapping={mapping}
        edits={edits}
        clash={clash}
        samples={samples}
        phone={phone}
        disabled={!canWrite || pending}
        onChange={(column, target) => setEdits(editMapping(report, edits, column, target))}
      />
      <FormError error={error} />
      {canWrite && (
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Text size="sm" c="dimmed" aria-live="polite">
            {dirty
              ? dateMissing
                ? 'Choose a date format to check the file.'
                : 'Check the file again to see what these changes do.'
              : needsMapping(view)
                ? 'Fix the mapping above, then check again.'
                : `Checked: ${plural(report.badRows, 'bad row')}.`}
          </Text>
          <Group gap="sm">
            {dirty && (
              <Button
                variant="default"
                onClick={() => {
                  setEdits({});
                  setDateFormat(view.options.dateFormat ?? null);
                }}
                disabled={pending}
              >
                Undo changes
              </Button>
            )}
            {dirty && file && (
              <Button
                leftSection={<IconRefresh size={16} />}
                loading={pending}
                disabled={blocked}
                onClick={() => onRecheck(edits, dateFormat)}
              >
                Check again
              </Button>
            )}
            {dirty && !file && (
              <FileButton
                accept={ACCEPT}
                onChange={(f) => f && onRecheck(edits, dateFormat, f)}
                disabled={blocked}
              >
                {(props) => (
                  <Button {...props} loading={pending} leftSection={<IconRefresh size={16} />}>
                    Choose the file again to check
                  </Button>
                )}
              </FileButton>
            )}
            {!dirty && !needsMapping(view) && (
              <Button onClick={onContinue}>Continue to review</Button>
            )}
          </Group>
        </Group>
      )}
    </Stack>
  );
}
