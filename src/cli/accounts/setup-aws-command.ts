import type { Command } from 'commander';
import { InputError } from '../../lib/errors.js';
import { action, printJson, type StoreFlags } from '../common.js';
import { confirm, withBackend, withFlags, type ClientFlags } from './account-backend.js';

/** `accounts setup aws`: the principal, the external ID, the policies and the CloudFormation template. */
export function registerAwsSetupCommand(accounts: Command): Command {
  const setup = accounts.command('setup').description('What to create in a cloud before connecting');
  withFlags(
    setup
      .command('aws')
      .description(
        "Cloudtally's principal, the external ID, the trust and permission policies and a CloudFormation template",
      )
      .option('--json', 'print everything as JSON')
      .option('--bucket <bucket>', 'fill the billing bucket into the policies')
      .option('--prefix <prefix>', 'fill the export prefix into the policies')
      .option('--role-name <name>', 'default role name of the template')
      .option('--cloudformation <type>', 'print only the template for assumed_role, linked or cost_explorer')
      .option('--rotate-external-id', 'replace the external ID (every role must then be updated)')
      .option('--whoami', "print the host's own AWS identity (the value for CLOUDTALLY_AWS_PRINCIPAL_ARN)")
      .option('--yes', 'do not ask before rotating'),
  ).action(
    action(
      async (
        flags: StoreFlags &
          ClientFlags & {
            json?: boolean;
            bucket?: string;
            prefix?: string;
            roleName?: string;
            cloudformation?: string;
            rotateExternalId?: boolean;
            whoami?: boolean;
            yes?: boolean;
          },
      ) => {
        await withBackend(flags, async (b) => {
          if (flags.whoami) {
            const me = await b.whoami();
            return flags.json ? printJson(me) : void process.stdout.write(`${me.arn}\n`);
          }
          if (flags.rotateExternalId) {
            if (!flags.yes) {
              if (!process.stdin.isTTY)
                throw new InputError(
                  'yes',
                  'Rotating the external ID breaks every role until it is updated; pass --yes to confirm',
                );
              if (
                !(await confirm(
                  'Rotate the external ID? Every role Cloudtally assumes must then be updated. [y/N] ',
                ))
              )
                return;
            }
            const r = await b.rotate();
            return flags.json
              ? printJson(r)
              : void process.stdout.write(`new external ID: ${r.externalId}\nwarning: ${r.warning}\n`);
          }
          const info = await b.setup({
            bucket: flags.bucket,
            prefix: flags.prefix,
            roleName: flags.roleName,
          });
          if (flags.cloudformation) {
            const t = info.cloudFormation[flags.cloudformation as keyof typeof info.cloudFormation];
            if (!t)
              throw new InputError(
                'cloudformation',
                '--cloudformation must be assumed_role, linked or cost_explorer',
              );
            return printJson(t);
          }
          if (flags.json) return printJson(info);
          const out = (s: string) => process.stdout.write(`${s}\n`);
          out(
            `Cloudtally principal: ${info.principal.arn ?? '(not configured)'}${info.principal.note ? `\n  ${info.principal.note}` : ''}`,
          );
          out(`External ID:          ${info.externalId}`);
          out('\nTrust policy of the role:');
          out(JSON.stringify(info.trustPolicy, null, 2));
          for (const [type, policy] of Object.entries(info.permissionPolicies)) {
            out(`\nPermission policy (${type}):`);
            out(JSON.stringify(policy, null, 2));
          }
          out(
            '\nCloudFormation template: cloudtally accounts setup aws --cloudformation assumed_role > cloudtally-role.json',
          );
          for (const n of info.notes) out(`note: ${n}`);
        });
      },
    ),
  );
  return setup;
}
