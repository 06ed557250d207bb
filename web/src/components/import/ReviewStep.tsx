import { Alert, Button, FileButton, Group, List, Stack, Text } from '@mantine/core';
import { IconCircleCheck, IconUpload } from '@tabler/icons-react';
import { countOf, plural, type ImportView } from '../../lib/import';
import { FormError } from '../FormError';
import { BadRows } from './BadRows';
import { Counts } from './Counts';
import { ACCEPT } from './FileDrop';

/** Step three: what the dry run found, every bad row, and the way to apply. */
export function ReviewStep({
  view,
  phone,
  canWrite,
  applying,
  uploading,
  error,
  onApply,
  onBack,
  onFixedFile,
}: {
  view: ImportView;
  phone: boolean;
  canWrite: boolean;
  applying: boolean;
  uploading: boolean;
  error: string | null;
  onApply: () => void;
  onBack: () => void;
  onFixedFile: (file: File) => void;
}) {
  const { report } = view;
  const ready = view.status === 'dry_run';
  const changes = report.created + report.updated;
  return (
    <Stack gap="md">
      <Counts report={report} applied={false} />
      {ready && (
        <Alert
          color="teal"
          icon={<IconCircleCheck size={18} aria-hidden />}
          title="Every row passed the checks"
        >
          {changes === 0
            ? `Nothing would change: all ${plural(report.rows, 'row')} match what Tenure already has.`
            : `Applying creates ${countOf(view.kind, report.created)} and updates ${report.updated.toLocaleString('en-US')}; ${plural(report.unchanged, 'row')} already ${report.unchanged === 1 ? 'matches' : 'match'}. Nothing has been written yet.`}
        </Alert>
      )}
      {report.badRows > 0 && (
        <Alert
          color="red"
          title={`${plural(report.badRows, 'bad row')}: nothing can be imported yet`}
        >
          Tenure imports the whole file or nothing, so no row is written while any row is bad. Fix
          these rows in your file and upload it again, or go back to the mapping if a column was
          read the wrong way.
        </Alert>
      )}
      {report.warnings.length > 0 && (
        <Alert color="gray" title="Notes">
          <List size="sm">
            {report.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {report.errors.length > 0 && <BadRows report={report} phone={phone} />}
      <FormError error={error} />
      {canWrite && (
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Button variant="default" onClick={onBack} disabled={applying || uploading}>
            Back to mapping
          </Button>
          <Group gap="sm">
            <FileButton accept={ACCEPT} onChange={(f) => f && onFixedFile(f)}>
              {(props) => (
                <Button
                  {...props}
                  variant={ready ? 'default' : 'filled'}
                  leftSection={<IconUpload size={16} />}
                  loading={uploading}
                  disabled={applying}
                >
                  Upload a fixed file
                </Button>
              )}
            </FileButton>
            {ready && (
              <Button onClick={onApply} loading={applying} disabled={uploading}>
                Apply import
              </Button>
            )}
          </Group>
        </Group>
      )}
      {canWrite && !ready && (
        <Text size="sm" c="dimmed">
          The fixed file keeps the mapping and date format chosen here.
        </Text>
      )}
    </Stack>
  );
}
