import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCli } from '../testing/cli.js';

describe('tenure ingest', () => {
  it('backfills a JSON Lines file with progress, de-duplicates, and keeps refused lines as dead letters', () => {
    const cli = makeCli();
    const file = join(cli.dataDir, 'events.jsonl');
    const line = (o: object) => JSON.stringify(o);
    writeFileSync(
      file,
      [
        line({
          type: 'group',
          userId: 'ann',
          groupId: 'acme',
          traits: { name: 'Acme Corp' },
          messageId: 'g1',
          timestamp: '2026-05-01T09:00:00Z',
        }),
        line({
          type: 'track',
          userId: 'ann',
          event: 'Report Created',
          messageId: 'e1',
          timestamp: '2026-05-01T10:00:00Z',
        }),
        line({
          type: 'track',
          userId: 'ann',
          event: 'Report Created',
          messageId: 'e1',
          timestamp: '2026-05-01T10:00:00Z',
        }),
        line({
          type: 'track',
          userId: 'bob',
          event: 'Login',
          messageId: 'e2',
          context: { groupId: 'acme' },
          timestamp: '2026-05-02T08:00:00Z',
        }),
        '{not json',
        line({ type: 'track', event: 'Login', messageId: 'e3' }),
        '',
      ].join('\n'),
    );
    const sent = cli.run(['ingest', 'send', file, '--json']);
    expect(sent.status, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({
      lines: 6,
      accepted: 3,
      duplicates: 1,
      rejected: 2,
    });
    const again = JSON.parse(cli.run(['ingest', 'send', file, '--json']).stdout);
    expect(again).toMatchObject({ accepted: 0, duplicates: 4, rejected: 2 });

    const stats = JSON.parse(cli.run(['ingest', 'stats', '--json', '--days', '400']).stdout);
    expect(stats).toMatchObject({ events: 3, deadLettersOpen: 4, productUsers: 2 });
    expect(stats.perDay).toEqual([
      { day: '2026-05-01', events: 1, activeUsers: 1 },
      { day: '2026-05-02', events: 1, activeUsers: 1 },
    ]);
    const accounts = JSON.parse(cli.run(['accounts', 'list', '--json']).stdout);
    expect(
      accounts.items.map((a: { name: string; productId: string }) => [a.name, a.productId]),
    ).toEqual([['Acme Corp', 'acme']]);
    const dead = cli.run(['ingest', 'dead-letters']);
    expect(dead.stdout).toMatch(/line: malformed JSON/);
    expect(dead.stdout).toMatch(/userId or anonymousId is required/);
    const replay = cli.run(['ingest', 'replay', '--all']);
    expect(replay.stdout).toMatch(/4 replayed: 0 stored, 4 still refused/);
    expect(cli.run(['ingest', 'replay']).stderr).toMatch(/give dead letter ids or --all/);
  });
});
