import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { findAccountByRef } from '../accounts/account/service.js';
import { AppError, invalid } from '../core/errors.js';
import { formatMinor, parseAmountToMinor } from '../core/money.js';
import { CHURN_REASONS, type ChurnReason } from '../accounts/account/model.js';
import { OUTCOMES, recordOutcome, type RenewalOutcome } from '../renewals/outcomes.js';
import type { Ctx } from '../core/context.js';
import { renderQuoteHtml } from '../renewals/document-html.js';
import { renderQuotePdf } from '../renewals/document-pdf.js';
import { BUCKET_LABELS, BUCKETS, type Bucket, type WindowKey } from '../renewals/model.js';
import { createQuote, quoteDocument } from '../renewals/quotes.js';
import { runRenewalReminders } from '../renewals/reminders.js';
import { forecast, pipeline, pipelineCsv, type PipelineQuery } from '../renewals/service.js';
import { refreshSignals } from '../renewals/signals.js';
import { printJson, printTable, withCtx, type RegisterVerb } from './shared.js';

const money = (minor: number, currency: string) => `${formatMinor(minor, currency)} ${currency}`;

/** `--window 90`: renewals due in the next 90 days (and overdue); `--window overdue`. */
function windowQuery(raw: string | undefined, bucket: string | undefined): PipelineQuery {
  const q: PipelineQuery = {};
  if (raw === 'overdue') q.window = 'overdue' as WindowKey;
  else if (raw !== undefined) {
    const days = Number(raw);
    if (!Number.isInteger(days) || days < 1 || days > 730)
      throw invalid('--window', 'a number of days from 1 to 730, or overdue');
    q.days = days;
  }
  if (bucket !== undefined) {
    if (!(BUCKETS as readonly string[]).includes(bucket))
      throw invalid('--bucket', `one of ${BUCKETS.join(', ')}`);
    q.bucket = bucket as Bucket;
  }
  return q;
}

/** Percent text to basis points: 5 → 500, 12.5 → 1250; refused beyond two decimals. */
export function percentToBp(text: string, option: string): number {
  if (!/^-?\d+(\.\d{1,2})?$/.test(text.trim()))
    throw invalid(option, `a percentage such as 5 or 12.5, not ${text}`);
  return Math.round(Number(text) * 100);
}

async function accountByRefOrName(ctx: Ctx, ref: string) {
  try {
    return await findAccountByRef(ctx, ref);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
    const rows = await ctx.db
      .selectFrom('accounts')
      .select('id')
      .where(sql`lower(name)`, '=', ref.trim().toLowerCase())
      .where('archived_at', 'is', null)
      .limit(2)
      .execute();
    if (rows.length === 1) return findAccountByRef(ctx, rows[0]!.id);
    if (rows.length > 1)
      throw new AppError('conflict', `more than one account is named ${ref}; give its id`);
    throw new AppError('not_found', `no account with id, CRM id, billing id or name ${ref}`);
  }
}

