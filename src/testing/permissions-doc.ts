import { readFileSync } from 'node:fs';

export type DocReach = 'none' | 'own' | 'team' | 'all';

/**
 * The tables of docs/permissions.md: for each column (role or key scope), the reach of
 * `resource action`. Read independently of the code so tests compare two sources.
 */
export function permissionTables(): Map<string, Map<string, DocReach>> {
  const text = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');
  const out = new Map<string, Map<string, DocReach>>();
  let columns: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells[0] === 'resource') {
      columns = cells.slice(2);
      for (const c of columns) if (!out.has(c)) out.set(c, new Map());
      continue;
    }
    if (cells[0]?.startsWith('---')) continue;
    const key = `${cells[0]} ${cells[1]}`;
    columns.forEach((c, i) => {
      const v = cells[i + 2]!;
      out.get(c)!.set(key, v === '—' ? 'none' : (v as DocReach));
    });
  }
  return out;
}
