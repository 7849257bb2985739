import type { Command } from 'commander';
import { InputError } from '../../lib/errors.js';
import { action, printJson, type StoreFlags } from '../common.js';
import { withBackend, withFlags, type ClientFlags } from './account-backend.js';

interface SetupAzureFlags {
  scopeType?: string;
  scopeId?: string;
  clientId?: string;
  storageAccount?: string;
  resourceGroup?: string;
  container?: string;
  bicep?: string;
  json?: boolean;
}

/** `accounts setup azure`: the role assignments, the `az` commands and the Bicep template (GET /api/v1/setup/azure). */
export function registerAzureSetupCommand(setup: Command): void {
  withFlags(
    setup
      .command('azure')
      .description("The service principal's role assignments, the az commands and a Bicep template")
      .option('--scope-type <type>', 'billingAccount, subscription (default) or managementGroup')
      .option('--scope-id <id>', 'fill the scope ID in')
      .option('--client-id <guid>', "fill the app registration's client ID in")
      .option('--storage-account <name>', 'fill the storage account in')
      .option('--resource-group <name>', "fill the storage account's resource group in")
      .option('--container <name>', 'fill the container in')
      .option(
        '--bicep <file>',
        'print only this Bicep file (cloudtally-reader.bicep or cloudtally-storage.bicep)',
      )
      .option('--json', 'print everything as JSON'),
  ).action(
    action(async (flags: StoreFlags & ClientFlags & SetupAzureFlags) => {
      await withBackend(flags, async (b) => {
        const info = await b.setupAzure({
          scopeType: flags.scopeType,
          scopeId: flags.scopeId,
          clientId: flags.clientId,
          storageAccount: flags.storageAccount,
          resourceGroup: flags.resourceGroup,
          container: flags.container,
        });
        if (flags.json) return printJson(info);
        const out = (s: string) => process.stdout.write(`${s}\n`);
        if (flags.bicep) {
          const file = info.bicep.files.find((f) => f.name === flags.bicep);
          if (!file)
            throw new InputError(
              'bicep',
              `--bicep must be one of ${info.bicep.files.map((f) => f.name).join(', ')}`,
            );
          return out(file.content.trimEnd());
        }
        out('Role assignments of the service principal:');
        for (const r of info.roles) out(`  ${r.role.padEnd(26)} on ${r.scope}\n  ${' '.repeat(26)} ${r.why}`);
        out('\nWith the az CLI:');
        for (const c of info.commands) out(`  ${c}`);
        out(
          `\nAs Bicep (${info.bicep.files.map((f) => f.name).join(', ')}: print each with --bicep FILE), deployed with:`,
        );
        for (const c of info.bicep.deploy) out(`  ${c}`);
        if (info.bicep.note) out(`note: ${info.bicep.note}`);
      });
    }),
  );
}
