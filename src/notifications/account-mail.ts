/**
 * Account e-mail (invitations) through the organization's own mail settings: the first e-mail channel it set up.
 * The message goes to the one address it is for, never to the channel's alert recipients.
 */
import type { Log } from '../lib/log.js';
import type { ChannelService } from './channel-service.js';
import { smtpTransport } from './channels/email-sender.js';
import type { createChannelStore } from './channel-store.js';

export interface AccountMail {
  to: string;
  subject: string;
  text: string;
}

export function createAccountMailer({
  channels,
  targetOf,
  log,
}: {
  channels: Pick<ReturnType<typeof createChannelStore>, 'list'>;
  targetOf: ChannelService['targetOf'];
  log: Log;
}) {
  /** `false` when the organization has no e-mail channel or its mail server refused the message (logged). */
  return async function sendAccountMail(orgId: string, mail: AccountMail): Promise<boolean> {
    const channel = (await channels.list(orgId)).find((c) => c.kind === 'email');
    if (!channel) return false;
    const target = await targetOf(orgId, channel.id);
    if (target.kind !== 'email') return false;
    const transport = smtpTransport(target.config, target.password);
    try {
      await transport.sendMail({
        from: target.config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
      });
      return true;
    } catch (err) {
      // The manager gets the link to pass on instead; the reason goes to the log.
      log.warn({ err, channelId: channel.id }, 'account e-mail not sent');
      return false;
    } finally {
      transport.close();
    }
  };
}
