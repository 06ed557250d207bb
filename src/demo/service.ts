import { randomBytes } from 'node:crypto';
import { actorLabel, type Actor, type Ctx } from '../core/context.js';
import { toIsoDate } from '../core/clock.js';
import { AppError, invalid, isAppError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { inTx } from '../db/database.js';
import { createAccount, updateAccount } from '../accounts/account/service.js';
import { createContact, markContactLeft, updateContact } from '../accounts/contact/service.js';
import { createSubscription, updateSubscription } from '../accounts/subscription/service.js';
import { addActivity } from '../accounts/timeline/service.js';
import { createUser, listUsers } from '../identity/service.js';
import type { User } from '../identity/model.js';
import { writeOutcome } from '../renewals/outcomes.js';
import { putSetting } from '../settings/service.js';
import { ActivityWriter } from './activity.js';
import { demoEmail, type DemoUser } from './catalog.js';
import { HISTORY_MONTHS } from './layout.js';
import { buildPlan, slotDate, type AccountPlan } from './plan.js';
import { demoCounts, hasAccounts, type DemoCounts } from './store.js';
import type { PlanEvent } from './types.js';

export const DEFAULT_DEMO_SEED = 42;
export const DEFAULT_DEMO_ACCOUNTS = 2000;
/** Settings key of the demo manifest: what later features need to regenerate signals. */
export const DEMO_PLAN_KEY = 'demo.plan';

export type DemoPhase = 'accounts' | 'activity';

export interface DemoManifest {
  version: 1;
  seed: number;
  accounts: number;
  /** The demo's "today": month slot m of `demoSignals` is m months before this day. */
  today: string;
  historyMonths: number;
}

export interface DemoOptions {
  seed?: number;
  accounts?: number;
  /** Accounts written through the services, then accounts whose usage and tickets are in. */
  onProgress?: (done: number, total: number, phase: DemoPhase) => void;
  /** The demo users' password; a random one is made (and returned) when omitted. */
  password?: string;
}

export interface DemoSummary extends DemoCounts {
  seed: number;
  today: string;
  users: { name: string; email: string; role: string }[];
  /** Every demo user signs in with this password (null when the users already existed). */
  password: string | null;
}

/** Billing-driven changes are recorded as the billing system, not as a person. */
const BILLING: Actor = { kind: 'system', id: 'demo', name: 'demo billing sync' };

export async function hasAnyAccount(ctx: Ctx): Promise<boolean> {
  ctx.can('read', 'account');
  return hasAccounts(ctx.db);
}

function checkOptions(opts: DemoOptions): { seed: number; count: number } {
  const seed = opts.seed ?? DEFAULT_DEMO_SEED;
  const count = opts.accounts ?? DEFAULT_DEMO_ACCOUNTS;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 2_147_483_647) {
    throw invalid('seed', 'must be an integer from 0 to 2147483647');
  }
  if (!Number.isSafeInteger(count) || count < 1 || count > 100_000) {
    throw invalid('accounts', 'must be an integer from 1 to 100000');
  }
  return { seed, count };
}

/** A readable random password: four groups of five letters and digits (about 100 bits). */
export function demoPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

async function ensureUsers(base: Ctx, users: readonly DemoUser[], since: Date, password: string) {
  const existing = new Map((await listUsers(base)).map((u) => [u.email, u]));
  const out = new Map<string, { id: string; name: string; email: string; role: string }>();
  // Managers first, so the CSMs can be put on a manager's team.
  const ordered = [...users].sort((a, b) => Number(a.role === 'csm') - Number(b.role === 'csm'));
  let managerId: string | null = null;
  for (const u of ordered) {
    const email = demoEmail(u.name);
    const found: User =
      existing.get(email) ??
      (await createUser(
        { ...base, now: () => since },
        {
          email,
          name: u.name,
          role: u.role,
          password,
          managerId: u.role === 'csm' ? managerId : null,
        },
      ));
    if (found.role === 'manager') managerId ??= found.id;
    out.set(u.key, { id: found.id, name: found.name, email, role: found.role });
  }
  return out;
}

