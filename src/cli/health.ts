import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { toIsoDate, type IsoDate } from '../core/clock.js';
import { AppError, isAppError } from '../core/errors.js';
import { findAccountByRef } from '../accounts/account/service.js';
import { csvLine } from '../accounts/export/format.js';
import type { ModelIssue } from '../health/model/definition.js';
import { modelFromText, modelToText, type ModelFormat } from '../health/model/file.js';
import { MEASURES } from '../health/measures/registry.js';
import * as models from '../health/models/service.js';
import * as scoring from '../health/scoring/service.js';
import {
  HealthDayQuery,
  HealthRangeQuery,
  ScoreRunBody,
  driversView,
  healthView,
  resolveDay,
  resolveRange,
  scoreRange,
  scoreRunView,
  trendView,
  type HealthDriversView,
} from '../health/schemas.js';
import { MODEL_FORMATS, modelView } from '../health/models/schemas.js';
import { parseOptions, printJson, printTable, withCtx, type RegisterVerb } from './shared.js';
import { registerBacktestVerbs } from './health-backtest.js';

const out = (s: string) => void process.stdout.write(s);
/** CLI option names of the API's fields, so errors name what the user typed. */
const OPTION: Record<string, string> = { day: '--date', from: '--from', to: '--to' };

function formatOf(value: string | undefined, file?: string): ModelFormat | undefined {
  if (value !== undefined) {
    if ((MODEL_FORMATS as readonly string[]).includes(value)) return value as ModelFormat;
    throw new AppError('validation', `--format: expected yaml or json, got "${value}"`);
  }
  const ext = file ? extname(file).toLowerCase() : '';
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return undefined;
}

/** A progress bar over days on stderr when it is a terminal; stdout stays clean for --json. */
function dayBar(total: number): { tick: (day: IsoDate) => void; stop: () => void } {
  if (!process.stderr.isTTY || total < 2) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'Scoring {day} [{bar}] {value}/{total} days',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { day: '' });
  return { tick: (day) => bar.increment(1, { day }), stop: () => bar.stop() };
}

/** Tenths of a point as signed points with one decimal: +3.2, -0.5, 0.0. */
export function signedPoints(tenths: number): string {
  const sign = tenths > 0 ? '+' : tenths < 0 ? '-' : '';
  return `${sign}${(Math.abs(tenths) / 10).toFixed(1)}`;
}

const composite = (c: number | null) => (c === null ? '—' : c.toFixed(1));

function measureValue(v: number | null, unit: string): string {
  if (v === null) return '—';
  if (unit === 'flag') return v ? 'yes' : 'no';
  return String(Number(v.toFixed(2)));
}

const arrow = (a: string, b: string) => (a === b ? a : `${a} → ${b}`);

type DriverView = HealthDriversView['drivers'][number];

function driverRow(d: DriverView): Record<string, string> {
  const points = signedPoints(d.contributionTenths);
  if (d.kind === 'model_version') {
    const from = `${d.fromModel.key} v${d.fromModel.version}`;
    return { driver: `model ${arrow(from, `${d.toModel.key} v${d.toModel.version}`)}`, points };
  }
  const unit = MEASURES[d.measure].unit;
  return {
    driver: d.label,
    dimension: d.dimension,
    value: arrow(measureValue(d.fromValue, unit), measureValue(d.toValue, unit)),
    score: arrow(measureValue(d.fromScore, 'score'), measureValue(d.toScore, 'score')),
    points,
  };
}

function printExplanation(name: string, v: HealthDriversView): void {
  out(`${name} (${v.accountId})\n`);
  for (const s of [v.from, v.to]) {
    const asOf = s.scoredOn === s.day ? '' : `  (score of ${s.scoredOn})`;
    out(
      `  ${s.day}  ${composite(s.composite).padStart(5)}  ${(s.tier ?? '—').padEnd(10)} ${s.model.key} v${s.model.version}${asOf}\n`,
    );
  }
  out(`  change      ${signedPoints(v.changeTenths)} points\n\n`);
  if (v.drivers.length === 0) return out('Nothing moved.\n');
  const rows = [
    ...v.drivers.map(driverRow),
    { driver: 'total', points: signedPoints(v.changeTenths) },
  ];
  printTable(rows, ['driver', 'dimension', 'value', 'score', 'points']);
}

const tiersText = (byTier: Record<string, number>) =>
  Object.entries(byTier)
    .map(([tier, n]) => `${tier} ${n}`)
    .join(' · ');

async function scoreVerb(o: { date?: string; from?: string; to?: string; json?: boolean }) {
  const v = parseOptions(ScoreRunBody, { day: o.date, from: o.from, to: o.to }, OPTION);
  await withCtx(async (ctx) => {
    const range = scoreRange(v, toIsoDate(ctx.now()), '--', 'date');
    const days = scoring.daysFrom(range.from, range.to);
    const bar = dayBar(days.length);
    let runs: Awaited<ReturnType<typeof scoring.scoreDays>>['days'];
    try {
      ({ days: runs } = await scoring.scoreDays(ctx, range.from, range.to, (_d, _t, day) =>
        bar.tick(day),
      ));
    } finally {
      bar.stop();
    }
    const view = scoreRunView(range, runs);
    if (o.json) return printJson(view);
    if (view.days.length === 1) {
      const d = view.days[0]!;
      return out(`${d.day}: scored ${d.scored} accounts (${tiersText(d.byTier) || 'none'})\n`);
    }
    printTable(
      view.days.map((d) => ({ day: d.day, scored: d.scored, tiers: tiersText(d.byTier) })),
      ['day', 'scored', 'tiers'],
    );
    out(`Scored ${view.scored} snapshots over ${view.days.length} days.\n`);
  });
}

