import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../db/database.js';
import { storeDigest } from '../../testing/digest.js';

/** Test helpers for imports: CSV files in a temp dir and whole-table snapshots. */

export function csvDir(): { write(name: string, text: string | Buffer): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-import-'));
  let n = 0;
  return {
    write(name, text) {
      const file = join(dir, `${n++}-${name}`);
      writeFileSync(file, text);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every row of every table the importer writes, in a stable order, for before/after comparisons. */
export function snapshot(db: Db): Promise<Record<string, string[]>> {
  return storeDigest(db, [
    'accounts',
    'account_stage_history',
    'contacts',
    'subscriptions',
    'revenue_movements',
    'timeline_entries',
    'tickets',
    'survey_responses',
    'imports',
  ]);
}