/**
 * Build the demo company into an empty database: every account, contact, subscription
 * change and activity goes through the same services the API uses, in one transaction,
 * each with a clock set to the simulated moment so history carries its real dates.
 */
export async function buildDemo(ctx: Ctx, opts: DemoOptions = {}): Promise<DemoSummary> {
  ctx.can('write', 'setting');
  const { seed, count } = checkOptions(opts);
  const today = toIsoDate(ctx.now());
  const plan = buildPlan(seed, count, today);
  return inTx(ctx.db, async (trx) => {
    const base: Ctx = { ...ctx, db: trx };
    if (await hasAccounts(trx)) {
      throw new AppError(
        'conflict',
        'the database already has accounts; the demo loads only into an empty database',
      );
    }
    const since = new Date(`${slotDate(today, HISTORY_MONTHS + 1, 0)}T09:00:00.000Z`);
    const password = opts.password ?? demoPassword();
    const users = await ensureUsers(base, plan.users, since, password);
    const ids: string[] = [];
    const written: Written[] = [];
    for (const [i, a] of plan.accounts.entries()) {
      const owner = users.get(a.ownerKey);
      if (!owner) throw new Error(`demo owner ${a.ownerKey} missing`);
      const csm: Actor = { kind: 'user', id: owner.id, name: owner.name };
      const w = await writeAccount(base, a, csm, ids);
      ids.push(w.accountId);
      written.push(w);
      opts.onProgress?.(i + 1, count, 'accounts');
      if (i % 25 === 24) await breathe();
    }
    // Usage, tickets and surveys in account-id order: the rollups' primary keys start with
    // the account id, so rows arrive in key order and the inserts append.
    written.sort((x, y) => (x.accountId < y.accountId ? -1 : 1));
    const activity = new ActivityWriter(trx, ctx.dialect, seed, today);
    for (const [i, w] of written.entries()) {
      await activity.add(w.plan, w.accountId, w.contacts);
      opts.onProgress?.(i + 1, count, 'activity');
      if (i % 25 === 24) await breathe();
    }
    await activity.finish(ctx.now());
    const manifest: DemoManifest = {
      version: 1,
      seed,
      accounts: count,
      today,
      historyMonths: HISTORY_MONTHS,
    };
    await putSetting(trx, DEMO_PLAN_KEY, manifest, ctx.now());
    return {
      seed,
      today,
      ...(await demoCounts(trx)),
      users: [...users.values()].map(({ name, email, role }) => ({ name, email, role })),
      password,
    };
  });
}

/** Load the default demo when the book is empty (first start); null when it was not. */
export async function loadDemoIfEmpty(
  ctx: Ctx,
  opts: DemoOptions = {},
): Promise<DemoSummary | null> {
  if (await hasAccounts(ctx.db)) return null;
  try {
    return await buildDemo(ctx, opts);
  } catch (err) {
    // Another process filled the book first (two servers starting at once).
    if (isAppError(err) && err.code === 'conflict' && (await hasAccounts(ctx.db))) return null;
    throw err;
  }
}

/** SQLite calls resolve as microtasks: let timers and signals run now and then. */
const breathe = () => new Promise((r) => setImmediate(r));

interface Written {
  plan: AccountPlan;
  accountId: string;
  /** Database id of each contact, by plan key. */
  contacts: Map<string, string>;
}

