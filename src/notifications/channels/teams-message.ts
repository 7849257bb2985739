import type { NotificationMessage } from '../notification-types.js';

const COLOR = { info: 'Accent', warning: 'Warning', critical: 'Attention' } as const;

/** A Teams workflow-webhook body: a message with one Adaptive Card (schema 1.4). */
export function teamsBody(m: NotificationMessage): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: m.title,
              weight: 'Bolder',
              size: 'Medium',
              color: COLOR[m.severity],
              wrap: true,
            },
            { type: 'TextBlock', text: m.summary, wrap: true },
            ...(m.facts.length > 0
              ? [{ type: 'FactSet', facts: m.facts.map((f) => ({ title: f.label, value: f.value })) }]
              : []),
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open in Cloudtally', url: m.link }],
        },
      },
    ],
  };
}
