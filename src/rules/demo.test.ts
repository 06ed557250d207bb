import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../demo/service.js';
import { freshTestDb, type TestDb } from '../db/testing.js';
import { insertAlerts } from '../health/alerts/store.js';
import { createEndpoint, deliverDue } from '../outbound/service.js';
import { mailSettings, realTransports } from '../outbound/transports.js';
import { listTasks } from '../tasks/service.js';
import { testCtx } from '../testing/ctx.js';
import { startSmtp } from '../testing/smtp.js';
import { startReceiver } from '../testing/webhook-receiver.js';
import { evaluateRules, saveRule, setRuleActive } from './service.js';

/**
 * The work-process issue's own scenario on the demo company: "health turns red → start the
 * low-engagement playbook, tell Slack, email the owner, call a webhook", through a real SMTP
 * server and an HTTP receiver that verifies signatures.
 */
describe('a red-health rule on the demo company', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshTestDb('sqlite');
  }, 120_000);
  afterAll(async () => db?.destroy());

  it('acts once for each account that turns red after it is switched on', async () => {
    const smtp = await startSmtp();
    let secret: string | null = null;
    const receiver = await startReceiver(() => secret);
    try {
      // Near the real clock: the receiver refuses stale signatures.
      const start = Math.floor(Date.now() / 60_000) * 60_000;
      const ctx = testCtx(db, new Date(start).toISOString());
      await buildDemo(ctx, { accounts: 120, password: 'demo-password-for-tests-1' });
      const slack = await createEndpoint(ctx, {
        kind: 'slack',
        name: '#cs-risk',
        url: receiver.url,
      });
      const hook = await createEndpoint(ctx, { kind: 'webhook', name: 'CRM', url: receiver.url });
      secret = hook.secret;
      await saveRule(ctx, {
        key: 'red-low-engagement',
        name: 'Health turns red',
        when: { type: 'alert', kinds: ['tier_change'], toTier: 'Red' },
        then: [
          { type: 'start_playbook', playbook: 'low-engagement' },
          {
            type: 'notify_slack',
            endpoint: slack.id,
            text: '{{account.name}} turned red ({{owner.name}})',
          },
          {
            type: 'send_email',
            to: 'owner',
            subject: '{{account.name}} turned red',
            body: 'Hi {{owner.name}}, the play has started.',
          },
          { type: 'call_webhook', endpoint: hook.id },
        ],
      });
      ctx.setNow(new Date(start + 60_000).toISOString());
      await setRuleActive(ctx, 'red-low-engagement', true);
      // The demo's own red alerts are history: nothing fires for them.
      expect((await evaluateRules(ctx)).fired).toEqual([]);

      // Two accounts with an owner turn red now, through the same insert the alert rules use.
      const owned = await db.db
        .selectFrom('accounts as a')
        .innerJoin('users as u', 'u.id', 'a.owner_id')
        .select(['a.id', 'a.name', 'u.email', 'u.name as owner'])
        .where('a.archived_at', 'is', null)
        .orderBy('a.name')
        .limit(2)
        .execute();
      ctx.setNow(new Date(start + 120_000).toISOString());
      const at = ctx.now().toISOString();
      await insertAlerts(
        db.db,
        owned.map((a, i) => ({
          id: `alr_demo_${i}`,
          account_id: a.id,
          kind: 'tier_change',
          cause_key: `${at.slice(0, 10)}:Yellow>Red`,
          severity: 'high',
          status: 'open',
          title: 'Health tier fell: Yellow → Red',
          reason: 'Health moved from Yellow to Red.',
          evidence: JSON.stringify({ from: 'Yellow', to: 'Red' }),
          day: at.slice(0, 10),
          created_at: at,
          updated_at: at,
          snoozed_until: null,
          resolved_at: null,
          updated_by: null,
        })),
      );
      const fired = await evaluateRules(ctx);
      expect(fired.fired.map((f) => f.accountId).sort()).toEqual(owned.map((a) => a.id).sort());
      expect((await evaluateRules(ctx)).fired).toEqual([]);

      for (const a of owned) {
        const tasks = await listTasks(ctx, { scope: 'all', accountId: a.id }, null);
        expect(tasks.items.filter((t) => t.source === 'playbook')).toHaveLength(5);
      }
      const mail = mailSettings({ TENURE_SMTP_URL: smtp.url, TENURE_MAIL_FROM: 'cs@tenure.test' });
      expect(await deliverDue(ctx, realTransports(mail), mail)).toEqual({
        sent: 6,
        retrying: 0,
        failed: 0,
      });
      expect(await deliverDue(ctx, realTransports(mail), mail)).toEqual({
        sent: 0,
        retrying: 0,
        failed: 0,
      });
      expect(smtp.received.map((m) => [m.to, m.subject]).sort()).toEqual(
        owned.map((a) => [a.email, `${a.name} turned red`]).sort(),
      );
      const slackTexts = receiver.deliveries.filter((d) => 'text' in (d.body as object));
      expect(slackTexts.map((d) => (d.body as { text: string }).text).sort()).toEqual(
        owned.map((a) => `${a.name} turned red (${a.owner})`).sort(),
      );
      const hooks = receiver.deliveries.filter(
        (d) => (d.body as { type?: string }).type === 'rule.fired',
      );
      expect(hooks).toHaveLength(2);
      expect(hooks.every((d) => d.verified)).toBe(true);
    } finally {
      await smtp.stop();
      await receiver.stop();
    }
  }, 120_000);
});
