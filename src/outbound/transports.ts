import nodemailer from 'nodemailer';

/** How messages leave: SMTP for email, HTTPS POST for Slack and webhooks. */
export interface Transports {
  /** Resolves with the server's reply (e.g. "250 OK: queued as …"); throws when refused. */
  email(m: {
    from: string;
    to: string;
    subject: string;
    text: string;
    messageId: string;
  }): Promise<string>;
  post(
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; text: string }>;
}

export interface MailSettings {
  /** smtp://user:pass@host:587 or smtps://…; unset: email waits in the outbox, reported as such. */
  smtpUrl: string | null;
  from: string;
  /** The domain of Message-IDs. */
  domain: string;
}

export function mailSettings(env: NodeJS.ProcessEnv = process.env): MailSettings {
  const from = env.TENURE_MAIL_FROM || 'Tenure <tenure@localhost>';
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return { smtpUrl: env.TENURE_SMTP_URL || null, from, domain };
}

/** A permanent refusal: retrying the same message will not help (bad address, 4xx). */
export class PermanentError extends Error {}

export function realTransports(settings: MailSettings): Transports {
  const smtp = settings.smtpUrl ? nodemailer.createTransport(settings.smtpUrl) : null;
  return {
    async email(m) {
      if (!smtp) throw new Error('no SMTP server is configured (TENURE_SMTP_URL)');
      try {
        const info = await smtp.sendMail({
          from: m.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          messageId: m.messageId,
        });
        return String(info.response);
      } catch (err) {
        // 5xx replies are permanent (unknown mailbox); anything else may pass on a retry.
        const code = (err as { responseCode?: unknown }).responseCode;
        if (typeof code === 'number' && code >= 500)
          throw new PermanentError(String((err as Error).message));
        throw err;
      }
    },
    async post(url, body, headers) {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = (await r.text()).slice(0, 500);
      // Client errors other than timeouts and rate limits will not pass on a retry.
      if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429)
        throw new PermanentError(`HTTP ${r.status}: ${text}`);
      if (r.status >= 300) throw new Error(`HTTP ${r.status}: ${text}`);
      return { status: r.status, text };
    },
  };
}
