import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listTimeline } from '../accounts/timeline/service.js';
import { addDays } from '../core/clock.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { deliverDue } from '../outbound/service.js';
import { mailSettings, realTransports } from '../outbound/transports.js';
import { startSmtp } from '../testing/smtp.js';
import { runRenewalReminders } from './reminders.js';
import { TODAY, renewalBook } from './testing.js';

for (const dialect of testDialects()) {
  describe(`renewal reminders on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('mails the owner once per window through a real SMTP server, across late runs and date moves', async () => {
      const smtp = await startSmtp();
      try {
        const { ctx, subs } = await renewalBook(db, [
          { name: 'Acme', days: 125, mrrMinor: 1_000_00 },
          { name: 'Globex', days: 70, mrrMinor: 2_000_00 },
        ]);
        const [acme, globex] = subs;
        const mail = mailSettings({
          TENURE_SMTP_URL: smtp.url,
          TENURE_MAIL_FROM: 'CS <cs@tenure.test>',
        });
        const transports = realTransports(mail);
        const runOn = async (day: string, times = 1) => {
          ctx.setNow(`${day}T08:00:00.000Z`);
          for (let i = 0; i < times; i++) await runRenewalReminders(ctx);
          await deliverDue(ctx, transports, mail);
        };
        const moveAcme = async (to: string) =>
          db.db
            .updateTable('subscriptions')
            .set({ end_date: to })
            .where('id', '=', acme!.subscriptionId)
            .execute();

        // Day 0: Globex is 70 days out — its 90-day reminder (120 superseded); Acme is beyond 120.
        await runOn(TODAY, 3);
        // Acme reaches 120 days; the job is then down for three weeks: Acme is 99 days out
        // (still its 120 window), Globex 44 (its 60-day reminder, late).
        await runOn(addDays(TODAY, 5));
        await runOn(addDays(TODAY, 26));
        // Acme's renewal moves a month later, then back: the original date's 120 was sent.
        await moveAcme(addDays(acme!.renewalDate, 30));
        await runOn(addDays(TODAY, 27));
        await moveAcme(acme!.renewalDate);
        await runOn(addDays(TODAY, 28));
        // Globex in its 30-day window (the run came a week late: 23 days out), Acme at 90.
        await runOn(addDays(TODAY, 47), 2);
        const subjects = smtp
          .mailbox()
          .map((m) => m.subject)
          .sort();
        expect(subjects).toEqual([
          `Acme renews on ${acme!.renewalDate} (120 days)`,
          `Acme renews on ${acme!.renewalDate} (78 days)`,
          `Globex renews on ${globex!.renewalDate} (23 days)`,
          `Globex renews on ${globex!.renewalDate} (44 days)`,
          `Globex renews on ${globex!.renewalDate} (70 days)`,
        ]);
        expect(smtp.received).toHaveLength(5);
        expect(smtp.mailbox().every((m) => m.to === 'ana@example.com')).toBe(true);
        const rows = await db.db
          .selectFrom('renewal_reminders')
          .select(['subscription_id', 'window_days', 'status'])
          .orderBy('subscription_id')
          .orderBy('window_days')
          .execute();
        const of = (id: string) =>
          rows.filter((r) => r.subscription_id === id).map((r) => `${r.window_days}:${r.status}`);
        expect(of(acme!.subscriptionId)).toEqual(['90:sent', '120:sent']);
        expect(of(globex!.subscriptionId)).toEqual([
          '30:sent',
          '60:sent',
          '90:sent',
          '120:superseded',
        ]);
        const tl = await listTimeline(ctx, globex!.accountId, { limit: 50 });
        expect(tl.items.filter((e) => e.kind === 'renewal_reminder_sent')).toHaveLength(3);
      } finally {
        await smtp.stop();
      }
    });
  });
}