async function importVerb(
  file: string,
  o: { format?: string; note?: string; activate?: boolean; json?: boolean },
) {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new AppError('validation', `${file}: cannot read (${err.code ?? 'error'})`);
  });
  let def;
  try {
    def = modelFromText(text, formatOf(o.format, file));
  } catch (err) {
    if (!isAppError(err) || err.code !== 'validation') throw err;
    // Every problem, not only the first: the admin fixes the file in one pass.
    const issues = (err.details?.issues as ModelIssue[] | undefined) ?? [];
    if (o.json) printJson({ issues });
    else for (const i of issues) out(`  ${i.path}: ${i.message}\n`);
    const n = Math.max(issues.length, 1);
    throw new AppError('validation', `${file}: ${n} problem${n === 1 ? '' : 's'}; nothing saved`);
  }
  await withCtx(async (ctx) => {
    const saved = await models.saveModel(ctx, def, { note: o.note, activate: o.activate });
    if (o.json) return printJson({ created: saved.created, model: modelView(saved.model) });
    const m = saved.model;
    const state = m.active ? 'active' : 'inactive';
    out(
      saved.created
        ? `Saved ${m.key} v${m.version} (${state}).${m.active ? ' Accounts are queued for rescoring.' : ''}\n`
        : `${m.key} is unchanged: still v${m.version} (${state}).\n`,
    );
  });
}

function registerModel(health: Command): void {
  const model = health
    .command('model')
    .description('health models: list, export to a file, import a new version, switch on or off');
  model
    .command('list')
    .description('the latest version of every model and whether it scores accounts')
    .option('--json', 'print JSON ({ items })')
    .action(async (o: { json?: boolean }) => {
      await withCtx(async (ctx) => {
        const items = (await models.listModels(ctx)).map(modelView);
        if (o.json) return printJson({ items });
        printTable(
          items.map((m) => ({
            key: m.key,
            version: m.version,
            name: m.name,
            active: m.active ? 'yes' : 'no',
            saved: m.createdAt.slice(0, 10),
            by: m.createdBy,
            note: m.note,
          })),
          ['key', 'version', 'name', 'active', 'saved', 'by', 'note'],
        );
      });
    });
  model
    .command('export')
    .description('write a model as YAML or JSON, to edit and import again')
    .argument('<key>', 'model key, e.g. three-pillars (see `tenure health model list`)')
    .option('--format <format>', 'yaml or json (default: from the --out name, else yaml)')
    .option('--model-version <n>', 'a past version (default: the latest)')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (key: string, o: { format?: string; modelVersion?: string; out?: string }) => {
      const format = formatOf(o.format, o.out) ?? 'yaml';
      const version = o.modelVersion === undefined ? undefined : Number(o.modelVersion);
      if (version !== undefined && !(Number.isInteger(version) && version >= 1))
        throw new AppError(
          'validation',
          `--model-version: expected a version number, got "${o.modelVersion}"`,
        );
      await withCtx(async (ctx) => {
        const m = await models.getModelVersion(ctx, key, version);
        const text = modelToText(m.def, format);
        if (!o.out) return out(text);
        await writeFile(o.out, text).catch((err: NodeJS.ErrnoException) => {
          throw new AppError('validation', `--out: cannot write ${o.out} (${err.code ?? 'error'})`);
        });
        process.stderr.write(`Wrote ${m.key} v${m.version} to ${o.out}\n`);
      });
    });
  model
    .command('import')
    .description(
      'save a model file: a changed model becomes the next version of its key; nothing is saved unless the file is valid',
    )
    .argument('<file>', 'a .yaml, .yml or .json model file')
    .option('--format <format>', 'yaml or json (default: from the file name, else by content)')
    .option('--note <text>', 'why this version; kept with it')
    .option('--activate', 'switch the model on (a new key starts on; a new version keeps the flag)')
    .option('--json', 'print JSON ({ created, model }, or { issues } when the file is invalid)')
    .addHelpText(
      'after',
      '\nEvery problem is listed with its field path and, where the file shows it, its line.\n' +
        'Example:\n  tenure health model export three-pillars --out pillars.yaml\n' +
        '  tenure health model import pillars.yaml --note "more weight on product"',
    )
    .action(importVerb);
  for (const [verb, active] of [
    ['activate', true],
    ['deactivate', false],
  ] as const) {
    model
      .command(verb)
      .description(
        active
          ? 'switch a model on: it scores the accounts it applies to'
          : 'switch a model off (refused when it is the only model for every account)',
      )
      .argument('<key>', 'model key')
      .action(async (key: string) => {
        await withCtx(async (ctx) => {
          const m = await models.setModelActive(ctx, key, active);
          out(
            `${m.key} is ${m.active ? 'active' : 'inactive'}; accounts are queued for rescoring.\n`,
          );
        });
      });
  }
}

