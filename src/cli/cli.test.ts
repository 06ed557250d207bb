import { describe, expect, it } from 'vitest';
import { makeCli } from '../testing/cli.js';

describe('the tenure binary', () => {
  const cli = makeCli();

  it('has --help on every verb', () => {
    for (const verb of [
      [],
      ['serve'],
      ['migrate'],
      ['demo'],
      ['import'],
      ['export'],
      ['accounts', 'list'],
      ['accounts', 'show'],
      ['users', 'list'],
    ]) {
      const r = cli.run([...verb, '--help']);
      expect(r.status, verb.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: tenure');
    }
  });

  it('migrates, then reports nothing to do', () => {
    const first = cli.run(['migrate', '--json']);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout).applied.length).toBeGreaterThan(0);
    const again = cli.run(['migrate']);
    expect(again.stdout).toContain('up to date');
  });

  it('fails with a one-line reason and a non-zero exit', () => {
    const missing = cli.run(['accounts', 'show', 'acc_missing']);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^tenure: no account/);
    const badLimit = cli.run(['accounts', 'list', '--limit', '9999']);
    expect(badLimit.status).toBe(1);
    expect(badLimit.stderr).toContain('--limit');
    const badVerb = cli.run(['frobnicate']);
    expect(badVerb.status).not.toBe(0);
  });

  it('builds the demo and lists and shows its accounts', () => {
    const demo = cli.run(['demo', '--accounts', '60', '--json']);
    expect(demo.status, demo.stderr).toBe(0);
    const list = cli.run(['accounts', 'list', '--json', '--limit', '5', '--sort', '-mrr']);
    expect(list.status).toBe(0);
    const page = JSON.parse(list.stdout) as {
      items: { id: string; mrrMinor: number; crmId: string }[];
      nextCursor: string;
    };
    expect(page.items).toHaveLength(5);
    expect(page.nextCursor).toBeTruthy();
    const mrrs = page.items.map((a) => a.mrrMinor);
    expect([...mrrs].sort((a, b) => b - a)).toEqual(mrrs);
    const show = cli.run(['accounts', 'show', page.items[0]!.crmId]);
    expect(show.status).toBe(0);
    expect(show.stdout).toContain('Subscriptions');
    const again = cli.run(['demo', '--accounts', '60']);
    expect(again.status).toBe(1);
  });
});
