import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/account/service.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { startSmtp } from '../testing/smtp.js';
import { testCtx } from '../testing/ctx.js';
import { startReceiver } from '../testing/webhook-receiver.js';
import {
  createEndpoint,
  deliverDue,
  enqueueEmail,
  enqueueToEndpoint,
  listOutbox,
  previewTemplate,
  retryMessage,
} from './service.js';
import { mailSettings, realTransports } from './transports.js';

for (const dialect of testDialects()) {
  describe(`outbound on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('delivers email over SMTP once each, with its Message-ID, and keys stop duplicates', async () => {
      const smtp = await startSmtp();
      try {
        const ctx = testCtx(db, '2026-04-10T09:00:00.000Z');
        const acct = await createAccount(ctx, { name: 'Acme' });
        const mail = mailSettings({
          TENURE_SMTP_URL: smtp.url,
          TENURE_MAIL_FROM: 'CS <cs@tenure.test>',
        });
        const ids = await db.db.transaction().execute(async (trx) => [
          await enqueueEmail(ctx, trx, {
            to: 'owner@example.com',
            subject: 'Acme turned red',
            body: 'Health fell to 41.',
            accountId: acct.id,
            source: 'rule',
            dedupeKey: 'rule-1:acme:red',
          }),
          await enqueueEmail(ctx, trx, {
            to: 'owner@example.com',
            subject: 'Acme turned red',
            body: 'Health fell to 41.',
            source: 'rule',
            dedupeKey: 'rule-1:acme:red',
          }),
          await enqueueEmail(ctx, trx, {
            to: 'cfo@example.com',
            subject: 'Hello',
            body: 'Hi',
            source: 'manual',
          }),
        ]);
        expect(ids[0]).toMatch(/^out_/);
        expect(ids[1]).toBeNull();
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
        expect(smtp.received.map((m) => [m.to, m.subject, m.text.trim(), m.messageId])).toEqual(
          expect.arrayContaining([
            [
              'owner@example.com',
              'Acme turned red',
              'Health fell to 41.',
              `<${ids[0]}@tenure.test>`,
            ],
            ['cfo@example.com', 'Hello', 'Hi', `<${ids[2]}@tenure.test>`],
          ]),
        );
        expect(smtp.received).toHaveLength(2);
        const log = await listOutbox(ctx, {});
        expect(log.every((m) => m.status === 'sent' && m.response?.startsWith('250'))).toBe(true);
        await expect(
          enqueueEmail(ctx, db.db, {
            to: 'not an address',
            subject: 's',
            body: 'b',
            source: 'manual',
          }),
        ).rejects.toMatchObject({ code: 'validation' });
      } finally {
        await smtp.stop();
      }
    });

    it('previews a template for an account, naming blank and unknown variables', async () => {
      const ctx = testCtx(db, '2026-04-10T09:00:00.000Z');
      const acct = await createAccount(ctx, { name: 'Acme', segment: 'enterprise' });
      await db.db
        .insertInto('contacts')
        .values({
          id: 'con_1',
          account_id: acct.id,
          external_id: null,
          name: 'Dana Reyes',
          email: 'dana@acme.test',
          title: null,
          phone: null,
          is_champion: 1,
          is_economic_buyer: 0,
          is_executive_sponsor: 0,
          is_technical_lead: 0,
          is_power_user: 0,
          is_detractor: 0,
          last_seen_at: null,
          latest_nps: null,
          left_on: null,
          left_reason: null,
          archived_at: null,
          created_at: '2026-04-10T09:00:00.000Z',
          updated_at: '2026-04-10T09:00:00.000Z',
        })
        .execute();
      expect(
        await previewTemplate(ctx, {
          accountId: acct.id,
          subject: '{{account.name}} ({{account.segment}})',
          body: 'Hi {{contact.first_name}}, {{owner.name}} here. {{account.mood}}',
        }),
      ).toEqual({
        subject: 'Acme (enterprise)',
        body: 'Hi Dana,  here. ',
        missing: ['owner.name'],
        unknown: ['account.mood'],
      });
      await expect(previewTemplate(ctx, { accountId: 'acc_x', body: 'b' })).rejects.toMatchObject({
        code: 'validation',
      });
    });

    it('signs webhooks the receiver can verify, posts Slack text, and retries a failing endpoint with backoff', async () => {
      let secret: string | null = null;
      const receiver = await startReceiver(() => secret);
      const down = await startReceiver(() => null, 503);
      try {
        // The receiver checks timestamps against its own clock: start near it.
        const start = Math.floor(Date.now() / 60_000) * 60_000;
        const at = (min: number) => new Date(start + min * 60_000).toISOString();
        const ctx = testCtx(db, at(0));
        const hook = await createEndpoint(ctx, { kind: 'webhook', name: 'CRM', url: receiver.url });
        secret = hook.secret;
        expect(secret).toMatch(/^whsec_/);
        const slack = await createEndpoint(ctx, { kind: 'slack', name: '#cs', url: receiver.url });
        const broken = await createEndpoint(ctx, { kind: 'webhook', name: 'Down', url: down.url });
        await db.db.transaction().execute(async (trx) => {
          await enqueueToEndpoint(ctx, trx, {
            endpointId: hook.id,
            event: { type: 'health.tier_changed', data: { accountId: 'acc_1', tier: 'Red' } },
            source: 'rule',
          });
          await enqueueToEndpoint(ctx, trx, {
            endpointId: slack.id,
            text: 'Acme turned red',
            source: 'rule',
          });
          await enqueueToEndpoint(ctx, trx, { endpointId: broken.id, text: 'x', source: 'rule' });
        });
        const mail = mailSettings({});
        const t = realTransports(mail);
        expect(await deliverDue(ctx, t, mail, { random: () => 0 })).toEqual({
          sent: 2,
          retrying: 1,
          failed: 0,
        });
        expect(receiver.deliveries.map((d) => [d.verified, d.body])).toEqual(
          expect.arrayContaining([
            [true, { type: 'health.tier_changed', data: { accountId: 'acc_1', tier: 'Red' } }],
            [false, { text: 'Acme turned red' }],
          ]),
        );
        const failing = (await listOutbox(ctx, { status: 'pending' }))[0]!;
        expect(failing).toMatchObject({ attempts: 1, nextAttemptAt: at(1) });
        expect(failing.lastError).toMatch(/HTTP 503/);
        // Not before its time; then again, with the wait doubled.
        expect((await deliverDue(ctx, t, mail, { random: () => 0 })).retrying).toBe(0);
        ctx.setNow(at(1));
        expect((await deliverDue(ctx, t, mail, { random: () => 0 })).retrying).toBe(1);
        expect((await listOutbox(ctx, { status: 'pending' }))[0]!.nextAttemptAt).toBe(at(3));
        expect(down.deliveries).toHaveLength(2);
        await expect(retryMessage(ctx, failing.id)).rejects.toMatchObject({ code: 'conflict' });
      } finally {
        await receiver.stop();
        await down.stop();
      }
    });
  });
}
