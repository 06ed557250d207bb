import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCli } from '../testing/cli.js';
import { csvDir } from '../accounts/importer/testing.js';

/** The real binary (built by `npm test`), each run in its own data dir. */
describe('tenure import and export', () => {
  const cli = makeCli();
  const files = csvDir();
  afterAll(() => files.cleanup());

  const ACCOUNTS =
    '\ufeffAccount Name;Salesforce ID;Tier;Lifecycle Stage;Customer Since;Notes\r\n' +
    'Acme;A-2e4581;Enterprise;Active;15/03/2021;"calls; in March"\r\n' +
    'Beta;A-1;smb;onboarding;01/02/2023;\r\n';

  it('dry-runs as JSON on a clean stdout, applies, and changes nothing the second time', () => {
    const file = files.write('accounts.csv', ACCOUNTS);
    const dry = cli.run(['import', 'accounts', file, '--dry-run', '--json']);
    expect(dry.status, dry.stderr).toBe(0);
    const report = JSON.parse(dry.stdout) as {
      status: string;
      report: { created: number; delimiter: string; traits: string[] };
    };
    expect(report).toMatchObject({
      status: 'dry_run',
      report: { created: 2, delimiter: ';', traits: ['customer_since', 'notes'] },
    });

    const applied = cli.run(['import', 'accounts', file]);
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/Created 2 · updated 0 · unchanged 0/);
    expect(applied.stdout).toMatch(/Applied as import imp_/);

    const again = cli.run(['import', 'accounts', file, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({
      status: 'applied',
      report: { created: 0, updated: 0, unchanged: 2 },
    });
  });

  it('lists every bad row and exits 1 with a one-line reason, writing nothing', () => {
    const file = files.write(
      'bad.csv',
      'Name,CRM ID,Segment\nGood,B1,smb\nBad,B2,galactic\n"Two\nlines",B3,nope\n',
    );
    const r = cli.run(['import', 'accounts', file]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tenure: 2 bad rows \(first: line 3, column "Segment"/);
    expect(r.stdout).toContain('line 3, column "Segment": "galactic"');
    expect(r.stdout).toContain('line 4, column "Segment": "nope"');
    const list = cli.run(['accounts', 'list', '--json', '--q', 'Good']);
    expect(JSON.parse(list.stdout).items).toEqual([]);
  });

  it('asks for --date-format when the file cannot tell, and takes --map', () => {
    const file = files.write(
      'dates.csv',
      'Customer,Ref,Churn Date,Stage,Internal\nGamma,G1,01/02/2024,churned,x\n',
    );
    const ask = cli.run([
      'import',
      'accounts',
      file,
      '--map',
      'Customer=name',
      '--map',
      'Ref=crmId',
      '--map',
      'Internal=',
    ]);
    expect(ask.status).toBe(1);
    expect(ask.stderr).toMatch(/^tenure: column "Churn Date": .*--date-format/);
    const ok = cli.run([
      'import',
      'accounts',
      file,
      '--map',
      'Customer=name',
      '--map',
      'Ref=crmId',
      '--map',
      'Internal=',
      '--date-format',
      'd/m/yyyy',
      '--json',
    ]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(
      JSON.parse(ok.stdout).report.columns.find((c: { column: string }) => c.column === 'Internal'),
    ).toMatchObject({ target: null, source: 'map' });
    expect(cli.run(['import', 'accounts', file, '--map', 'nonsense']).stderr).toMatch(
      /^tenure: --map "nonsense"/,
    );
    expect(cli.run(['import', 'people', file]).stderr).toMatch(
      /^tenure: kind: expected one of accounts, contacts, subscriptions/,
    );
    expect(cli.run(['import', 'accounts', join(files.write('x', ''), 'missing.csv')]).status).toBe(
      1,
    );
  });

  it('exports CSV that Excel opens and that imports back unchanged', () => {
    const cli = makeCli();
    cli.run(['import', 'accounts', files.write('seed.csv', ACCOUNTS)]);
    const out = join(cli.dataDir, 'accounts-export.csv');
    const r = cli.run(['export', 'accounts', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\ufeffTenure ID,Name,')).toBe(true);
    expect(text).toContain('\r\n');
    const stdout = cli.run(['export', 'accounts', '--segment', 'smb']);
    expect(stdout.stdout.split('\r\n').filter(Boolean)).toHaveLength(2);
    const back = cli.run(['import', 'accounts', out, '--json']);
    expect(JSON.parse(back.stdout)).toMatchObject({
      status: 'applied',
      report: { created: 0, updated: 0, errorCount: 0 },
    });
    expect(
      cli
        .run(['export', 'contacts'])
        .stdout.startsWith('\ufeffTenure ID,External ID,Account Tenure ID'),
    ).toBe(true);
    expect(cli.run(['export', 'accounts', '--stage', 'sleeping']).stderr).toMatch(
      /^tenure: --stage/,
    );
  });

  it('imports a file large enough to be parsed on a worker thread', () => {
    const cli = makeCli();
    const rows = ['Name,CRM ID,Segment,Employees'];
    for (let i = 0; i < 60_000; i++) rows.push(`"Company ${i}, Ltd",W-${i},smb,${i % 700}`);
    const file = files.write('large.csv', `${rows.join('\n')}\n`);
    const r = cli.run(['import', 'accounts', file, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'applied',
      report: { rows: 60_000, created: 60_000, errorCount: 0 },
    });
    const bad = files.write('large-bad.csv', `${rows.join('\n')}\nLast,W-5,smb,1\n`);
    const refused = JSON.parse(cli.run(['import', 'accounts', bad, '--json']).stdout);
    expect(refused).toMatchObject({
      status: 'invalid',
      report: { errors: [{ line: 60_002, column: 'CRM ID' }] },
    });
  });
});
