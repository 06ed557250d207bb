import { updateAccount } from '../accounts/account/service.js';
import { addDays, toIsoDate } from '../core/clock.js';
import type { Ctx } from '../core/context.js';
import type { Executor } from '../db/database.js';
import { render, type TemplateValues } from '../outbound/model.js';
import { enqueueEmail, enqueueToEndpoint } from '../outbound/service.js';
import { accountValues } from '../outbound/values.js';
import { startPlaybookIn } from '../playbooks/service.js';
import { createTasks } from '../tasks/service.js';
import type { Action, Cause, RuleDef } from './model.js';
import type { RuleRow } from './store.js';

/**
 * What a rule does when it fires, one action at a time, inside the firing's transaction.
 * Each returns what it did in words for the run log.
 */
export async function act(
  ctx: Ctx,
  trx: Executor,
  a: Action,
  o: { rule: RuleRow; def: RuleDef; cause: Cause; dedupe: string },
): Promise<string> {
  const accountId = o.cause.accountId;
  const source = { source: 'rule' as const, sourceRef: `${o.rule.key}:${o.cause.key}` };
  switch (a.type) {
    case 'start_playbook': {
      const running = await trx
        .selectFrom('playbook_runs')
        .select('id')
        .where('playbook_key', '=', a.playbook)
        .where('account_id', '=', accountId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (running) return `playbook ${a.playbook} already running (${running.id})`;
      const runId = await startPlaybookIn(ctx, trx, a.playbook, accountId, source);
      return `started playbook ${a.playbook} (${runId})`;
    }
    case 'create_task': {
      const [id] = await createTasks(ctx, trx, [
        {
          accountId,
          title: a.title,
          priority: a.priority,
          dueOn: addDays(toIsoDate(ctx.now()), a.dueAfterDays),
          source: 'rule',
          sourceRef: source.sourceRef,
        },
      ]);
      return `created task ${id}`;
    }
    case 'send_email': {
      const v: TemplateValues = {
        ...(await accountValues(trx, accountId)),
        rule: { name: o.def.name },
      };
      const to = a.to === 'owner' ? v.owner?.email : a.to === 'manager' ? v.manager?.email : a.to;
      if (!to) return `no email: the account has no ${a.to}`;
      const id = await enqueueEmail(ctx, trx, {
        to: String(to),
        subject: render(a.subject, v).text,
        body: render(a.body, v).text,
        accountId,
        ...source,
        dedupeKey: o.dedupe,
      });
      return id ? `queued email ${id} to ${to}` : 'email already queued';
    }
    case 'notify_slack':
    case 'call_webhook': {
      const v: TemplateValues = {
        ...(await accountValues(trx, accountId)),
        rule: { name: o.def.name },
      };
      const id = await enqueueToEndpoint(ctx, trx, {
        endpointId: a.endpoint,
        ...(a.type === 'notify_slack' ? { text: render(a.text, v).text } : {}),
        event: {
          type: 'rule.fired',
          data: {
            rule: o.rule.key,
            accountId,
            account: v.account?.name ?? null,
            cause: o.cause.key,
            reason: o.cause.reason,
          },
        },
        accountId,
        ...source,
        dedupeKey: o.dedupe,
      });
      return id
        ? `queued ${a.type === 'notify_slack' ? 'Slack message' : 'webhook'} ${id}`
        : 'already queued';
    }
    case 'set_field': {
      await updateAccount({ ...ctx, db: trx }, accountId, { [a.field]: a.value });
      return `set ${a.field} to ${a.value}`;
    }
    case 'set_stage': {
      await updateAccount({ ...ctx, db: trx }, accountId, {
        stage: a.stage,
        stageReason: `rule ${o.rule.name}`,
      });
      return `set stage to ${a.stage}`;
    }
  }
}
