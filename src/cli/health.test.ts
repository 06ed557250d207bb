import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import { makeCli } from '../testing/cli.js';
import { signedPoints } from './health.js';

/** `tenure health …` on the real binary (built by `npm test`). */
describe('tenure health', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-health-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports, edits and imports a model; an invalid file lists every problem and saves nothing', () => {
    const cli = makeCli();
    const file = join(dir, 'pillars.yaml');
    const exported = cli.run(['health', 'model', 'export', 'three-pillars', '--out', file]);
    expect(exported.status, exported.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(cli.run(['health', 'model', 'export', 'three-pillars']).stdout).toBe(text);

    writeFileSync(file, text.replace(/^name: .*$/m, 'name: Pillars, tuned'));
    const imported = cli.run(['health', 'model', 'import', file, '--note', 'tuned', '--json']);
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      created: true,
      model: {
        key: 'three-pillars',
        version: 2,
        name: 'Pillars, tuned',
        note: 'tuned',
        active: true,
      },
    });
    const again = cli.run(['health', 'model', 'import', file]);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe('three-pillars is unchanged: still v2 (active).\n');

    const def = JSON.parse(
      cli.run(['health', 'model', 'export', 'three-pillars', '--format', 'json']).stdout,
    );
    def.dimensions[0].weight = 30;
    def.dimensions[0].measures[0].bands[1].min = 0.5;
    def.dimensions[1].measures[0].measure = 'usage.telepathy';
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(def, null, 2));
    const refused = cli.run(['health', 'model', 'import', bad]);
    expect(refused.status).toBe(1);
    const lines = refused.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}dimensions: weights add up to 90, not 100 \(line \d+\)$/),
        expect.stringMatching(
          /^ {2}dimensions\[0\]\.measures\[0\]\.bands\[1\]\.min: overlaps dimensions\[0\]\.measures\[0\]\.bands\[0\]/,
        ),
        expect.stringMatching(
          /^ {2}dimensions\[1\]\.measures\[0\]\.measure: unknown measure "usage\.telepathy"/,
        ),
      ]),
    );
    expect(refused.stderr).toBe(`tenure: ${bad}: 3 problems; nothing saved\n`);
    const asJson = cli.run(['health', 'model', 'import', bad, '--json']);
    expect(JSON.parse(asJson.stdout).issues).toHaveLength(3);

    const list = JSON.parse(cli.run(['health', 'model', 'list', '--json']).stdout);
    expect(list.items.map((m: { key: string; version: number }) => [m.key, m.version])).toEqual([
      ['five-dimensions', 1],
      ['three-pillars', 2],
    ]);
    const missing = cli.run(['health', 'model', 'export', 'nope']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('tenure: health model nope not found\n');
  });

  it('scores days and explains a change with signed drivers that add up to it', () => {
    const cli = makeCli();
    expect(cli.run(['demo', '--accounts', '6']).status).toBe(0);
    const accounts = JSON.parse(cli.run(['accounts', 'list', '--json']).stdout).items as {
      id: string;
      name: string;
      stage: string;
    }[];
    const acme = accounts.find((a) => a.stage !== 'churned')!;
    const today = new Date().toISOString().slice(0, 10);
    const before = addDays(today, -10);

    const scored = cli.run(['health', 'score', '--date', before, '--json']);
    expect(scored.status, scored.stderr).toBe(0);
    expect(JSON.parse(scored.stdout)).toMatchObject({ from: before, to: before });
    const range = cli.run(['health', 'score', '--from', addDays(before, 1), '--to', today]);
    expect(range.status, range.stderr).toBe(0);
    expect(range.stdout).toMatch(/^Scored \d+ snapshots over 10 days\.$/m);
    expect(cli.run(['health', 'score', '--from', before]).stderr).toBe(
      'tenure: --to: from and to go together\n',
    );

    // A new model version between the two days shows as its own driver.
    const file = join(dir, 'weights.json');
    const def = JSON.parse(
      cli.run(['health', 'model', 'export', 'three-pillars', '--format', 'json']).stdout,
    );
    def.dimensions.forEach((d: { weight: number }, i: number) => (d.weight = [60, 20, 20][i]!));
    writeFileSync(file, JSON.stringify(def));
    expect(cli.run(['health', 'model', 'import', file]).stdout).toMatch(/^Saved three-pillars v2/);
    expect(cli.run(['health', 'score']).stdout).toMatch(
      new RegExp(`^${today}: scored \\d+ accounts`),
    );

    const json = cli.run(['health', 'explain', acme.id, '--from', before, '--json']);
    expect(json.status, json.stderr).toBe(0);
    const why = JSON.parse(json.stdout);
    expect(why).toMatchObject({
      accountId: acme.id,
      from: { day: before, model: { key: 'three-pillars', version: 1 } },
      to: { day: today, model: { key: 'three-pillars', version: 2 } },
    });
    const drivers = why.drivers as { kind: string; contributionTenths: number }[];
    expect(drivers.reduce((s, d) => s + d.contributionTenths, 0)).toBe(why.changeTenths);
    expect(drivers.some((d) => d.kind === 'model_version')).toBe(true);

    const text = cli.run(['health', 'explain', acme.id, '--from', before]);
    expect(text.status, text.stderr).toBe(0);
    const out = text.stdout;
    expect(out.startsWith(`${acme.name} (${acme.id})\n`)).toBe(true);
    expect(out).toContain(`  ${before}  `);
    expect(out).toContain(`  change      ${signedPoints(why.changeTenths)} points\n`);
    expect(out).toMatch(/^driver +dimension +value +score +points$/m);
    expect(out).toMatch(/^model three-pillars v1 → three-pillars v2 +[+-]?\d+\.\d$/m);
    expect(out).toMatch(
      new RegExp(`^total +${signedPoints(why.changeTenths).replace('+', '\\+')}$`, 'm'),
    );
    // One row per driver, largest first, each with signed points and one decimal.
    const rows = out.split('\n').filter((l) => /\s[+-]?\d+\.\d$/.test(l) && !l.startsWith(' '));
    const points = rows.slice(0, -1).map((l) => Math.abs(Number(l.split(/\s+/).at(-1))));
    expect(points).toHaveLength(drivers.length);
    expect(points).toEqual([...points].sort((a, b) => b - a));

    const csv = cli.run(['health', 'trend', acme.id, '--from', before, '--csv']);
    expect(csv.status, csv.stderr).toBe(0);
    const csvLines = csv.stdout.trimEnd().split('\r\n');
    expect(csvLines[0]).toBe('day,composite,tier,coverage,model_key,model_version');
    expect(csvLines[1]).toMatch(new RegExp(`^${before},[\\d.]*,\\w*,[\\d.]+,three-pillars,1$`));
    expect(csvLines).toHaveLength(12);
    const table = cli.run(['health', 'trend', acme.id, '--from', before]);
    expect(table.stdout).toMatch(/model three-pillars v1 → three-pillars v2/);
    expect(cli.run(['health', 'explain', 'nobody']).stderr).toBe(
      'tenure: no account with id, CRM id or billing id nobody\n',
    );
  });
});
