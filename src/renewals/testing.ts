import { createAccount } from '../accounts/account/service.js';
import { createSubscription } from '../accounts/subscription/service.js';
import { addDays, addMonths } from '../core/clock.js';
import type { TestDb } from '../db/testing.js';
import { ensurePresetModels } from '../health/models/service.js';
import { createUser } from '../identity/service.js';
import { testCtx } from '../testing/ctx.js';

export const TODAY = '2027-01-10';

/**
 * A small book for renewal tests: an owner, and accounts whose subscriptions renew at
 * chosen distances from TODAY (negative: overdue), each a year long.
 */
export async function renewalBook(
  db: TestDb,
  subs: { name: string; days: number; mrrMinor: number; currency?: string; seats?: number }[],
) {
  const ctx = testCtx(db, `${TODAY}T09:00:00.000Z`);
  const owner = await createUser(ctx, { email: 'ana@example.com', name: 'Ana', role: 'csm' });
  const out: { accountId: string; subscriptionId: string; renewalDate: string; name: string }[] =
    [];
  for (const s of subs) {
    const account = await createAccount(ctx, { name: s.name, ownerId: owner.id });
    const renewalDate = addDays(TODAY, s.days);
    const sub = await createSubscription(ctx, {
      accountId: account.id,
      plan: 'Business',
      mrrMinor: s.mrrMinor,
      currency: s.currency ?? 'USD',
      seats: s.seats ?? 10,
      startDate: addMonths(renewalDate, -12) < TODAY ? addMonths(renewalDate, -12) : TODAY,
      endDate: renewalDate,
      billingFrequency: 'annual',
    });
    out.push({ accountId: account.id, subscriptionId: sub.id, renewalDate, name: s.name });
  }
  return { ctx, owner, subs: out };
}

/** Put an account in a health tier by writing its latest snapshot (the default model). */
export async function setTier(
  db: TestDb,
  accountId: string,
  tier: 'Green' | 'Yellow' | 'Red',
  day = TODAY,
) {
  await ensurePresetModels(testCtx(db));
  const model = await db.db
    .selectFrom('health_models')
    .select(['id', 'key', 'version', 'definition'])
    .orderBy('key')
    .executeTakeFirstOrThrow();
  const names = (JSON.parse(model.definition) as { tiers: { name: string }[] }).tiers.map(
    (t) => t.name,
  );
  const name = tier === 'Green' ? names[0]! : tier === 'Red' ? names[names.length - 1]! : names[1]!;
  await db.db
    .insertInto('health_snapshots')
    .values({
      account_id: accountId,
      day,
      model_id: model.id,
      model_key: model.key,
      model_version: model.version,
      composite_tenths: tier === 'Green' ? 850 : tier === 'Red' ? 300 : 650,
      tier: name,
      coverage: 1,
      detail: '{}',
      computed_at: `${day}T00:05:00.000Z`,
    })
    .execute();
}
