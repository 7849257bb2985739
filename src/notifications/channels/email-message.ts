import type { NotificationMessage } from '../notification-types.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const COLOR = { info: '#2563eb', warning: '#d97706', critical: '#dc2626' } as const;

/** Why the recipient gets this mail, as its footer says. */
function reason(m: NotificationMessage): string {
  if (m.type === 'test') return 'Sent by Cloudtally as a test of this channel.';
  if (m.type === 'digest')
    return m.recipients?.length
      ? 'Sent by Cloudtally because you subscribed to this digest (Notifications page).'
      : 'Sent by Cloudtally because this channel is subscribed to this digest (Notifications page).';
  if (m.type === 'report')
    return 'Sent by Cloudtally because this report is scheduled to be sent by e-mail (Notifications page).';
  return 'Sent by Cloudtally because an alert rule routes this event to this channel.';
}

/** Subject, plain text and HTML of an alert e-mail. */
export function emailBody(m: NotificationMessage): { subject: string; text: string; html: string } {
  const width = Math.max(0, ...m.facts.map((f) => f.label.length));
  const text = [
    m.title,
    '',
    m.summary,
    '',
    ...m.facts.map((f) => `${f.label.padEnd(width)}  ${f.value}`),
    '',
    `Open in Cloudtally: ${m.link}`,
    '',
    '-- ',
    reason(m),
  ].join('\n');
  const rows = m.facts
    .map(
      (f) =>
        `<tr><th align="left" style="padding:4px 12px 4px 0;color:#555">${esc(f.label)}</th><td style="padding:4px 0">${esc(f.value)}</td></tr>`,
    )
    .join('');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111">
<h2 style="border-left:4px solid ${COLOR[m.severity]};padding-left:8px">${esc(m.title)}</h2>
<p>${esc(m.summary)}</p>
${rows ? `<table style="border-collapse:collapse">${rows}</table>` : ''}
<p><a href="${esc(m.link)}" style="display:inline-block;padding:8px 14px;background:#2563eb;color:#fff;text-decoration:none;border-radius:4px">Open in Cloudtally</a></p>
<p style="color:#777;font-size:12px">${esc(reason(m))}</p>
</body></html>`;
  return { subject: `[Cloudtally] ${m.title}`, text, html };
}
