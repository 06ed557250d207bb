import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

export interface RunningServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Start the real `tenure serve` on an empty data dir and wait until it answers. */
export async function startServer(
  args: string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
  /** Runs against the data directory before the server starts (e.g. CLI verbs). */
  prepare?: (dataDir: string) => Promise<void>,
): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tenure-e2e-'));
  await prepare?.(dataDir);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, TENURE_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  const child: ChildProcess = spawn(
    'node',
    ['bin/tenure.js', 'serve', '--port', String(port), ...args],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  const url = `http://127.0.0.1:${port}`;
  // Loading the demo company takes about a minute on this machine.
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    dataDir,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
