import type { ImportReport, ImportStatus } from './model.js';

/** The import report as plain text for people (the CLI). Pure. */

const n = (x: number) => x.toLocaleString('en-US');
const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };
const ENCODING_NAMES = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16', latin1: 'Latin-1' } as const;

export function formatReport(
  r: ImportReport,
  status: ImportStatus,
  importId: string | null,
): string {
  const out: string[] = [];
  const where = r.fileName ? ` from ${r.fileName}` : '';
  // A file refused for its header or mapping was not read to the end: no row count then.
  const rows = r.problems.length ? '' : ` ${n(r.rows)} rows,`;
  out.push(
    `Import of ${r.kind}${where}:${rows} ${DELIMITER_NAMES[r.delimiter] ?? `"${r.delimiter}"`}-separated, ${ENCODING_NAMES[r.encoding]}`,
  );
  out.push('', 'Columns:');
  const width = Math.min(32, Math.max(6, ...r.columns.map((c) => c.column.length)));
  for (const c of r.columns) {
    const to = c.target ?? '(ignored)';
    const how = c.source === 'map' ? ' [--map]' : '';
    out.push(
      `  ${c.column.padEnd(width)}  → ${to.padEnd(20)} ${c.type}${how}${c.note ? `  ${c.note}` : ''}`,
    );
  }
  if (r.traits.length) out.push('', `Custom traits from unmapped columns: ${r.traits.join(', ')}`);
  for (const w of r.warnings) out.push(`warning: ${w}`);
  for (const p of r.problems) out.push(`problem: ${p}`);
  for (const q of r.needsInput)
    out.push(
      `needs a choice: column "${q.column}": ${q.reason} (use --date-format ${q.choices.join(' or ')})`,
    );
  if (!r.problems.length && !r.needsInput.length) {
    const verb =
      status === 'applied'
        ? ['Created', 'updated', 'unchanged']
        : ['Would create', 'update', 'leave unchanged'];
    out.push(
      '',
      `${verb[0]} ${n(r.created)} · ${verb[1]} ${n(r.updated)} · ${verb[2]} ${n(r.unchanged)}`,
    );
  }
  if (r.errorCount) {
    out.push(
      '',
      `${n(r.badRows)} bad ${r.badRows === 1 ? 'row' : 'rows'} (${n(r.errorCount)} ${r.errorCount === 1 ? 'problem' : 'problems'}); nothing was written:`,
    );
    for (const e of r.errors) {
      const col = e.column ? `, column "${e.column}"` : '';
      const val = e.value ? ` "${e.value.length > 60 ? `${e.value.slice(0, 57)}…` : e.value}"` : '';
      out.push(`  line ${e.line}${col}:${val} ${e.reason}`);
    }
    if (r.errorsTruncated) out.push(`  … and ${n(r.errorCount - r.errors.length)} more not listed`);
  }
  if (status === 'applied') out.push('', `Applied${importId ? ` as import ${importId}` : ''}.`);
  else if (status === 'dry_run') out.push('', 'Dry run: nothing was written.');
  return `${out.join('\n')}\n`;
}
