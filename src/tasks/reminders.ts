import { toIsoDate } from '../core/clock.js';
import type { Ctx } from '../core/context.js';
import { enqueueEmail } from '../outbound/service.js';
import { OPEN_STATUSES, daysBetween } from './model.js';

/**
 * The morning reminder: each person with open tasks due today or overdue gets one email
 * listing them, overdue first. Queued through the outbox with a key per person and day, so
 * a late or repeated run sends nothing twice.
 */
export async function queueTaskReminders(ctx: Ctx): Promise<{ people: number; tasks: number }> {
  const today = toIsoDate(ctx.now());
  const rows = await ctx.db
    .selectFrom('tasks as t')
    .innerJoin('users as u', 'u.id', 't.assignee_id')
    .leftJoin('accounts as a', 'a.id', 't.account_id')
    .select([
      't.id',
      't.title',
      't.due_on',
      't.assignee_id',
      'u.email',
      'u.name',
      'a.name as account',
    ])
    .where('t.status', 'in', [...OPEN_STATUSES])
    .where('t.due_on', '<=', today)
    .where('u.archived_at', 'is', null)
    .orderBy('t.due_on')
    .orderBy('t.id')
    .execute();
  const byPerson = new Map<string, typeof rows>();
  for (const r of rows) byPerson.set(r.assignee_id!, [...(byPerson.get(r.assignee_id!) ?? []), r]);
  let people = 0;
  await ctx.db.transaction().execute(async (trx) => {
    for (const [userId, list] of byPerson) {
      const overdue = list.filter((t) => t.due_on! < today).length;
      const lines = list.map((t) => {
        const late = daysBetween(t.due_on!, today);
        const when = late > 0 ? `${late} day${late === 1 ? '' : 's'} overdue` : 'due today';
        return `- ${t.title}${t.account ? ` (${t.account})` : ''}: ${when}`;
      });
      const id = await enqueueEmail(ctx, trx, {
        to: list[0]!.email,
        subject:
          overdue > 0
            ? `${list.length} task${list.length === 1 ? '' : 's'} need you today (${overdue} overdue)`
            : `${list.length} task${list.length === 1 ? '' : 's'} due today`,
        body: `Hi ${list[0]!.name},\n\nThese are waiting for you:\n\n${lines.join('\n')}\n\nOpen Tenure to work through them.\n`,
        source: 'reminder',
        sourceRef: today,
        dedupeKey: `task-reminder:${userId}:${today}`,
      });
      if (id) people += 1;
    }
  });
  return { people, tasks: rows.length };
}
