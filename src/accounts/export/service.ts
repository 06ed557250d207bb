import type { Ctx } from '../../core/context.js';
import { mapped } from '../../db/errors.js';
import { formatMinor } from '../../core/money.js';
import { listUsers } from '../../identity/service.js';
import { listAccounts } from '../account/service.js';
import type { Account, Stage } from '../account/model.js';
import { listContacts } from '../contact/service.js';
import type { Contact } from '../contact/model.js';
import { listSubscriptions } from '../subscription/service.js';
import type { Subscription, SubscriptionStatus } from '../subscription/model.js';
import type { BookKind } from '../importer/fields.js';
import { BOM, csvLine, label, traitHeader, type ExportValue } from './format.js';
import * as store from './store.js';

/**
 * CSV exports of the book, streamed page by page: RFC 4180, UTF-8 with a BOM and CRLF so
 * Excel and Google Sheets open them as they are, and headers the importer maps back to the
 * same fields, so an export re-imports into the same records.
 */

const PAGE = 500;

export interface AccountExportFilter {
  owner?: string;
  segment?: string;
  stage?: Stage;
  q?: string;
  includeArchived?: boolean;
}

export interface ContactExportFilter {
  accountId?: string;
  /** Contacts who left are exported unless this is false. */
  includeLeft?: boolean;
}

export interface SubscriptionExportFilter {
  accountId?: string;
  status?: SubscriptionStatus;
}

const ACCOUNT_COLUMNS = [
  'id',
  'name',
  'domain',
  'crmId',
  'billingId',
  'parentId',
  'parentCrmId',
  'segment',
  'stage',
  'owner',
  'industry',
  'region',
  'currency',
  'mrr',
  'arr',
  'renewalDate',
  'churnedOn',
  'churnReason',
  'churnNote',
  'archived',
] as const;

