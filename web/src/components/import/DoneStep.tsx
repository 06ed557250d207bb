import { Alert, Button, Group, List, Stack } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { Link } from 'react-router';
import { relative } from '../../lib/format';
import { countOf, plural, type ImportView } from '../../lib/import';
import { Counts } from './Counts';

/** Step four: what the import wrote, and where to see it. */
export function DoneStep({
  view,
  canWrite,
  onRestart,
}: {
  view: ImportView;
  canWrite: boolean;
  onRestart: () => void;
}) {
  const { report } = view;
  return (
    <Stack gap="md">
      <Alert
        color="teal"
        icon={<IconCircleCheck size={18} aria-hidden />}
        title={`Imported ${view.fileName ?? 'the file'}`}
        data-testid="import-result"
      >
        {`Created ${countOf(view.kind, report.created)} and updated ${report.updated.toLocaleString('en-US')}; ${plural(report.unchanged, 'row')} already matched. Applied ${relative(view.appliedAt)}; every account it touched has an “imported” entry on its timeline.`}
      </Alert>
      <Counts report={report} applied />
      {report.warnings.length > 0 && (
        <Alert color="gray" title="Notes">
          <List size="sm">
            {report.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      <Group gap="sm">
        <Button component={Link} to="/portfolio?scope=all">
          Open the portfolio
        </Button>
        {canWrite && (
          <Button variant="default" onClick={onRestart}>
            Import another file
          </Button>
        )}
      </Group>
    </Stack>
  );
}
