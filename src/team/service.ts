import { toIsoDate, addDays } from '../core/clock.js';
import type { Ctx } from '../core/context.js';
import { listModels } from '../health/models/service.js';
import type { Subject } from '../identity/permissions.js';
import { ownerFilter, scopeFor, type Scope } from '../portfolio/model.js';
import { OPEN_STATUSES } from '../tasks/model.js';

/**
 * The team view (D5): per CSM, their book (accounts, ARR, ARR at risk) and their work (tasks
 * open, overdue and done in the last 30 days; plays running). Set-based: four grouped
 * queries whatever the size of the team.
 *
 * At risk: an account whose latest health is in the lowest tier of its model, or whose stage
 * is at_risk.
 */

export interface TeamRow {
  user: { id: string; name: string; email: string; role: string } | null;
  accounts: number;
  arrMinor: number;
  atRiskAccounts: number;
  atRiskArrMinor: number;
  tasksOpen: number;
  tasksOverdue: number;
  tasksDone30d: number;
  playsRunning: number;
}

export async function teamView(
  ctx: Ctx,
  input: { scope?: Scope },
  viewer: Subject | null,
): Promise<{ scope: Scope; rows: TeamRow[]; currencyNote: string }> {
  ctx.can('read', 'account');
  ctx.can('read', 'task');
  // A manager's team by default (the portfolio shows them everyone); a CSM's own row.
  const scope = scopeFor(input.scope ?? (viewer?.role === 'manager' ? 'team' : undefined), viewer);
  const f = ownerFilter(scope, viewer);
  const today = toIsoDate(ctx.now());
  const lowest = [
    ...new Set(
      (await listModels(ctx)).flatMap((m) => {
        const tiers = m.def.tiers;
        return tiers.length ? [tiers[tiers.length - 1]!.name] : [];
      }),
    ),
  ];
  let acc = ctx.db
    .selectFrom('accounts as a')
    .leftJoin('health_snapshots as s', (j) =>
      j.onRef('s.account_id', '=', 'a.id').on((eb) =>
        eb(
          's.day',
          '=',
          eb
            .selectFrom('health_snapshots as x')
            .select((x) => x.fn.max('x.day').as('d'))
            .whereRef('x.account_id', '=', 'a.id'),
        ),
      ),
    )
    .select((eb) => {
      const risky = eb.or([
        eb('a.stage', '=', 'at_risk'),
        ...(lowest.length ? [eb('s.tier', 'in', lowest)] : []),
      ]);
      return [
        'a.owner_id',
        eb.fn.countAll<number>().as('n'),
        eb.fn.sum<number>('a.mrr_minor').as('mrr'),
        eb.fn.sum<number>(eb.case().when(risky).then(1).else(0).end()).as('risk_n'),
        eb.fn
          .sum<number>(eb.case().when(risky).then(eb.ref('a.mrr_minor')).else(0).end())
          .as('risk_mrr'),
      ];
    })
    .where('a.archived_at', 'is', null)
    .groupBy('a.owner_id');
  if (f.kind === 'owners') acc = acc.where('a.owner_id', 'in', [...f.ids]);

  let tasks = ctx.db
    .selectFrom('tasks as t')
    .select((eb) => [
      't.assignee_id',
      eb.fn
        .sum<number>(
          eb
            .case()
            .when('t.status', 'in', [...OPEN_STATUSES])
            .then(1)
            .else(0)
            .end(),
        )
        .as('open'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb('t.status', 'in', [...OPEN_STATUSES]), eb('t.due_on', '<', today)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('overdue'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(
              eb.and([
                eb('t.status', '=', 'done'),
                eb('t.completed_at', '>=', `${addDays(today, -30)}T00:00:00.000Z`),
              ]),
            )
            .then(1)
            .else(0)
            .end(),
        )
        .as('done'),
    ])
    .groupBy('t.assignee_id');
  if (f.kind === 'owners') tasks = tasks.where('t.assignee_id', 'in', [...f.ids]);

  let plays = ctx.db
    .selectFrom('playbook_runs as r')
    .innerJoin('accounts as a', 'a.id', 'r.account_id')
    .select((eb) => ['a.owner_id', eb.fn.countAll<number>().as('n')])
    .where('r.status', '=', 'running')
    .groupBy('a.owner_id');
  if (f.kind === 'owners') plays = plays.where('a.owner_id', 'in', [...f.ids]);

  let users = ctx.db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role'])
    .where('archived_at', 'is', null);
  if (f.kind === 'owners') users = users.where('id', 'in', [...f.ids]);
  else users = users.where('role', 'in', ['csm', 'manager']);

  const [accRows, taskRows, playRows, userRows] = await Promise.all([
    acc.execute(),
    tasks.execute(),
    plays.execute(),
    users.execute(),
  ]);
  const rows = new Map<string | null, TeamRow>();
  const row = (id: string | null): TeamRow => {
    let r = rows.get(id);
    if (!r) {
      const u = userRows.find((x) => x.id === id);
      r = {
        user: u ? { id: u.id, name: u.name, email: u.email, role: u.role } : null,
        accounts: 0,
        arrMinor: 0,
        atRiskAccounts: 0,
        atRiskArrMinor: 0,
        tasksOpen: 0,
        tasksOverdue: 0,
        tasksDone30d: 0,
        playsRunning: 0,
      };
      rows.set(id, r);
    }
    return r;
  };
  for (const u of userRows) row(u.id);
  for (const a of accRows) {
    const r = row(a.owner_id);
    r.accounts = Number(a.n);
    r.arrMinor = Number(a.mrr ?? 0) * 12;
    r.atRiskAccounts = Number(a.risk_n ?? 0);
    r.atRiskArrMinor = Number(a.risk_mrr ?? 0) * 12;
  }
  for (const t of taskRows) {
    const r = row(t.assignee_id);
    r.tasksOpen = Number(t.open ?? 0);
    r.tasksOverdue = Number(t.overdue ?? 0);
    r.tasksDone30d = Number(t.done ?? 0);
  }
  for (const p of playRows) row(p.owner_id).playsRunning = Number(p.n);
  const out = [...rows.values()].sort(
    (a, b) =>
      b.atRiskArrMinor - a.atRiskArrMinor ||
      (a.user?.name ?? '~').localeCompare(b.user?.name ?? '~'),
  );
  return {
    scope,
    rows: out,
    currencyNote: 'ARR sums minor units across accounts; mixed currencies are added as they are',
  };
}
