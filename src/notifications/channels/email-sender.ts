import nodemailer from 'nodemailer';
import type { EmailConfig } from '../channel-schemas.js';
import type { NotificationMessage } from '../notification-types.js';
import { DeliveryError, SEND_TIMEOUT_MS } from './delivery-error.js';
import { emailBody } from './email-message.js';

/** Connection problems and temporary (4xx) SMTP answers are worth another try; a refused login or a 5xx is not. */
const RETRY_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET', 'ECONNREFUSED']);

interface MailError {
  code?: string;
  responseCode?: number;
  message?: string;
}

/** A transport to the channel's mail server (TLS from the start, STARTTLS, or plain), with auth when a user is set. */
export function smtpTransport(config: EmailConfig, password: string | undefined) {
  return nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    ignoreTLS: config.security === 'none',
    auth: config.username ? { user: config.username, pass: password ?? '' } : undefined,
    tls: { rejectUnauthorized: config.verifyCertificate },
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
    logger: false,
    debug: false,
  });
}

/** Sends one alert e-mail over SMTP (TLS from the start, STARTTLS, or plain), with auth when a user is set. */
export async function sendEmail(
  config: EmailConfig,
  password: string | undefined,
  m: NotificationMessage,
  messageId: string,
): Promise<void> {
  const transport = smtpTransport(config, password);
  const body = emailBody(m);
  try {
    await transport.sendMail({
      from: config.from,
      to: m.recipients && m.recipients.length > 0 ? m.recipients : config.to,
      subject: body.subject,
      text: body.text,
      html: body.html,
      attachments: m.attachments?.map((a) => ({
        filename: a.filename,
        content: a.content,
        contentType: a.contentType,
      })),
      // One Message-ID per delivery: a mail sent again after a crash is recognised as the same by mail clients.
      messageId: `<${messageId}@cloudtally>`,
      headers: { 'X-Cloudtally-Event': m.type },
    });
  } catch (err) {
    const e = err as MailError;
    const temporary = e.responseCode !== undefined && e.responseCode >= 400 && e.responseCode < 500;
    const retryable = temporary || (e.code !== undefined && RETRY_CODES.has(e.code));
    const what = e.code === 'EAUTH' ? 'the server refused the login' : (e.message ?? String(err));
    throw new DeliveryError(`SMTP ${config.host}:${config.port}: ${what}`.slice(0, 500), retryable);
  } finally {
    transport.close();
  }
}
