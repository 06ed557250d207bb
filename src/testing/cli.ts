import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/tenure.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run the real built binary (npm test builds first) against its own data dir. */
export function makeCli(env: Record<string, string | undefined> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tenure-cli-'));
  const run = (args: string[], input?: string): CliResult => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, TENURE_DATA_DIR: dataDir, ...env };
    if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
    const r = spawnSync('node', [BIN, ...args], {
      env: childEnv,
      encoding: 'utf8',
      input,
      timeout: 120_000,
    });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  return { run, dataDir };
}
