import { recordAudit } from '../audit/record.js';
import { addDays, toIsoDate } from '../core/clock.js';
import { actorLabel, type Ctx } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import {
  RuleDefSchema,
  firedKey,
  matches,
  scheduleCause,
  toFire,
  type Cause,
  type Facts,
  type RuleDef,
  type RuleInput,
} from './model.js';
import { act } from './actions.js';
import * as store from './store.js';

export interface Rule {
  key: string;
  name: string;
  version: number;
  active: boolean;
  activeSince: string | null;
  definition: RuleDef;
  updatedAt: string;
}

export interface Firing {
  id: string;
  ruleKey: string;
  ruleVersion: number;
  accountId: string;
  causeKey: string;
  reason: string;
  outcome: string[];
  firedAt: string;
}

const view = (r: store.RuleRow): Rule => ({
  key: r.key,
  name: r.name,
  version: r.version,
  active: r.active === 1,
  activeSince: r.active_since,
  definition: JSON.parse(r.definition) as RuleDef,
  updatedAt: r.updated_at,
});

const firingView = (r: store.FiringRow): Firing => ({
  id: r.id,
  ruleKey: r.rule_key,
  ruleVersion: r.rule_version,
  accountId: r.account_id,
  causeKey: r.cause_key,
  reason: r.reason,
  outcome: JSON.parse(r.outcome) as string[],
  firedAt: r.fired_at,
});

/** Check a rule; every problem at its path. */
export function parseRule(input: unknown): RuleDef {
  const r = RuleDefSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new AppError('validation', `${issues[0]!.path || 'rule'}: ${issues[0]!.message}`, {
    issues,
  });
}

export async function listRules(ctx: Ctx): Promise<Rule[]> {
  ctx.can('read', 'rule');
  return (await store.ruleRows(ctx.db)).map(view);
}

export async function getRule(
  ctx: Ctx,
  key: string,
): Promise<
  Rule & {
    versions: { version: number; note: string | null; createdBy: string; createdAt: string }[];
  }
> {
  ctx.can('read', 'rule');
  const row = await store.ruleByKey(ctx.db, key);
  if (!row) throw notFound('rule', key);
  const versions = await store.versionsOf(ctx.db, key);
  return {
    ...view(row),
    versions: versions.map((v) => ({
      version: v.version,
      note: v.note,
      createdBy: v.created_by,
      createdAt: v.created_at,
    })),
  };
}

/** Add a rule (switched off) or save a changed definition as its next version. */
export async function saveRule(ctx: Ctx, input: RuleInput, note?: string): Promise<Rule> {
  ctx.can('write', 'rule');
  const def = parseRule(input);
  const text = JSON.stringify(def);
  const now = ctx.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await store.ruleByKey(trx, def.key);
    if (before && before.definition === text) return;
    const version = (before?.version ?? 0) + 1;
    if (!before)
      await trx
        .insertInto('rules')
        .values({
          key: def.key,
          name: def.name,
          version,
          definition: text,
          active: 0,
          active_since: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    else
      await trx
        .updateTable('rules')
        .set({ name: def.name, version, definition: text, updated_at: now })
        .where('key', '=', def.key)
        .execute();
    await trx
      .insertInto('rule_versions')
      .values({
        key: def.key,
        version,
        definition: text,
        note: note ?? null,
        created_by: actorLabel(ctx.actor),
        created_at: now,
      })
      .execute();
    await recordAudit(ctx, trx, {
      entity: 'rule',
      entityId: def.key,
      action: before ? 'update' : 'create',
      changes: { version: [before?.version ?? null, version] },
    });
  });
  return view((await store.ruleByKey(ctx.db, def.key))!);
}

/** Switch a rule on (it fires for causes from now on, never for history) or off. */
export async function setRuleActive(ctx: Ctx, key: string, active: boolean): Promise<Rule> {
  ctx.can('write', 'rule');
  await ctx.db.transaction().execute(async (trx) => {
    const before = await store.ruleByKey(trx, key);
    if (!before) throw notFound('rule', key);
    if ((before.active === 1) === active) return;
    const now = ctx.now().toISOString();
    await trx
      .updateTable('rules')
      .set({
        active: active ? 1 : 0,
        active_since: active ? now : before.active_since,
        updated_at: now,
      })
      .where('key', '=', key)
      .execute();
    await recordAudit(ctx, trx, {
      entity: 'rule',
      entityId: key,
      action: active ? 'activate' : 'deactivate',
    });
  });
  return view((await store.ruleByKey(ctx.db, key))!);
}

/**
 * The accounts a rule would act on now, before it is switched on: accounts whose state
 * matches the trigger today (an open alert of its kind, the stage, the event in the last
 * week, or anyone for a schedule) and whose fields meet the conditions.
 */
