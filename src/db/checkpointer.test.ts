import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type DbHandle } from './database.js';
import { startWalCheckpointer, type Checkpointer } from './checkpointer.js';

describe('background WAL checkpoints', () => {
  let dir: string;
  let h: DbHandle;
  let cp: Checkpointer | null = null;
  afterEach(async () => {
    await cp?.stop();
    await h.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copy committed pages into the database file without the writer checkpointing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenure-wal-'));
    const file = join(dir, 'test.db');
    h = openSqlite(file);
    // First a worker that waits a minute: nobody checkpoints while we write.
    cp = startWalCheckpointer(h, { everyMs: 60_000 });
    expect(cp).not.toBeNull();
    const db = h.native!;
    db.exec('create table t (id integer primary key, body text)');
    const insert = db.prepare('insert into t (body) values (?)');
    for (let i = 0; i < 3000; i++) insert.run('x'.repeat(1000));
    const before = statSync(file).size;
    // The writer's threshold is 20,000 pages: ~3 MB of WAL stays there until a worker
    // copies it over.
    expect(before).toBeLessThan(1_000_000);
    await cp!.stop();
    cp = startWalCheckpointer(h, { everyMs: 100 });
    let after = before;
    for (let i = 0; i < 50 && after < 3_000_000; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = statSync(file).size;
    }
    expect(after).toBeGreaterThan(3_000_000);
    const rows = db.prepare('select count(*) as n from t').get() as { n: number };
    expect(rows.n).toBe(3000);
  });

  it('start the WAL over while writes go on, instead of letting it grow to the writer’s threshold', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenure-checkpoint-'));
    const file = join(dir, 'test.db');
    h = openSqlite(file);
    const db = h.native!;
    db.exec('create table t (id integer primary key, body text)');
    cp = startWalCheckpointer(h, { everyMs: 20, finishAfterFrames: 200 });
    const insert = db.prepare('insert into t (body) values (?)');
    // ~12 MB in small transactions, yielding between them as a server does.
    for (let i = 0; i < 300; i++) {
      db.transaction(() => {
        for (let k = 0; k < 40; k++) insert.run('x'.repeat(1000));
      })();
      await new Promise((r) => setImmediate(r));
    }
    // Without starting over, the WAL would hold all ~3,000 pages written.
    expect(statSync(`${file}-wal`).size).toBeLessThan(8_000_000);
    const rows = db.prepare('select count(*) as n from t').get() as { n: number };
    expect(rows.n).toBe(12_000);
  });
});