type Pager<T> = (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>;

async function* pages<T>(
  first: { items: T[]; nextCursor: string | null },
  next: Pager<T>,
): AsyncGenerator<T[]> {
  let page = first;
  for (;;) {
    yield page.items;
    if (!page.nextCursor) return;
    page = await next(page.nextCursor);
  }
}

/**
 * Accounts matching the list filters. Filters are checked (and trait columns gathered)
 * before the first byte, so a bad filter is a 400, not a broken download.
 */
export async function exportAccounts(
  ctx: Ctx,
  f: AccountExportFilter = {},
): Promise<AsyncGenerator<string>> {
  ctx.can('read', 'account');
  const next: Pager<Account> = (cursor) =>
    listAccounts(ctx, {
      limit: PAGE,
      sort: 'name',
      owner: f.owner,
      segment: f.segment,
      stage: f.stage,
      q: f.q,
      includeArchived: f.includeArchived,
      cursor,
    });
  const first = await next(undefined);
  const traitKeys = new Set<string>();
  for await (const items of pages(first, next))
    for (const a of items) for (const k of Object.keys(a.traits)) traitKeys.add(k);
  const traits = [...traitKeys].sort();
  const emails = new Map((await listUsers(ctx)).map((u) => [u.id, u.email]));
  const money = (minor: number, currency: string) => formatMinor(minor, currency);
  // The parent by Tenure id and by CRM id, so a re-import finds it in either book.
  const row = (a: Account, parents: Map<string, { crm_id: string | null }>): ExportValue[] => [
    a.id,
    a.name,
    a.domain,
    a.crmId,
    a.billingId,
    a.parentId,
    a.parentId ? parents.get(a.parentId)?.crm_id : null,
    a.segment,
    a.stage,
    a.ownerId ? (emails.get(a.ownerId) ?? a.ownerId) : null,
    a.industry,
    a.region,
    a.currency,
    money(a.mrrMinor, a.currency),
    money(a.arrMinor, a.currency),
    a.renewalDate,
    a.churnedOn,
    a.churnReason,
    a.churnNote,
    a.archivedAt !== null,
    ...traits.map((k) => a.traits[k] as ExportValue),
  ];
  return (async function* lines() {
    yield (
      BOM +
      csvLine([...ACCOUNT_COLUMNS.map((k) => label('accounts', k)), ...traits.map(traitHeader)])
    );
    for await (const items of pages(await next(undefined), next)) {
      const parentIds = items.flatMap((a) => (a.parentId ? [a.parentId] : []));
      const parents = await mapped(() => store.accountRefs(ctx.db, parentIds));
      yield items.map((a) => csvLine(row(a, parents))).join('');
    }
  })();
}

const CONTACT_COLUMNS = [
  'id',
  'externalId',
  'accountId',
  'accountCrmId',
  'accountBillingId',
  'accountName',
  'name',
  'email',
  'title',
  'phone',
  'champion',
  'economicBuyer',
  'executiveSponsor',
  'technicalLead',
  'powerUser',
  'detractor',
  'lastSeenAt',
  'latestNps',
  'leftOn',
  'leftReason',
] as const;

type AccountRef = { id: string; name: string; crm_id: string | null; billing_id: string | null };

/**
 * Lines of a CSV of records that belong to an account (contacts, subscriptions): each page
 * looks up its accounts' ids and name in one query so the file names the account the way
 * the importer reads it back.
 */
async function* linesWithAccount<T extends { accountId: string }>(
  ctx: Ctx,
  header: string,
  first: { items: T[]; nextCursor: string | null },
  next: Pager<T>,
  cells: (item: T, account: AccountRef | undefined) => ExportValue[],
): AsyncGenerator<string> {
  yield BOM + header;
  for await (const items of pages(first, next)) {
    const accounts = await mapped(() =>
      store.accountRefs(
        ctx.db,
        items.map((i) => i.accountId),
      ),
    );
    yield items.map((i) => csvLine(cells(i, accounts.get(i.accountId)))).join('');
  }
}

export async function exportContacts(
  ctx: Ctx,
  f: ContactExportFilter = {},
): Promise<AsyncGenerator<string>> {
  ctx.can('read', 'account');
  const next: Pager<Contact> = (cursor) =>
    listContacts(ctx, {
      limit: PAGE,
      accountId: f.accountId,
      includeLeft: f.includeLeft ?? true,
      cursor,
    });
  const first = await next(undefined);
  const has = (c: Contact, r: Contact['roles'][number]) => c.roles.includes(r);
  return linesWithAccount(
    ctx,
    csvLine(CONTACT_COLUMNS.map((k) => label('contacts', k))),
    first,
    next,
    (c, a) => [
      c.id,
      c.externalId,
      c.accountId,
      a?.crm_id,
      a?.billing_id,
      a?.name,
      c.name,
      c.email,
      c.title,
      c.phone,
      has(c, 'champion'),
      has(c, 'economic_buyer'),
      has(c, 'executive_sponsor'),
      has(c, 'technical_lead'),
      has(c, 'power_user'),
      has(c, 'detractor'),
      c.lastSeenAt,
      c.latestNps,
      c.leftOn,
      c.leftReason,
    ],
  );
}

const SUBSCRIPTION_COLUMNS = [
  'id',
  'externalId',
  'accountId',
  'accountCrmId',
  'accountBillingId',
  'accountName',
  'plan',
  'product',
  'seats',
  'mrr',
  'currency',
  'billingFrequency',
  'startDate',
  'endDate',
  'autoRenew',
  'status',
  'canceledOn',
] as const;

export async function exportSubscriptions(
  ctx: Ctx,
  f: SubscriptionExportFilter = {},
): Promise<AsyncGenerator<string>> {
  ctx.can('read', 'account');
  const next: Pager<Subscription> = (cursor) =>
    listSubscriptions(ctx, { limit: PAGE, accountId: f.accountId, status: f.status, cursor });
  const first = await next(undefined);
  return linesWithAccount(
    ctx,
    csvLine(SUBSCRIPTION_COLUMNS.map((k) => label('subscriptions', k))),
    first,
    next,
    (s, a) => [
      s.id,
      s.externalId,
      s.accountId,
      a?.crm_id,
      a?.billing_id,
      a?.name,
      s.plan,
      s.product,
      s.seats,
      formatMinor(s.mrrMinor, s.currency),
      s.currency,
      s.billingFrequency,
      s.startDate,
      s.endDate,
      s.autoRenew,
      s.status,
      s.canceledOn,
    ],
  );
}

export type ExportFilter = AccountExportFilter & ContactExportFilter & SubscriptionExportFilter;

export async function exportCsv(
  ctx: Ctx,
  kind: BookKind,
  f: ExportFilter = {},
): Promise<AsyncGenerator<string>> {
  if (kind === 'accounts') return exportAccounts(ctx, f);
  if (kind === 'contacts') return exportContacts(ctx, f);
  return exportSubscriptions(ctx, f);
}
