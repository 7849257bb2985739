import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { RouteRegistrar } from '../api/route-kit.js';

/** One mail the demo's capture accepted. */
export interface CapturedMail {
  receivedAt: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface MailCapture {
  port: number;
  mails: CapturedMail[];
  close(): Promise<void>;
}

const MAX_KEPT = 200;

/**
 * A local SMTP server for the demo only: the demo's e-mail channel points at it, so alerts arrive without any mail
 * set-up, and the dashboard lists them at /demo/mail. It listens on 127.0.0.1 and keeps the newest mails in memory.
 */
export async function startMailCapture(): Promise<MailCapture> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((m) => {
          const to = Array.isArray(m.to) ? m.to.map((a) => a.text).join(', ') : (m.to?.text ?? '');
          mails.unshift({
            receivedAt: new Date().toISOString(),
            from: m.from?.text ?? '',
            to,
            subject: m.subject ?? '',
            text: m.text ?? '',
          });
          mails.length = Math.min(mails.length, MAX_KEPT);
          cb();
        })
        .catch((err: Error) => cb(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `GET /demo/mail`: the captured mails, newest first (the demo's own page; no real mail leaves the machine). */
export function mailCaptureRoutes(capture: MailCapture): RouteRegistrar {
  return (app) => {
    app.get('/demo/mail', (c) => {
      const items = capture.mails
        .map(
          (m) => `<article><h2>${esc(m.subject)}</h2>
<p class="meta">${esc(m.receivedAt)} · from ${esc(m.from)} · to ${esc(m.to)}</p>
<pre>${esc(m.text)}</pre></article>`,
        )
        .join('\n');
      return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Demo mail — Cloudtally</title>
<style>body{font-family:system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;color:#111}
article{border-top:1px solid #ddd;padding:.5rem 0}.meta{color:#555;font-size:.9rem}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.75rem;border-radius:4px}</style></head><body>
<h1>Demo mail</h1><p>Mail the demo's e-mail channel sent (a local capture; nothing leaves this machine). ${capture.mails.length} so far.</p>
${items || '<p>No mail yet: budget alerts arrive once the first billing load has been evaluated.</p>'}
</body></html>`);
    });
  };
}
