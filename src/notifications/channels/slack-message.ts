import type { NotificationMessage } from '../notification-types.js';

const ICON = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' } as const;

/** A Slack incoming-webhook body: Block Kit blocks, with `text` as the notification fallback. */
export function slackBody(m: NotificationMessage): Record<string, unknown> {
  const fields = m.facts.slice(0, 10).map((f) => ({ type: 'mrkdwn', text: `*${f.label}*\n${f.value}` }));
  return {
    text: `${m.title}: ${m.summary}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: m.title.slice(0, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: `${ICON[m.severity]} ${m.summary}` } },
      ...(fields.length > 0 ? [{ type: 'section', fields }] : []),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open in Cloudtally' },
            url: m.link,
            action_id: 'open',
          },
        ],
      },
    ],
  };
}
