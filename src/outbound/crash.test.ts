import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCtx } from '../core/context.js';
import { openPostgres, openSqlite, type DbHandle } from '../db/database.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { startSmtp } from '../testing/smtp.js';
import { enqueueEmail } from './service.js';

const BIN = resolve('bin/tenure.js');

/** `tenure outbox send` as its own process; resolves with its exit signal or code. */
function send(env: NodeJS.ProcessEnv, onStart: (pid: number) => void): Promise<string> {
  const child = spawn('node', [BIN, 'outbox', 'send', '--lease-seconds', '1'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onStart(child.pid!);
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((r) =>
    child.on('exit', (code, signal) => r(signal ?? `${code}${err ? `: ${err}` : ''}`)),
  );
}

for (const dialect of testDialects()) {
  describe(`the email sender killed mid-send on ${dialect}`, () => {
    let db: TestDb | null = null;
    let dir: string | null = null;
    let handle: DbHandle | null = null;
    afterEach(async () => {
      await handle?.destroy();
      await db?.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('is restarted and the recipient has each message once', async () => {
      let pid = 0;
      let killed = false;
      // The first message reaches the mailbox and the sender dies before it can record
      // that: kill -9 the moment the server has it.
      const smtp = await startSmtp({
        afterAccept: () => {
          if (!killed && pid) {
            killed = true;
            process.kill(pid, 'SIGKILL');
          }
        },
      });
      try {
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          TENURE_SMTP_URL: smtp.url,
          TENURE_MAIL_FROM: 'cs@tenure.test',
        };
        delete env.DATABASE_URL;
        if (dialect === 'postgres') {
          db = await freshTestDb('postgres');
          env.DATABASE_URL = db.location;
          handle = openPostgres(db.location, 2);
        } else {
          dir = mkdtempSync(join(tmpdir(), 'tenure-outbox-'));
          env.TENURE_DATA_DIR = dir;
          expect(spawnSync('node', [BIN, 'migrate'], { env, encoding: 'utf8' }).status).toBe(0);
          handle = openSqlite(join(dir, 'tenure.db'));
        }
        const ctx = makeCtx(handle.db, handle.dialect);
        await handle.db.transaction().execute(async (trx) => {
          for (let i = 1; i <= 5; i++)
            await enqueueEmail(ctx, trx, {
              to: `owner${i}@example.com`,
              subject: `Alert ${i}`,
              body: `Body ${i}`,
              source: 'rule',
            });
        });

        expect(await send(env, (p) => (pid = p))).toBe('SIGKILL');
        expect(killed).toBe(true);
        // The claim of the message in flight lapses after a second; then a new sender runs.
        await new Promise((r) => setTimeout(r, 1_500));
        expect(await send(env, (p) => (pid = p))).toBe('0');

        const rows = await handle.db.selectFrom('outbox').select(['status', 'attempts']).execute();
        expect(rows.every((r) => r.status === 'sent')).toBe(true);
        // The mailbox has each message once; the one in flight at the kill was delivered
        // twice over SMTP, both times with the same Message-ID.
        expect(
          smtp
            .mailbox()
            .map((m) => m.subject)
            .sort(),
        ).toEqual(['Alert 1', 'Alert 2', 'Alert 3', 'Alert 4', 'Alert 5']);
        expect(smtp.received).toHaveLength(6);
        expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(5);
        // The dead sender had claimed the whole batch: each counts it as an attempt.
        expect(rows.every((r) => r.attempts === 2)).toBe(true);
      } finally {
        await smtp.stop();
      }
    }, 60_000);
  });
}
