import { afterAll, describe, expect, it } from 'vitest';
import { makeCli } from '../testing/cli.js';
import { csvDir } from '../accounts/importer/testing.js';

/** `tenure import tickets|surveys` on the real binary (built by `npm test`). */
describe('tenure import tickets and surveys', () => {
  const cli = makeCli();
  const files = csvDir();
  afterAll(() => files.cleanup());

  it('dry-runs naming the bad row, applies, and changes nothing the second time', () => {
    const accounts = files.write('accounts.csv', 'Name,CRM ID\nAcme,SF-1\n');
    expect(cli.run(['import', 'accounts', accounts]).status).toBe(0);
    const good =
      'Ticket ID,Account CRM ID,Subject,Priority,Status,Created at,Solved at,CSAT\n' +
      'Z1,SF-1,Login fails,urgent,open,2026-06-01T09:00:00Z,,\n' +
      'Z2,SF-1,Slow export,medium,resolved,2026-06-02T09:00:00Z,2026-06-02T12:00:00Z,5\n';
    const bad = files.write('bad.csv', `${good}Z3,SF-1,Odd,normal,open,2026-06-03,,9\n`);
    const dry = cli.run(['import', 'tickets', bad, '--dry-run', '--json']);
    expect(dry.status).toBe(1);
    expect(dry.stderr).toMatch(/^tenure: 1 bad row \(first: line 4, column "CSAT"/);
    expect(JSON.parse(dry.stdout)).toMatchObject({ status: 'invalid', report: { created: 2 } });

    const file = files.write('good.csv', good);
    const applied = cli.run(['import', 'tickets', file]);
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/Created 2 · updated 0 · unchanged 0/);
    const again = JSON.parse(cli.run(['import', 'tickets', file, '--json']).stdout);
    expect(again).toMatchObject({ status: 'applied', report: { created: 0, unchanged: 2 } });

    const surveys = files.write(
      'nps.csv',
      'Response ID,Account CRM ID,NPS,Submitted at,Comment\nR1,SF-1,10,2026-06-05,Love it\n',
    );
    const s = cli.run(['import', 'surveys', surveys, '--json']);
    expect(s.status, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ report: { created: 1 } });
    expect(cli.run(['import', 'people', surveys]).stderr).toMatch(
      /expected one of accounts, contacts, subscriptions, tickets, surveys/,
    );
  });
});