export async function previewRule(
  ctx: Ctx,
  input: RuleInput,
): Promise<{ accounts: { id: string; name: string; reason: string }[]; total: number }> {
  ctx.can('read', 'rule');
  const def = parseRule(input);
  const today = toIsoDate(ctx.now());
  const facts = await store.accountFacts(ctx.db, today);
  let ids: Map<string, string>;
  const t = def.when;
  if (t.type === 'schedule') ids = new Map([...facts.keys()].map((id) => [id, 'on the schedule']));
  else if (t.type === 'stage_changed')
    ids = new Map(
      [...facts.values()]
        .filter((f) => f.stage === t.to)
        .map((f) => [f.accountId, `in stage ${t.to}`]),
    );
  else {
    const since = t.type === 'event' || t.type === 'field_changed' ? addDays(today, -7) : '0000';
    let causes = await store.causesSince(ctx.db, t, since);
    if (t.type === 'alert') {
      const open = new Set(
        (
          await ctx.db
            .selectFrom('health_alerts')
            .select('id')
            .where('status', '!=', 'resolved')
            .execute()
        ).map((r) => `alert:${r.id}`),
      );
      causes = causes.filter((c) => open.has(c.key));
    }
    ids = new Map(causes.map((c) => [c.accountId, c.reason]));
  }
  const hits = [...ids].filter(([id]) => facts.has(id) && matches(facts.get(id)!, def.conditions));
  const names = new Map(
    hits.length === 0
      ? []
      : (
          await ctx.db
            .selectFrom('accounts')
            .select(['id', 'name'])
            .where(
              'id',
              'in',
              hits.slice(0, 200).map(([id]) => id),
            )
            .execute()
        ).map((r) => [r.id, r.name]),
  );
  return {
    total: hits.length,
    accounts: hits.slice(0, 200).map(([id, reason]) => ({ id, name: names.get(id) ?? id, reason })),
  };
}

/** The causes an active rule fires on now. */
async function causesFor(
  ctx: Ctx,
  def: RuleDef,
  since: string,
  facts: Map<string, Facts>,
): Promise<Cause[]> {
  if (def.when.type === 'schedule') {
    // One period for everyone today: name it once, not per account.
    const { key, reason } = scheduleCause('', def.when.once, toIsoDate(ctx.now()));
    return [...facts.keys()].map((accountId) => ({ accountId, key, reason }));
  }
  return store.causesSince(ctx.db, def.when, since);
}

export interface EvaluationResult {
  rules: number;
  fired: { rule: string; accountId: string; cause: string }[];
}

export interface Plan {
  rule: store.RuleRow;
  def: RuleDef;
  due: Cause[];
}

/**
 * What an evaluation would fire, without firing: every active rule (or one) against the
 * whole book, loaded once (accounts and their latest health) and shared by all rules.
 */
export async function planRules(ctx: Ctx, only?: string): Promise<Plan[]> {
  const rules = (await store.ruleRows(ctx.db)).filter(
    (r) => r.active === 1 && (!only || r.key === only),
  );
  if (rules.length === 0) return [];
  const facts = await store.accountFacts(ctx.db, toIsoDate(ctx.now()));
  const out: Plan[] = [];
  for (const r of rules) {
    const def = JSON.parse(r.definition) as RuleDef;
    const causes = await causesFor(ctx, def, r.active_since ?? r.updated_at, facts);
    out.push({
      rule: r,
      def,
      due: toFire(def.conditions, causes, facts, await store.firedSet(ctx.db, r.key)),
    });
  }
  return out;
}

/** Evaluate every active rule (or one) and fire each new (account, cause) once. */
export async function evaluateRules(ctx: Ctx, only?: string): Promise<EvaluationResult> {
  const plans = await planRules(ctx, only);
  const out: EvaluationResult = { rules: plans.length, fired: [] };
  for (const p of plans)
    for (const c of p.due)
      if (await fire(ctx, p.rule, p.def, c))
        out.fired.push({ rule: p.rule.key, accountId: c.accountId, cause: c.key });
  return out;
}

/**
 * One firing in one transaction: the unique (rule, account, cause) row first — a second
 * evaluation, here or in another process, stops there — then every action; if an action
 * fails, the firing and everything it did roll back and the next evaluation tries again.
 */
async function fire(ctx: Ctx, rule: store.RuleRow, def: RuleDef, cause: Cause): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const id = newId('fir', ctx.now().getTime());
    const claimed = await store.insertFiring(trx, {
      id,
      rule_key: rule.key,
      rule_version: rule.version,
      account_id: cause.accountId,
      cause_key: cause.key,
      reason: cause.reason,
      outcome: '[]',
      fired_at: ctx.now().toISOString(),
    });
    if (!claimed) return false;
    const outcome: string[] = [];
    for (const [i, a] of def.then.entries())
      outcome.push(
        await act(ctx, trx, a, {
          rule,
          def,
          cause,
          dedupe: `rule:${rule.key}:${cause.accountId}:${cause.key}:${i}`,
        }),
      );
    await store.setOutcome(trx, id, JSON.stringify(outcome));
    return true;
  });
}

export async function listFirings(
  ctx: Ctx,
  f: { ruleKey?: string; accountId?: string; limit?: number },
): Promise<Firing[]> {
  ctx.can('read', 'rule');
  return (await store.firingRows(ctx.db, f, f.limit ?? 100)).map(firingView);
}

export { firedKey };
