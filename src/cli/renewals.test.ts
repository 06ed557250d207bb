import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCli } from '../testing/cli.js';
import { percentToBp } from './renewals.js';

/** `tenure renewals`, `tenure forecast` and `tenure quote` on the real binary and the demo. */
describe('tenure renewals, forecast and quote', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-renewals-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the pipeline as CSV, forecasts the quarter, and drafts a quote to PDF', () => {
    const cli = makeCli();
    const demo = cli.run(['demo', '--accounts', '60', '--json']);
    expect(demo.status, demo.stderr).toBe(0);
    expect(cli.run(['renewals', 'refresh']).stdout).toMatch(/^Worked out 60 accounts\.\n$/);

    const csv = cli.run(['renewals', '--window', '90', '--csv']);
    expect(csv.status, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^\uFEFF?Account,Plan,Renewal date,Days,Window,Bucket/);
    expect(lines.length).toBeGreaterThan(1);
    const json = JSON.parse(cli.run(['renewals', '--window', '90', '--json']).stdout) as {
      accountName: string;
      daysToRenewal: number;
      arrMinor: number;
      currency: string;
    }[];
    expect(json).toHaveLength(lines.length - 1);
    expect(json.every((r) => r.daysToRenewal <= 90)).toBe(true);

    const f = JSON.parse(cli.run(['forecast', '--json']).stdout) as {
      currencies: { currency: string; upMinor: number; byBucket: { arrMinor: number }[] }[];
    };
    for (const c of f.currencies) {
      expect(c.byBucket.reduce((t, b) => t + b.arrMinor, 0)).toBe(c.upMinor);
    }
    expect(cli.run(['forecast', '--quarter', 'soon']).stderr).toMatch(/quarter/);

    const target = json[0]!;
    const pdf = join(dir, 'quote.pdf');
    const q = cli.run(['quote', target.accountName, '--uplift', '5', '--pdf', pdf]);
    expect(q.status, q.stderr).toBe(0);
    expect(q.stdout).toMatch(
      new RegExp(`^Q-0001 for ${target.accountName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `),
    );
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');

    const bad = cli.run([
      'quote',
      target.accountName,
      '--uplift',
      '500',
      '--pdf',
      join(dir, 'bad.pdf'),
    ]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/upliftBp: must be 0 to 10000/);
    expect(existsSync(join(dir, 'bad.pdf'))).toBe(false);
    expect(cli.run(['quote', 'No Such Co', '--uplift', '5']).stderr).toMatch(/no account/);

    // Record the renewal at a higher ARR; a second time is refused.
    const sub = (
      JSON.parse(cli.run(['renewals', '--window', '90', '--json']).stdout) as {
        subscriptionId: string;
        accountName: string;
        arrMinor: number;
        currency: string;
      }[]
    ).find((r) => r.accountName === target.accountName)!;
    const higher = ((sub.arrMinor + 100_00) / 100).toFixed(2);
    const rec = cli.run([
      'renewals',
      'record',
      sub.subscriptionId,
      '--outcome',
      'renewed',
      '--arr',
      higher,
    ]);
    expect(rec.status, rec.stderr).toBe(0);
    expect(rec.stdout).toMatch(/^Renewal of \d{4}-\d\d-\d\d renewed: ARR .* → /);
    const again = cli.run([
      'renewals',
      'record',
      sub.subscriptionId,
      '--outcome',
      'churned',
      '--reason',
      'price',
    ]);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/--reason/);
  }, 120_000);

  it('reads percentages exactly', () => {
    expect(percentToBp('5', '--uplift')).toBe(500);
    expect(percentToBp('12.5', '--uplift')).toBe(1250);
    expect(percentToBp('0.01', '--uplift')).toBe(1);
    expect(() => percentToBp('5%', '--uplift')).toThrow(/--uplift/);
    expect(() => percentToBp('1.234', '--uplift')).toThrow(/--uplift/);
  });
});
