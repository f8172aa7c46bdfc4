/**
 * Outgoing mail over real SMTP (nodemailer). `SMTP_URL` configures the server
 * (e.g. smtps://user:pass@smtp.example.com:465); without it, `npm start` runs a local development
 * mailbox (dev-mailbox.ts) and points the mailer at it.
 */
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
}

export function createSmtpMailer(options: { url: string; from: string; timeoutMs?: number }): Mailer {
  const timeout = options.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport(options.url, {
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  } as never);
  return {
    async send(message) {
      try {
        await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text });
      } catch (error) {
        // The SMTP error may echo the message; report only its kind and code.
        const code = (error as { code?: unknown }).code;
        throw new MailDeliveryError(`the mail server refused or failed the delivery (${String(code ?? 'unknown')})`);
      }
    },
    close() {
      transport.close();
    },
  };
}
