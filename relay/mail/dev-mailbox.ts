/**
 * A local SMTP server for development and tests (the `smtp-server` package on 127.0.0.1): it
 * receives what the relay sends through its normal SMTP path and keeps the last messages in memory.
 */
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  receivedAt: number;
}

export interface DevMailbox {
  /** smtp://127.0.0.1:<port> — give this to createSmtpMailer. */
  url: string;
  messages: ReceivedMail[];
  /** Resolves with the next message delivered to `to` (or an already received one when `includeExisting`). */
  waitFor(to: string, options?: { timeoutMs?: number; after?: number }): Promise<ReceivedMail>;
  close(): Promise<void>;
}

const MAX_MESSAGES = 200;
const MAX_MESSAGE_BYTES = 256 * 1024;

export async function startDevMailbox(options: { onMail?: (mail: ReceivedMail) => void; port?: number } = {}) {
  const messages: ReceivedMail[] = [];
  const waiters: Array<{ to: string; after: number; resolve: (m: ReceivedMail) => void }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        };
        messages.push(mail);
        if (messages.length > MAX_MESSAGES) messages.shift();
        options.onMail?.(mail);
        for (let i = waiters.length - 1; i >= 0; i--) {
          const w = waiters[i];
          if (w && mail.to.includes(w.to) && mail.receivedAt >= w.after) {
            waiters.splice(i, 1);
            w.resolve(mail);
          }
        }
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  const mailbox: DevMailbox = {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor(to, waitOptions = {}) {
      const target = to.toLowerCase();
      const after = waitOptions.after ?? 0;
      const existing = messages.find((m) => m.to.includes(target) && m.receivedAt >= after);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const waiter = { to: target, after, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`no mail for ${to} within ${waitOptions.timeoutMs ?? 10_000} ms`));
          }
        }, waitOptions.timeoutMs ?? 10_000).unref();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return mailbox;
}