export const registerHealth: RegisterVerb = (program) => {
  const health = program
    .command('health')
    .description('health scores: score days, explain a change, trends, and the models behind them');
  registerBacktestVerbs(health, program);
  health
    .command('score')
    .description('score every live account on a day (default today) or on each day of a range')
    .option('--date <date>', 'the day to score, YYYY-MM-DD (default today)')
    .option('--from <date>', 'with --to: backfill every day from this one')
    .option('--to <date>', 'with --from: the last day (a range covers at most 366 days)')
    .option('--json', 'print the run summary as JSON')
    .addHelpText(
      'after',
      '\nMeasures use only records dated by the end of each day, so past days can be backfilled.',
    )
    .action(scoreVerb);
  health
    .command('show')
    .description("an account's health on a day: composite, tier, dimensions and measures")
    .argument('<account>', 'account id, CRM id or billing id')
    .option('--date <date>', 'YYYY-MM-DD (default today)')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { date?: string; json?: boolean }) => {
      const q = parseOptions(HealthDayQuery, { day: o.date }, OPTION);
      await withCtx(async (ctx) => {
        const account = await findAccountByRef(ctx, ref);
        const day = resolveDay(q.day, toIsoDate(ctx.now()), '--date');
        const v = healthView(await scoring.healthOn(ctx, account.id, day), day);
        if (o.json) return printJson(v);
        out(
          `${account.name} (${account.id}) on ${v.scoredOn}: ${composite(v.composite)} ${v.tier ?? ''} · ` +
            `coverage ${Math.round(v.coverage * 100)}% · ${v.model.key} v${v.model.version}\n\n`,
        );
        printTable(
          v.measures.map((m) => ({
            dimension: m.dimension,
            measure: m.label,
            value: measureValue(m.value, m.unit),
            score: measureValue(m.score, 'score'),
            points: (m.contributionTenths / 10).toFixed(1),
          })),
          ['dimension', 'measure', 'value', 'score', 'points'],
        );
      });
    });
  health
    .command('explain')
    .description(
      "why an account's health moved between two days: drivers that add up to the change",
    )
    .argument('<account>', 'account id, CRM id or billing id')
    .option('--from <date>', 'the earlier day (default 30 days before --to)')
    .option('--to <date>', 'the later day (default today)')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { from?: string; to?: string; json?: boolean }) => {
      const q = parseOptions(HealthRangeQuery, { from: o.from, to: o.to }, OPTION);
      await withCtx(async (ctx) => {
        const account = await findAccountByRef(ctx, ref);
        const range = resolveRange(q, toIsoDate(ctx.now()), 30, '--');
        const e = await scoring.explainHealth(ctx, account.id, range.from, range.to);
        const view = driversView(account.id, range, e);
        if (o.json) return printJson(view);
        printExplanation(account.name, view);
      });
    });
  health
    .command('trend')
    .description("an account's daily health scores and where the model version changed")
    .argument('<account>', 'account id, CRM id or billing id')
    .option('--from <date>', 'first day (default 89 days before --to)')
    .option('--to <date>', 'last day (default today)')
    .option('--csv', 'write CSV: day, composite, tier, coverage, model_key, model_version')
    .option('--json', 'print JSON')
    .action(
      async (ref: string, o: { from?: string; to?: string; csv?: boolean; json?: boolean }) => {
        const q = parseOptions(HealthRangeQuery, { from: o.from, to: o.to }, OPTION);
        await withCtx(async (ctx) => {
          const account = await findAccountByRef(ctx, ref);
          const range = resolveRange(q, toIsoDate(ctx.now()), 89, '--');
          const t = await scoring.healthTrend(ctx, account.id, range.from, range.to);
          const view = trendView(account.id, range, t);
          if (o.json) return printJson(view);
          if (o.csv) {
            out(csvLine(['day', 'composite', 'tier', 'coverage', 'model_key', 'model_version']));
            for (const p of view.points)
              out(csvLine([p.day, p.composite, p.tier, p.coverage, p.modelKey, p.modelVersion]));
            return;
          }
          if (view.points.length === 0)
            return out(
              `No health scores for ${account.name} from ${range.from} to ${range.to}; run \`tenure health score\`.\n`,
            );
          const changed = new Map(
            view.versionChanges.map((c) => [c.day, `model ${c.from} → ${c.to}`]),
          );
          printTable(
            view.points.map((p) => ({
              day: p.day,
              composite: composite(p.composite),
              tier: p.tier,
              coverage: `${Math.round(p.coverage * 100)}%`,
              model: `${p.modelKey} v${p.modelVersion}`,
              note: changed.get(p.day) ?? '',
            })),
            ['day', 'composite', 'tier', 'coverage', 'model', 'note'],
          );
        });
      },
    );
  registerModel(health);
};
