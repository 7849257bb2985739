import type { ChannelTarget } from '../channel-schemas.js';
import type { NotificationMessage } from '../notification-types.js';
import { sendEmail } from './email-sender.js';
import { postJson } from './http-post.js';
import { slackBody } from './slack-message.js';
import { teamsBody } from './teams-message.js';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  sign,
  TIMESTAMP_HEADER,
  webhookBody,
} from './webhook-message.js';

export interface DeliveryIds {
  deliveryId: string;
  eventId: string;
  orgId: string;
  occurredAt: string;
}

/** Sends a message to a channel by its protocol; throws a DeliveryError that says whether to retry. */
export async function sendToChannel(
  target: ChannelTarget,
  m: NotificationMessage,
  ids: DeliveryIds,
  now: () => Date = () => new Date(),
): Promise<void> {
  switch (target.kind) {
    case 'email':
      return sendEmail(target.config, target.password, m, ids.deliveryId);
    case 'slack':
      return postJson(target.url, JSON.stringify(slackBody(m)));
    case 'teams':
      return postJson(target.url, JSON.stringify(teamsBody(m)));
    case 'webhook': {
      const body = JSON.stringify(webhookBody(m, ids));
      const timestamp = String(Math.floor(now().getTime() / 1000));
      return postJson(target.url, body, {
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: sign(target.secret, timestamp, body),
        [EVENT_HEADER]: m.type,
        [DELIVERY_HEADER]: ids.deliveryId,
      });
    }
  }
}
