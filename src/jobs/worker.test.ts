import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgres, openSqlite, type DbHandle } from '../db/database.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';

const BIN = resolve('bin/tenure.js');
// Simulated time: one real second is four hours, from a Sunday midnight.
const FROM = '2026-03-01T00:00:00.000Z';
const SPEED = 4 * 3600;
const RUN_MS = 16_000;

interface Worker {
  lines: string[];
  done: Promise<number | null>;
}

function startWorker(env: NodeJS.ProcessEnv): { worker: Worker; stop(): void } {
  const child = spawn('node', [BIN, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr.on('data', (d: Buffer) => lines.push(`stderr: ${d.toString()}`));
  const done = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { worker: { lines, done }, stop: () => void child.kill('SIGTERM') };
}

for (const dialect of testDialects()) {
  describe(`two worker processes on one ${dialect} database`, () => {
    let db: TestDb | null = null;
    let dir: string | null = null;
    let handle: DbHandle | null = null;
    afterEach(async () => {
      await handle?.destroy();
      await db?.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('run every daily slot of two and a half simulated days exactly once', async () => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.DATABASE_URL;
      if (dialect === 'postgres') {
        db = await freshTestDb('postgres');
        env.DATABASE_URL = db.location;
        handle = openPostgres(db.location, 2);
      } else {
        dir = mkdtempSync(join(tmpdir(), 'tenure-workers-'));
        env.TENURE_DATA_DIR = dir;
        expect(spawnSync('node', [BIN, 'migrate'], { env, encoding: 'utf8' }).status).toBe(0);
        handle = openSqlite(join(dir, 'tenure.db'));
      }
      env.TENURE_TIME_LAPSE = `${FROM},${Date.now() + 1500},${SPEED}`;
      const a = startWorker(env);
      const b = startWorker(env);
      await new Promise((r) => setTimeout(r, RUN_MS));
      a.stop();
      b.stop();
      expect(await a.worker.done).toBe(0);
      expect(await b.worker.done).toBe(0);

      const ran = [...a.worker.lines, ...b.worker.lines]
        .map((l) => / job (\S+) succeeded in /.exec(l)?.[1])
        .filter((k): k is string => Boolean(k));
      const counts = new Map<string, number>();
      for (const k of ran) counts.set(k, (counts.get(k) ?? 0) + 1);
      // Both processes took part: the claims really were contested.
      for (const w of [a.worker, b.worker])
        expect(w.lines.filter((l) => / succeeded in /.test(l)).length).toBeGreaterThan(0);
      const twice = [...counts].filter(([, n]) => n > 1);
      expect(twice, 'slots run more than once').toEqual([]);
      const errors = [...a.worker.lines, ...b.worker.lines].filter((l) => /failed|stderr/.test(l));
      expect(errors).toEqual([]);

      // Each simulated day's daily slots ran, once each, and nothing else is left running.
      const rows = await handle!.db.selectFrom('jobs').selectAll().execute();
      const keys = new Set(rows.filter((r) => r.status === 'succeeded').map((r) => r.key));
      for (const day of ['2026-03-01', '2026-03-02'])
        for (const k of [`health.daily@${day}T00:05Z`, `jobs.prune@${day}T03:00Z`])
          expect(keys.has(k), k).toBe(true);
      expect(rows.filter((r) => r.status === 'running')).toEqual([]);
      expect(rows.every((r) => r.attempts <= 1)).toBe(true);
      expect(ran.length).toBe(rows.filter((r) => r.status === 'succeeded').length);
    }, 60_000);
  });
}
