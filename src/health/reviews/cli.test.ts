import { describe, expect, it } from 'vitest';
import { makeCli } from '../../testing/cli.js';
import type { ReviewQueueItem, ReviewRecorded } from './schemas.js';

/** `tenure health reviews` and `tenure health review` on the real binary (built by `npm test`). */
describe('tenure health reviews', () => {
  it('lists the queue, records a health check, and names bad options', () => {
    const cli = makeCli();
    const demo = cli.run(['demo', '--accounts', '30']);
    expect(demo.status, demo.stderr).toBe(0);
    const scored = cli.run(['health', 'score']);
    expect(scored.status, scored.stderr).toBe(0);

    const listed = cli.run(['health', 'reviews', '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    const items = JSON.parse(listed.stdout).items as ReviewQueueItem[];
    expect(items.length).toBeGreaterThan(0);
    const first = items[0]!;
    expect(first.status).not.toBe('ok');

    const table = cli.run(['health', 'reviews']);
    expect(table.stdout.split('\n')[0]).toMatch(/^status\s+due\s+account\s+tier/);
    expect(table.stdout).toMatch(
      new RegExp(`${items.length} accounts · \\d+ overdue · \\d+ due today`),
    );
    const csv = cli.run(['health', 'reviews', '--csv']);
    expect(csv.stdout.split('\r\n')[0]).toBe(
      'account_id,account,owner,tier,tier_since,last_review,cadence_days,due,status,days_overdue,arr,currency',
    );
    expect(csv.stdout.trimEnd().split('\r\n')).toHaveLength(items.length + 1);

    const recorded = cli.run([
      'health',
      'review',
      first.accountId,
      '--sentiment',
      '6',
      '--exec-engagement',
      '7',
      '--notes',
      'Monthly check',
      '--json',
    ]);
    expect(recorded.status, recorded.stderr).toBe(0);
    const r = JSON.parse(recorded.stdout) as ReviewRecorded;
    expect(r.review).toMatchObject({
      sentiment: 6,
      executiveEngagement: 7,
      notes: 'Monthly check',
    });
    expect(r.cadence).toMatchObject({ accountId: first.accountId, status: 'ok' });
    const again = JSON.parse(cli.run(['health', 'reviews', '--due', '--json']).stdout);
    expect(again.items.map((i: ReviewQueueItem) => i.accountId)).not.toContain(first.accountId);

    // --as says whose "me" and "team" the list means.
    const owner = items.find((i) => i.ownerId)!.ownerId!;
    const ids = (args: string[]) =>
      (
        JSON.parse(cli.run(['health', 'reviews', ...args, '--json']).stdout)
          .items as ReviewQueueItem[]
      ).map((i) => i.accountId);
    const theirs = ids(['--owner', owner]);
    expect(theirs.length).toBeGreaterThan(0);
    expect(ids(['--owner', 'me', '--as', owner])).toEqual(theirs);
    expect(ids(['--owner', 'team', '--as', owner])).toEqual(expect.arrayContaining(theirs));

    for (const [args, message] of [
      [['health', 'review', first.accountId, '--sentiment', '0'], '--sentiment: expected'],
      [['health', 'review', first.accountId], '--sentiment: required'],
      [['health', 'review', 'acc_missing', '--sentiment', '5'], 'no account'],
      [['health', 'reviews', '--owner', 'me'], '--owner me: the CLI acts as the operator'],
      [['health', 'reviews', '--owner', 'nobody@example.com'], 'owner: no user'],
    ] as const) {
      const res = cli.run([...args]);
      expect(res.status).toBe(1);
      expect(res.stderr).toContain(message);
    }
  });
});
