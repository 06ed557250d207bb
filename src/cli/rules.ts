import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml, stringify } from 'yaml';
import type { RuleInput } from '../rules/model.js';
import {
  evaluateRules,
  getRule,
  listFirings,
  listRules,
  previewRule,
  saveRule,
  setRuleActive,
} from '../rules/service.js';
import { printJson, printTable, withCtx, type RegisterVerb } from './shared.js';

function readRule(file: string): RuleInput {
  const text = readFileSync(file, 'utf8');
  return (/\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text)) as RuleInput;
}

export const registerRules: RegisterVerb = (program: Command) => {
  const rules = program
    .command('rules')
    .description(
      'automation rules: when something happens and conditions hold, act (docs/rules.md)',
    );

  rules
    .command('list', { isDefault: true })
    .description('every rule, on or off')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) =>
      withCtx(async (ctx) => {
        const items = await listRules(ctx);
        if (o.json) return printJson({ items });
        printTable(
          items.map((r) => ({
            key: r.key,
            name: r.name,
            when: r.definition.when.type,
            actions: r.definition.then.map((a) => a.type).join(', '),
            version: r.version,
            on: r.active ? 'on' : 'off',
          })),
          ['key', 'name', 'when', 'actions', 'version', 'on'],
        );
      }),
    );

  rules
    .command('show <key>')
    .description('one rule with its versions')
    .action(async (key: string) => withCtx(async (ctx) => printJson(await getRule(ctx, key))));

  rules
    .command('export <key>')
    .description('print a rule as YAML (reads back with `tenure rules save`)')
    .action(async (key: string) =>
      withCtx(async (ctx) => {
        process.stdout.write(stringify((await getRule(ctx, key)).definition));
      }),
    );

  rules
    .command('save <file>')
    .description(
      'add a rule (switched off) or save a changed one as its next version, from YAML or JSON',
    )
    .option('--note <text>', 'why this version')
    .action(async (file: string, o: { note?: string }) =>
      withCtx(async (ctx) => {
        const r = await saveRule(ctx, readRule(file), o.note);
        process.stdout.write(`Saved ${r.key} version ${r.version} (${r.active ? 'on' : 'off'}).\n`);
      }),
    );

  rules
    .command('preview <file-or-key>')
    .description('the accounts a rule would act on now, before switching it on')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) =>
      withCtx(async (ctx) => {
        const def = /\.(ya?ml|json)$/i.test(ref)
          ? readRule(ref)
          : (await getRule(ctx, ref)).definition;
        const p = await previewRule(ctx, def);
        if (o.json) return printJson(p);
        process.stdout.write(`${p.total} account${p.total === 1 ? '' : 's'} now.\n`);
        printTable(
          p.accounts.map((a) => ({ id: a.id, account: a.name, why: a.reason })),
          ['id', 'account', 'why'],
        );
      }),
    );

  for (const [verb, active] of [
    ['on', true],
    ['off', false],
  ] as const)
    rules
      .command(`${verb} <key>`)
      .description(
        active ? 'switch a rule on: it fires for causes from now on' : 'switch a rule off',
      )
      .action(async (key: string) =>
        withCtx(async (ctx) => {
          const r = await setRuleActive(ctx, key, active);
          process.stdout.write(`${r.key} is ${r.active ? 'on' : 'off'}.\n`);
        }),
      );

  rules
    .command('evaluate')
    .description('evaluate the active rules now (the rules.evaluate job does it every 5 minutes)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) =>
      withCtx(async (ctx) => {
        const r = await evaluateRules(ctx);
        if (o.json) return printJson(r);
        process.stdout.write(
          `${r.rules} active rule${r.rules === 1 ? '' : 's'}; fired ${r.fired.length}.\n`,
        );
        printTable(
          r.fired.map((f) => ({ rule: f.rule, account: f.accountId, cause: f.cause })),
          ['rule', 'account', 'cause'],
        );
      }),
    );

  rules
    .command('log')
    .description('the run log: what fired, why, and what it did')
    .option('--rule <key>', 'one rule')
    .option('--account <id>', 'one account')
    .option('--limit <n>', 'entries (default 50)', '50')
    .option('--json', 'print JSON')
    .action(async (o: { rule?: string; account?: string; limit: string; json?: boolean }) =>
      withCtx(async (ctx) => {
        const limit = Number(o.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500)
          throw new Error(`--limit: expected 1–500, got "${o.limit}"`);
        const items = await listFirings(ctx, { ruleKey: o.rule, accountId: o.account, limit });
        if (o.json) return printJson({ items });
        printTable(
          items.map((f) => ({
            at: f.firedAt.replace('T', ' ').slice(0, 19),
            rule: f.ruleKey,
            account: f.accountId,
            why: f.reason.slice(0, 40),
            did: f.outcome.join('; ').slice(0, 70),
          })),
          ['at', 'rule', 'account', 'why', 'did'],
        );
      }),
    );
};