export const registerRenewals: RegisterVerb = (program: Command) => {
  const renewals = program
    .command('renewals')
    .description('the renewal pipeline (F1): windows, buckets, overrides; reminders and signals');

  renewals
    .command('list', { isDefault: true })
    .description('renewals due soon, nearest first, with window and bucket')
    .option(
      '--window <days>',
      'renewals due in the next N days and overdue (default 120), or "overdue"',
    )
    .option('--bucket <bucket>', `only one bucket: ${BUCKETS.join(', ')}`)
    .option('--refresh', 'work out buckets and expansion signals first')
    .option('--csv', 'write CSV (every row)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  tenure renewals --window 90\n  tenure renewals --bucket at_risk --csv > at-risk.csv',
    )
    .action(
      async (o: {
        window?: string;
        bucket?: string;
        refresh?: boolean;
        csv?: boolean;
        json?: boolean;
      }) =>
        withCtx(async (ctx) => {
          const q = windowQuery(o.window, o.bucket);
          if (o.refresh) await refreshSignals(ctx);
          if (o.csv) {
            for await (const line of pipelineCsv(ctx, q)) process.stdout.write(line);
            return;
          }
          const items = [];
          let cursor: string | undefined;
          do {
            const page = await pipeline(ctx, { ...q, limit: 500, cursor });
            items.push(...page.items);
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          if (o.json) return printJson(items);
          printTable(
            items.map((i) => ({
              renews: i.renewalDate,
              days: i.daysToRenewal,
              account:
                i.accountName.length > 32 ? `${i.accountName.slice(0, 29)}...` : i.accountName,
              arr: money(i.arrMinor, i.currency),
              bucket: `${BUCKET_LABELS[i.bucket]}${i.override ? ' (override)' : ''}`,
              why: i.override?.reason ?? i.bucketReason,
            })),
            ['renews', 'days', 'account', 'arr', 'bucket', 'why'],
          );
          process.stdout.write(`${items.length} renewals\n`);
        }),
    );

  renewals
    .command('record <subscription>')
    .description('record how a renewal ended: renewed, downgraded or churned')
    .requiredOption('--outcome <outcome>', `one of ${OUTCOMES.join(', ')}`)
    .option(
      '--arr <amount>',
      'the ARR it renewed at, in the subscription’s currency (e.g. 12600.00)',
    )
    .option('--term <months>', 'months in the new term (default: the one ending)')
    .option('--reason <reason>', `churn reason: ${CHURN_REASONS.join(', ')}`)
    .option('--note <text>', 'a note for the timeline')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  tenure renewals record sub_01H… --outcome renewed --arr 12600\n  tenure renewals record sub_01H… --outcome churned --reason competition',
    )
    .action(
      async (
        id: string,
        o: {
          outcome: string;
          arr?: string;
          term?: string;
          reason?: string;
          note?: string;
          json?: boolean;
        },
      ) =>
        withCtx(async (ctx) => {
          if (!(OUTCOMES as readonly string[]).includes(o.outcome))
            throw invalid('--outcome', `one of ${OUTCOMES.join(', ')}`);
          if (o.reason !== undefined && !(CHURN_REASONS as readonly string[]).includes(o.reason))
            throw invalid('--reason', `one of ${CHURN_REASONS.join(', ')}`);
          const sub = await ctx.db
            .selectFrom('subscriptions')
            .select('currency')
            .where('id', '=', id)
            .executeTakeFirst();
          if (!sub) throw new AppError('not_found', `no subscription ${id}`);
          let arrMinor: number | undefined;
          if (o.arr !== undefined) {
            const parsed = parseAmountToMinor(o.arr, sub.currency);
            if (parsed === null) throw invalid('--arr', `an amount such as 12600.00, not ${o.arr}`);
            arrMinor = parsed;
          }
          if (o.term !== undefined && !/^\d+$/.test(o.term))
            throw invalid('--term', 'a whole number of months');
          const r = await recordOutcome(ctx, id, {
            outcome: o.outcome as RenewalOutcome,
            arrMinor,
            termMonths: o.term === undefined ? undefined : Number(o.term),
            churnReason: o.reason as ChurnReason | undefined,
            note: o.note,
          });
          if (o.json) return printJson(r);
          process.stdout.write(
            `Renewal of ${r.renewalDate} ${r.outcome}: ARR ${money(r.arrBeforeMinor, r.currency)} → ${money(r.arrAfterMinor, r.currency)}.\n`,
          );
        }),
    );

  renewals
    .command('refresh')
    .description('work out every account’s renewal bucket and expansion signals now')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) =>
      withCtx(async (ctx) => {
        const r = await refreshSignals(ctx);
        if (o.json) return printJson(r);
        process.stdout.write(`Worked out ${r.accounts} accounts.\n`);
      }),
    );

  renewals
    .command('remind')
    .description('send the renewal reminders due now (the renewals.remind job runs hourly)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) =>
      withCtx(async (ctx) => {
        const r = await runRenewalReminders(ctx);
        if (o.json) return printJson(r);
        process.stdout.write(
          `${r.sent} reminders queued (${r.emails} emails), ${r.superseded} passed over.\n`,
        );
      }),
    );

  program
    .command('forecast')
    .description(
      'the renewal forecast: ARR up, expected (ARR × bucket probability), at risk, best and worst case',
    )
    .option('--quarter <quarter>', 'e.g. 2027Q1 (default: this quarter)')
    .option('--json', 'print JSON')
    .action(async (o: { quarter?: string; json?: boolean }) =>
      withCtx(async (ctx) => {
        const f = await forecast(ctx, { quarter: o.quarter });
        if (o.json) return printJson(f);
        process.stdout.write(
          `Forecast ${f.period.label} (${f.period.from} to ${f.period.to}), as of ${f.asOf}\n\n`,
        );
        if (f.currencies.length === 0) process.stdout.write('No renewals in this period.\n');
        for (const c of f.currencies) {
          const m = (x: number) => money(x, c.currency);
          printTable(
            [
              { measure: 'ARR up for renewal (open)', value: m(c.upMinor), renewals: c.open },
              { measure: 'Expected', value: m(c.expectedMinor), renewals: '' },
              { measure: 'At risk', value: m(c.atRiskMinor), renewals: '' },
              { measure: 'Best case', value: m(c.bestMinor), renewals: '' },
              { measure: 'Worst case', value: m(c.worstMinor), renewals: '' },
              {
                measure: 'Closed: renewed',
                value: m(c.closed.renewedMinor),
                renewals: c.closed.renewals,
              },
              { measure: 'Closed: churned', value: m(c.closed.churnedMinor), renewals: '' },
              { measure: 'Outlook', value: m(c.outlookMinor), renewals: '' },
            ],
            ['measure', 'value', 'renewals'],
          );
          process.stdout.write('\n');
        }
        printTable(
          f.probabilities.map((p) => ({
            bucket: BUCKET_LABELS[p.bucket],
            probability: `${(p.bp / 100).toFixed(1)}%`,
            configured: `${(p.configuredBp / 100).toFixed(1)}%`,
            outcomes: `${p.renewed}/${p.total}`,
            source: p.source,
          })),
          ['bucket', 'probability', 'configured', 'outcomes', 'source'],
        );
      }),
    );

  program
    .command('quote <account>')
    .description('draft a renewal quote from the account’s next renewing subscription')
    .option('--uplift <percent>', 'price rise in percent, e.g. 5', '0')
    .option('--seats <n>', 'seats for the new term (default: today’s)')
    .option('--term <months>', 'months in the new term', '12')
    .option('--discount <percent>', 'discount on the subtotal in percent', '0')
    .option('--subscription <id>', 'which subscription, when the account has several')
    .option('--notes <text>', 'notes printed on the order form')
    .option('--pdf <file>', 'write the order form as PDF')
    .option('--html <file>', 'write the order form as HTML')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  tenure quote "Acme Corp" --uplift 5 --pdf acme-renewal.pdf',
    )
    .action(
      async (
        ref: string,
        o: {
          uplift: string;
          seats?: string;
          term: string;
          discount: string;
          subscription?: string;
          notes?: string;
          pdf?: string;
          html?: string;
          json?: boolean;
        },
      ) =>
        withCtx(async (ctx) => {
          const account = await accountByRefOrName(ctx, ref);
          let subscriptionId = o.subscription;
          if (!subscriptionId) {
            const next = (await pipeline(ctx, { accountId: account.id, days: 730, limit: 1 }))
              .items[0];
            if (!next)
              throw invalid(
                'account',
                `${account.name} has no live subscription with a renewal date`,
              );
            subscriptionId = next.subscriptionId;
          }
          const whole = (text: string | undefined, option: string) => {
            if (text === undefined) return undefined;
            if (!/^\d+$/.test(text)) throw invalid(option, `a whole number, not ${text}`);
            return Number(text);
          };
          const q = await createQuote(ctx, {
            subscriptionId,
            upliftBp: percentToBp(o.uplift, '--uplift'),
            discountBp: percentToBp(o.discount, '--discount'),
            seats: whole(o.seats, '--seats'),
            termMonths: whole(o.term, '--term'),
            notes: o.notes ?? null,
          });
          const doc = await quoteDocument(ctx, q.id);
          if (o.pdf) writeFileSync(o.pdf, await renderQuotePdf(doc));
          if (o.html) writeFileSync(o.html, renderQuoteHtml(doc));
          if (o.json) return printJson(q);
          process.stdout.write(
            `${q.number} for ${account.name}: ${money(q.totals.totalMinor, q.currency)} for ${q.termMonths} months ` +
              `(${money(q.totals.monthlyMinor, q.currency)} a month), ${q.termStart} to ${q.termEnd}; draft.\n` +
              (o.pdf ? `Wrote ${o.pdf}.\n` : '') +
              (o.html ? `Wrote ${o.html}.\n` : ''),
          );
        }),
    );
};
