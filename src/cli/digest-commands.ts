import type { Command } from 'commander';
import { InputError } from '../lib/errors.js';
import { ok, requireActor, withApi } from './client.js';
import { action, orgOptions, printJson, printTable, type OrgFlags } from './common.js';

interface DigestFlags extends OrgFlags {
  as?: string;
  channel: string;
  frequency: string;
  forMe?: boolean;
}

const ACTS = 'who acts, when working on the data directory without a server';

export function registerDigestCommands(program: Command): void {
  const digests = program
    .command('digests')
    .description(
      'Daily and weekly digests: spend, movers, budgets at risk, anomalies, savings, sync problems',
    );

  orgOptions(digests.command('list', { isDefault: true }).description('Digest subscriptions')).action(
    action(async (flags: OrgFlags) => {
      const answer = await withApi(flags, ({ api }) => ok(api.GET('/api/v1/notifications/digests')));
      if (flags.json) return printJson(answer);
      if (answer.items.length === 0) {
        process.stdout.write(
          'No digests yet: subscribe a channel with `cloudtally digests add --channel C --frequency weekly`.\n',
        );
        return;
      }
      printTable(
        answer.items.map((d) => ({
          id: d.id,
          channel: d.channelId,
          frequency: d.frequency,
          to: d.recipient ?? '(the channel)',
        })),
        ['id', 'channel', 'frequency', 'to'],
      );
    }),
  );

  orgOptions(
    digests
      .command('add')
      .description('Subscribe a channel, or yourself (--for-me, through an e-mail channel), to a digest')
      .requiredOption('--channel <idOrName>', 'the channel that sends it')
      .option('--frequency <f>', 'daily or weekly', 'weekly')
      .option('--for-me', 'only to your own e-mail address')
      .option('--as <email>', ACTS),
  ).action(
    action(async (flags: DigestFlags) => {
      if (flags.frequency !== 'daily' && flags.frequency !== 'weekly')
        throw new InputError('frequency', `--frequency must be daily or weekly, not "${flags.frequency}"`);
      const d = await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(
          conn.api.POST('/api/v1/notifications/digests', {
            body: {
              channel: flags.channel,
              frequency: flags.frequency as 'daily' | 'weekly',
              forMe: Boolean(flags.forMe),
            },
          }),
        );
      });
      if (flags.json) printJson(d);
      else
        process.stdout.write(
          `subscribed ${d.recipient ?? `channel ${flags.channel}`} to the ${d.frequency} digest (${d.id})\n`,
        );
    }),
  );

  orgOptions(digests.command('remove <id>').description('Unsubscribe').option('--as <email>', ACTS)).action(
    action(async (id: string, flags: OrgFlags & { as?: string }) => {
      await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(conn.api.DELETE('/api/v1/notifications/digests/{id}', { params: { path: { id } } }));
      });
      if (flags.json) printJson({ removed: id });
      else process.stdout.write(`removed digest ${id}\n`);
    }),
  );
}