/** Write one account's plan through the services; returns its id and its contacts' ids. */
async function writeAccount(
  base: Ctx,
  a: AccountPlan,
  csm: Actor,
  ids: readonly string[],
): Promise<Written> {
  const f = a.firm;
  const contacts = new Map<string, string>();
  const subs = new Map<string, string>();
  let accountId = '';
  const ref = (m: Map<string, string>, key: string) => {
    const id = m.get(key);
    if (!id) throw new Error(`demo plan for ${f.crmId} refers to unknown ${key}`);
    return id;
  };
  for (const e of a.events as PlanEvent[]) {
    const when = new Date(e.at);
    const now = () => when;
    const person: Ctx = { ...base, actor: csm, now };
    const billing: Ctx = { ...base, actor: BILLING, now };
    switch (e.type) {
      case 'create_account': {
        const parentId = f.parentIndex === null ? null : (ids[f.parentIndex] ?? null);
        const acc = await createAccount(person, {
          name: f.name,
          domain: f.domain,
          crmId: f.crmId,
          billingId: f.billingId,
          segment: f.segment,
          industry: f.industry,
          region: f.region,
          ownerId: csm.id,
          parentId,
          stage: 'onboarding',
          traits: a.traits,
          currency: f.currency,
        });
        accountId = acc.id;
        break;
      }
      case 'add_contact': {
        const c = e.contact;
        const row = await createContact(person, {
          accountId,
          externalId: c.externalId,
          name: c.name,
          email: c.email,
          title: c.title,
          roles: c.roles,
        });
        contacts.set(c.key, row.id);
        break;
      }
      case 'contact_left':
        await markContactLeft(person, ref(contacts, e.contact), {
          leftOn: e.date,
          reason: e.reason,
        });
        break;
      case 'survey':
        await updateContact(person, ref(contacts, e.contact), {
          ...(e.lastSeenAt === null ? {} : { lastSeenAt: e.lastSeenAt }),
          ...(e.nps === null ? {} : { latestNps: e.nps }),
        });
        break;
      case 'sub_create': {
        const s = await createSubscription(
          billing,
          {
            accountId,
            externalId: e.externalId,
            plan: e.plan,
            product: e.product,
            seats: e.seats,
            mrrMinor: e.mrrMinor,
            billingFrequency: e.billing,
            startDate: e.date,
            endDate: e.endDate,
            autoRenew: e.autoRenew,
            status: 'active',
          },
          'demo',
        );
        subs.set(e.key, s.id);
        break;
      }
      case 'sub_update':
        await updateSubscription(
          billing,
          ref(subs, e.key),
          {
            plan: e.plan,
            seats: e.seats,
            mrrMinor: e.mrrMinor,
            ...(e.endDate ? { endDate: e.endDate } : {}),
            effectiveDate: e.date,
          },
          'demo',
        );
        break;
      case 'sub_cancel':
        await updateSubscription(
          billing,
          ref(subs, e.key),
          { status: 'canceled', canceledOn: e.date, autoRenew: false, effectiveDate: e.date },
          'demo',
        );
        break;
      case 'stage':
        await updateAccount(person, accountId, { stage: e.to, stageReason: e.reason });
        break;
      case 'churn_reason':
        await updateAccount(person, accountId, { churnReason: e.reason, churnNote: e.note });
        break;
      case 'clear_churn':
        await updateAccount(person, accountId, { churnReason: null, churnNote: null });
        break;
      case 'renewal_outcome':
        await writeOutcome(person, person.db, {
          id: newId('rno', when.getTime()),
          subscription_id: ref(subs, e.key),
          account_id: accountId,
          renewal_date: e.renewalDate,
          outcome: e.outcome,
          bucket: e.bucket,
          arr_before_minor: e.arrBeforeMinor,
          arr_after_minor: e.arrAfterMinor,
          currency: f.currency,
          churn_reason: e.churnReason,
          note: null,
          recorded_by: actorLabel(csm),
          recorded_at: e.at,
        });
        break;
      case 'activity':
        await addActivity(person, accountId, {
          kind: e.kind,
          title: e.title,
          body: e.body,
          occurredAt: e.at,
          contactId: e.contact ? ref(contacts, e.contact) : null,
        });
        break;
    }
  }
  return { plan: a, accountId, contacts };
}
