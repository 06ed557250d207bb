import type { Command } from 'commander';
import { z } from 'zod';
import { formatMinor } from '../core/money.js';
import { AppError } from '../core/errors.js';
import { findAccountByRef, listAccounts } from '../accounts/account/service.js';
import { AccountListQuery, ACCOUNT_SORTS } from '../accounts/account/schemas.js';
import { listContacts } from '../accounts/contact/service.js';
import { listSubscriptions } from '../accounts/subscription/service.js';
import { listTimeline } from '../accounts/timeline/service.js';
import { listUsers } from '../identity/service.js';
import { printJson, printTable, withCtx } from './shared.js';

interface ListOpts {
  limit?: string;
  owner?: string;
  segment?: string;
  stage?: string;
  q?: string;
  sort?: string;
  cursor?: string;
  includeArchived?: boolean;
  renewalBefore?: string;
  json?: boolean;
}

/** Validate CLI options with the API's own schema so both report the same errors. */
function parseListOpts(o: ListOpts) {
  const r = AccountListQuery.safeParse({
    limit: o.limit ?? '50',
    owner: o.owner,
    segment: o.segment,
    stage: o.stage,
    q: o.q,
    sort: o.sort ?? 'name',
    cursor: o.cursor,
    renewalBefore: o.renewalBefore,
    includeArchived: o.includeArchived ? 'true' : undefined,
  });
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new AppError('validation', `--${String(i.path[0] ?? 'option')}: ${i.message}`);
  }
  return r.data;
}

const money = (minor: number, currency: string) => `${formatMinor(minor, currency)} ${currency}`;

export function registerAccounts(program: Command): void {
  const accounts = program.command('accounts').description('read the account book');
  accounts
    .command('list')
    .description('list accounts with filters and sort')
    .option('--limit <n>', 'how many (1–500)', '50')
    .option('--owner <user>', 'owner user id or email, or "none"')
    .option('--segment <segment>', 'e.g. enterprise, mid_market, smb, self_serve')
    .option('--stage <stage>', 'prospect, onboarding, active, renewal, expanding, at_risk, churned')
    .option('--q <text>', 'search name, domain, CRM or billing id')
    .option('--renewal-before <date>', 'renewal date on or before YYYY-MM-DD')
    .option('--sort <sort>', `one of ${ACCOUNT_SORTS.join(', ')}`, 'name')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--include-archived', 'include archived accounts')
    .option('--json', 'print JSON ({ items, nextCursor })')
    .action(async (o: ListOpts) => {
      const q = parseListOpts(o);
      await withCtx(async (ctx) => {
        const page = await listAccounts(ctx, q);
        if (o.json) return printJson(page);
        const owners = new Map((await listUsers(ctx)).map((u) => [u.id, u.email]));
        printTable(
          page.items.map((a) => ({
            id: a.id,
            name: a.name,
            segment: a.segment,
            stage: a.stage,
            arr: money(a.arrMinor, a.currency),
            renewal: a.renewalDate,
            owner: a.ownerId ? (owners.get(a.ownerId) ?? a.ownerId) : '',
          })),
          ['id', 'name', 'segment', 'stage', 'arr', 'renewal', 'owner'],
        );
        if (page.nextCursor) process.stdout.write(`\nmore: --cursor ${page.nextCursor}\n`);
      });
    });
  accounts
    .command('show')
    .description('one account with its contacts, subscriptions and recent timeline')
    .argument('<account>', 'account id, CRM id or billing id')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      z.string().min(1).parse(ref);
      await withCtx(async (ctx) => {
        const account = await findAccountByRef(ctx, ref);
        const contacts = (
          await listContacts(ctx, { accountId: account.id, limit: 500, includeLeft: true })
        ).items;
        const subscriptions = (await listSubscriptions(ctx, { accountId: account.id, limit: 500 }))
          .items;
        const timeline = (await listTimeline(ctx, account.id, { limit: 10 })).items;
        if (o.json) return printJson({ account, contacts, subscriptions, timeline });
        const out = process.stdout;
        out.write(`${account.name}  (${account.id})\n`);
        out.write(
          `  stage ${account.stage} · segment ${account.segment} · owner ${account.ownerId ?? '—'}\n`,
        );
        out.write(
          `  ARR ${money(account.arrMinor, account.currency)} · renewal ${account.renewalDate ?? '—'}\n`,
        );
        out.write(
          `  CRM ${account.crmId ?? '—'} · billing ${account.billingId ?? '—'} · domain ${account.domain ?? '—'}\n`,
        );
        if (account.churnedOn)
          out.write(`  churned ${account.churnedOn} (${account.churnReason ?? 'no reason'})\n`);
        out.write(`\nContacts (${contacts.length})\n`);
        for (const c of contacts) {
          out.write(
            `  ${c.name}${c.title ? `, ${c.title}` : ''} ${c.roles.length ? `[${c.roles.join(', ')}]` : ''}${c.leftOn ? ` — left ${c.leftOn}` : ''}\n`,
          );
        }
        out.write(`\nSubscriptions (${subscriptions.length})\n`);
        for (const s of subscriptions) {
          out.write(
            `  ${s.plan} · ${s.status} · MRR ${money(s.mrrMinor, s.currency)} · ${s.startDate} → ${s.endDate ?? 'open'}\n`,
          );
        }
        out.write('\nRecent timeline\n');
        for (const t of timeline)
          out.write(`  ${t.occurredAt.slice(0, 10)}  ${t.kind.padEnd(20)} ${t.title}\n`);
      });
    });
}
