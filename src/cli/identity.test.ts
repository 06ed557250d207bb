import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadConfig } from '../core/config.js';
import { openSqlite, migrateToLatest } from '../db/database.js';
import { makeCtx } from '../core/context.js';
import { buildDemo } from '../demo/service.js';
import { buildServer } from '../server/app.js';
import { makeCli } from '../testing/cli.js';

describe('identity from the command line', () => {
  it('creates the first admin, manages keys, and shows it all in the audit log as the operator', async () => {
    const cli = makeCli();
    const weak = cli.run(
      [
        'users',
        'create',
        '--admin',
        '--email',
        'ada@example.com',
        '--name',
        'Ada',
        '--password-stdin',
      ],
      'password1234\n',
    );
    expect(weak.status).toBe(1);
    expect(weak.stderr).toMatch(/password: .*common/);
    const made = cli.run(
      [
        'users',
        'create',
        '--admin',
        '--email',
        'ada@example.com',
        '--name',
        'Ada',
        '--password-stdin',
      ],
      'copper-kettle-sunrise-88\n',
    );
    expect(made.stderr).toBe('');
    expect(made.stdout).toMatch(/Created admin ada@example.com/);
    const generated = cli.run([
      'users',
      'create',
      '--email',
      'bo@example.com',
      '--name',
      'Bo',
      '--json',
    ]);
    expect(JSON.parse(generated.stdout).password).toMatch(/^[a-z2-9-]{23}$/);

    const created = cli.run([
      'keys',
      'create',
      '--scope',
      'ingest',
      '--name',
      'Segment prod',
      '--json',
    ]);
    const { key, secret } = JSON.parse(created.stdout) as {
      key: { id: string; prefix: string };
      secret: string;
    };
    expect(secret.startsWith(`${key.prefix}_`)).toBe(true);
    expect(key.prefix).toMatch(/^tnr_ingest_/);
    const bad = cli.run(['keys', 'create', '--scope', 'superuser', '--name', 'x']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--scope: expected one of read, write, admin, ingest/);
    const listed = cli.run(['keys', 'list']);
    expect(listed.stdout).toContain(key.prefix);
    expect(listed.stdout).not.toContain(secret);
    expect(listed.stdout).toMatch(/active/);
    expect(cli.run(['keys', 'revoke', key.prefix]).stdout).toMatch(/Revoked/);
    expect(cli.run(['keys', 'list']).stdout).toMatch(/revoked/);

    const audit = JSON.parse(cli.run(['audit', '--entity', 'api_key', '--json']).stdout) as {
      items: { action: string; actor: { kind: string } }[];
    };
    expect(audit.items.map((e) => e.action)).toEqual(['revoke', 'create']);
    expect(audit.items.every((e) => e.actor.kind === 'operator')).toBe(true);
    const csv = cli.run(['audit', '--csv', '--entity', 'user']);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^\ufeffid,at,actor_kind/);
    expect(csv.stdout).toContain('ada@example.com');

    // The admin made by the CLI signs in over the API.
    const handle = openSqlite(join(cli.dataDir, 'tenure.db'));
    const app = await buildServer({ handle, config: loadConfig({}) });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'ada@example.com', password: 'copper-kettle-sunrise-88' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.role).toBe('admin');
    } finally {
      await app.close();
      await handle.destroy();
    }
  });

  it('lets the demo users sign in over the API with the password the start command prints', async () => {
    const cli = makeCli();
    const handle = openSqlite(join(cli.dataDir, 'tenure.db'));
    await migrateToLatest(handle.db);
    const summary = await buildDemo(makeCtx(handle.db, handle.dialect), { accounts: 6, seed: 3 });
    const app = await buildServer({ handle, config: loadConfig({}) });
    try {
      for (const u of summary.users
        .filter((x) => ['csm', 'manager', 'admin'].includes(x.role))
        .slice(0, 3)) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: u.email, password: summary.password },
        });
        expect(res.statusCode, u.email).toBe(200);
        const cookie = String(res.headers['set-cookie']).split(';')[0]!;
        const book = await app.inject({
          method: 'GET',
          url: '/api/v1/accounts',
          headers: { cookie },
        });
        expect(book.json().items.length).toBeGreaterThan(0);
      }
      // The CSMs are on the manager's team.
      const users = await handle.db.selectFrom('users').selectAll().execute();
      const manager = users.find((u) => u.role === 'manager')!;
      expect(users.filter((u) => u.role === 'csm').every((u) => u.manager_id === manager.id)).toBe(
        true,
      );
    } finally {
      await app.close();
      await handle.destroy();
    }
  });
});
