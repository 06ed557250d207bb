import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface ReceivedMail {
  messageId: string | undefined;
  from: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * A real SMTP server on a free local port for tests: it speaks SMTP to nodemailer as any
 * mail server would, parses what it accepts, and keeps it. `mailbox` shows each
 * Message-ID once, as a mail client does; `received` has every delivery.
 */
export async function startSmtp(o: { afterAccept?: (mail: ReceivedMail) => void } = {}): Promise<{
  url: string;
  received: ReceivedMail[];
  mailbox(): ReceivedMail[];
  stop(): Promise<void>;
}> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((m) => {
          const mail = {
            messageId: m.messageId,
            from: m.from?.text ?? '',
            to: Array.isArray(m.to) ? m.to.map((a) => a.text).join(', ') : (m.to?.text ?? ''),
            subject: m.subject ?? '',
            text: m.text ?? '',
          };
          received.push(mail);
          // Kept before the reply goes out: a hook can kill the sender at the moment the
          // message is in the mailbox but the sender has not heard so.
          o.afterAccept?.(mail);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    mailbox: () => {
      const seen = new Set<string | undefined>();
      return received.filter((m) => !seen.has(m.messageId) && seen.add(m.messageId));
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
