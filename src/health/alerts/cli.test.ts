import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCtx } from '../../core/context.js';
import { openSqlite } from '../../db/database.js';
import { makeCli } from '../../testing/cli.js';
import { createAccount } from '../../accounts/account/service.js';
import { createUser } from '../../identity/service.js';
import { snapshot } from './testing.js';

/** `tenure health alerts …` on the real binary (built by `npm test`), over SQLite. */
describe('tenure health alerts', () => {
  it('evaluates a day, lists the inbox as a table, CSV and JSON, and acts on an alert', async () => {
    const cli = makeCli();
    expect(cli.run(['migrate']).status).toBe(0);
    const handle = openSqlite(join(cli.dataDir, 'tenure.db'));
    try {
      const ctx = makeCtx(handle.db, handle.dialect);
      const ada = await createUser(ctx, { email: 'ada@example.com', name: 'Ada', role: 'csm' });
      for (const [name, ownerId] of [
        ['Acme', ada.id],
        ['Globex', undefined],
      ] as const) {
        const id = (await createAccount(ctx, { name, ownerId })).id;
        await snapshot(handle.db, id, '2026-03-01', 84, 'Green');
        await snapshot(handle.db, id, '2026-03-02', 71, 'Yellow');
      }
    } finally {
      await handle.destroy();
    }

    const run = cli.run(['health', 'alerts', 'evaluate', '--date', '2026-03-02']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('2026-03-02: raised 4 alerts (score_drop 2 · tier_change 2).\n');
    const again = cli.run(['health', 'alerts', 'evaluate', '--date', '2026-03-02', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, scope: 'all' });

    const table = cli.run(['health', 'alerts']);
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+day\s+severity\s+account\s+title\s+status$/);
    expect(table.stdout).toContain('Health tier fell: Green → Yellow');

    const mine = cli.run(['health', 'alerts', '--mine', '--json'], undefined);
    expect(mine.status).toBe(1);
    expect(mine.stderr).toMatch(/--mine: set TENURE_USER/);
    const ada = makeCli({ TENURE_DATA_DIR: cli.dataDir, TENURE_USER: 'ada@example.com' });
    const items = JSON.parse(ada.run(['health', 'alerts', '--mine', '--json']).stdout).items;
    expect(items.map((a: { accountName: string }) => a.accountName)).toEqual(['Acme', 'Acme']);

    const csv = cli.run(['health', 'alerts', '--kind', 'score_drop', '--csv']).stdout.split('\r\n');
    expect(csv[0]).toBe(
      'id,created_at,day,account_id,account_name,kind,severity,status,title,reason,evidence',
    );
    expect(csv.filter(Boolean)).toHaveLength(3);

    const id = items[0].id as string;
    expect(cli.run(['health', 'alerts', 'ack', id]).stdout).toMatch(/is acknowledged/);
    const twice = cli.run(['health', 'alerts', 'ack', id]);
    expect(twice.status).toBe(1);
    expect(twice.stderr).toBe(`tenure: alert ${id}: the alert is already acknowledged\n`);
    const resolved = cli.run(['health', 'alerts', 'resolve', id, '--note', 'Called', '--json']);
    expect(JSON.parse(resolved.stdout)).toMatchObject({ id, status: 'resolved' });
    const open = JSON.parse(cli.run(['health', 'alerts', '--json']).stdout).items;
    expect(open).toHaveLength(3);
    const bad = cli.run(['health', 'alerts', '--status', 'lost']);
    expect(bad.stderr).toMatch(/^tenure: --status: /);
  });
});
