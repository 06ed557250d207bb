import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount, getAccount, updateAccount } from '../accounts/account/service.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { createUser } from '../identity/service.js';
import { createEndpoint, deliverDue, listOutbox } from '../outbound/service.js';
import { mailSettings, realTransports } from '../outbound/transports.js';
import { listTasks } from '../tasks/service.js';
import { testCtx } from '../testing/ctx.js';
import { startSmtp } from '../testing/smtp.js';
import { startReceiver } from '../testing/webhook-receiver.js';
import { evaluateRules, listFirings, previewRule, saveRule, setRuleActive } from './service.js';
import type { RuleInput } from './model.js';

for (const dialect of testDialects()) {
  describe(`rules on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('health turns red → the low-engagement play, an email to the owner and a signed webhook, once', async () => {
      const smtp = await startSmtp();
      let secret: string | null = null;
      const receiver = await startReceiver(() => secret);
      try {
        const start = Math.floor(Date.now() / 60_000) * 60_000;
        const ctx = testCtx(db, new Date(start).toISOString());
        const owner = await createUser(ctx, { email: 'cal@example.com', name: 'Cal', role: 'csm' });
        const red = await createAccount(ctx, {
          name: 'Red Co',
          ownerId: owner.id,
          segment: 'enterprise',
        });
        const small = await createAccount(ctx, {
          name: 'Small Red',
          ownerId: owner.id,
          segment: 'smb',
        });
        const yellow = await createAccount(ctx, {
          name: 'Yellow Co',
          ownerId: owner.id,
          segment: 'enterprise',
        });
        const hook = await createEndpoint(ctx, { kind: 'webhook', name: 'CRM', url: receiver.url });
        secret = hook.secret;
        const rule: RuleInput = {
          key: 'red-enterprise',
          name: 'Enterprise account turns red',
          when: { type: 'alert', kinds: ['tier_change'], toTier: 'Red' },
          conditions: [{ field: 'segment', op: 'eq', value: 'enterprise' }],
          then: [
            { type: 'start_playbook', playbook: 'low-engagement' },
            {
              type: 'send_email',
              to: 'owner',
              subject: '{{account.name}} turned red',
              body: 'Hi {{owner.name}}, the low-engagement play has started.',
            },
            { type: 'call_webhook', endpoint: hook.id },
          ],
        };
        const saved = await saveRule(ctx, rule, 'first version');
        expect(saved).toMatchObject({ version: 1, active: false });

        const alert = async (accountId: string, to: string, n: number) =>
          db.db
            .insertInto('health_alerts')
            .values({
              id: `alr_${n}`,
              account_id: accountId,
              kind: 'tier_change',
              cause_key: `2026-01-0${n}:Yellow>${to}`,
              severity: 'high',
              status: 'open',
              title: `Health moved to ${to}`,
              reason: 'r',
              evidence: JSON.stringify({ from: 'Yellow', to }),
              day: '2026-01-01',
              created_at: ctx.now().toISOString(),
              updated_at: ctx.now().toISOString(),
              snoozed_until: null,
              resolved_at: null,
              updated_by: null,
            })
            .execute();
        // Before it is switched on: a red alert that is history, shown by the preview but never fired.
        await alert(red.id, 'Red', 1);
        expect((await previewRule(ctx, rule)).accounts.map((a) => a.name)).toEqual(['Red Co']);
        ctx.setNow(new Date(start + 60_000).toISOString());
        await setRuleActive(ctx, 'red-enterprise', true);
        expect((await evaluateRules(ctx)).fired).toEqual([]);

        ctx.setNow(new Date(start + 120_000).toISOString());
        await alert(red.id, 'Red', 2);
        await alert(small.id, 'Red', 3);
        await alert(yellow.id, 'Yellow', 4);
        const first = await evaluateRules(ctx);
        expect(first.fired).toEqual([
          { rule: 'red-enterprise', accountId: red.id, cause: 'alert:alr_2' },
        ]);
        // Again, and again: nothing more.
        expect((await evaluateRules(ctx)).fired).toEqual([]);
        expect((await evaluateRules(ctx)).fired).toEqual([]);

        const tasks = await listTasks(ctx, { scope: 'all', accountId: red.id }, null);
        expect(tasks.items).toHaveLength(5);
        expect(tasks.items.every((t) => t.source === 'playbook')).toBe(true);
        const [firing] = await listFirings(ctx, { ruleKey: 'red-enterprise' });
        expect(firing!.reason).toBe('alert: Health moved to Red');
        expect(firing!.outcome).toEqual([
          expect.stringMatching(/^started playbook low-engagement \(run_/),
          expect.stringMatching(/^queued email out_\w+ to cal@example.com$/),
          expect.stringMatching(/^queued webhook out_/),
        ]);

        const mail = mailSettings({
          TENURE_SMTP_URL: smtp.url,
          TENURE_MAIL_FROM: 'cs@tenure.test',
        });
        expect(await deliverDue(ctx, realTransports(mail), mail)).toEqual({
          sent: 2,
          retrying: 0,
          failed: 0,
        });
        expect(await deliverDue(ctx, realTransports(mail), mail)).toEqual({
          sent: 0,
          retrying: 0,
          failed: 0,
        });
        expect(smtp.received.map((m) => [m.to, m.subject, m.text.trim()])).toEqual([
          ['cal@example.com', 'Red Co turned red', 'Hi Cal, the low-engagement play has started.'],
        ]);
        expect(receiver.deliveries).toHaveLength(1);
        expect(receiver.deliveries[0]).toMatchObject({
          verified: true,
          body: {
            type: 'rule.fired',
            data: { rule: 'red-enterprise', accountId: red.id, account: 'Red Co' },
          },
        });
        expect((await listOutbox(ctx, {})).every((m) => m.status === 'sent')).toBe(true);
      } finally {
        await smtp.stop();
        await receiver.stop();
      }
    });

    it('fires on a field change once, and sets a field', async () => {
      const ctx = testCtx(db, '2026-04-10T09:00:00.000Z');
      const acct = await createAccount(ctx, { name: 'Growing Co', segment: 'smb' });
      await saveRule(ctx, {
        key: 'now-enterprise',
        name: 'Moved to enterprise',
        when: { type: 'field_changed', field: 'segment', to: 'Enterprise' },
        then: [
          { type: 'set_field', field: 'region', value: 'EMEA' },
          { type: 'create_task', title: 'Introduce the enterprise team', dueAfterDays: 3 },
        ],
      });
      await updateAccount(ctx, acct.id, { segment: 'mid_market' });
      ctx.setNow('2026-04-10T10:00:00.000Z');
      await setRuleActive(ctx, 'now-enterprise', true);
      ctx.setNow('2026-04-10T11:00:00.000Z');
      await updateAccount(ctx, acct.id, { industry: 'Software' });
      expect((await evaluateRules(ctx)).fired).toEqual([]);
      await updateAccount(ctx, acct.id, { segment: 'enterprise' });
      const fired = await evaluateRules(ctx);
      expect(fired.fired).toHaveLength(1);
      expect((await evaluateRules(ctx)).fired).toEqual([]);
      expect((await getAccount(ctx, acct.id)).region).toBe('EMEA');
      const [log] = await listFirings(ctx, { ruleKey: 'now-enterprise' });
      expect(log!.reason).toBe('segment changed from mid_market to enterprise');
      expect(log!.outcome).toEqual([
        'set region to EMEA',
        expect.stringMatching(/^created task tsk_/),
      ]);
      const tasks = await listTasks(ctx, { scope: 'all', accountId: acct.id }, null);
      expect(tasks.items.map((t) => [t.title, t.dueOn, t.source])).toEqual([
        ['Introduce the enterprise team', '2026-04-13', 'rule'],
      ]);
    });
  });
}
