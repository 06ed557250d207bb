import { SimpleGrid } from '@mantine/core';
import type { ImportReport } from '../../lib/import';
import { Stat } from '../Stat';

const n = (v: number) => v.toLocaleString('en-US');

/** The report's figures: rows read, new, updated, unchanged and bad. */
export function Counts({ report, applied }: { report: ImportReport; applied: boolean }) {
  // Until every row is checked the row pass has not counted anything, so say so.
  const checked = report.problems.length === 0 && report.needsInput.length === 0;
  const v = (x: number) => (checked ? n(x) : '—');
  return (
    <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm" data-testid="import-counts">
      <Stat label="Rows" value={n(report.rows)} />
      <Stat label={applied ? 'Created' : 'New'} value={v(report.created)} />
      <Stat label="Updated" value={v(report.updated)} />
      <Stat label="Unchanged" value={v(report.unchanged)} />
      <Stat
        label="Bad rows"
        value={v(report.badRows)}
        hint={report.errorCount > report.badRows ? `${n(report.errorCount)} problems` : undefined}
      />
    </SimpleGrid>
  );
}
