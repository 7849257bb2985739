/**
 * What a person does in Azure before connecting: an app registration with a client secret (the service principal),
 * the role assignments it needs, and the `az` commands that make them, with the caller's values filled in.
 */
import type { SetupHelp } from '../../provider.js';
import { armScopeOf, SCOPE_TYPES, type ScopeType } from './azure-schemas.js';
import { azureBicep, type AzureBicep } from './setup-bicep.js';

export interface AzureRoleAssignment {
  role: string;
  scope: string;
  why: string;
}

export interface AzureSetup {
  roles: AzureRoleAssignment[];
  commands: string[];
  /** The same role assignments as a Bicep template (with its module) and the commands that deploy it. */
  bicep: AzureBicep;
}

const pick = (o: Record<string, unknown>, k: string, fallback: string) =>
  typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : fallback;

/** The role assignments and `az` commands for a connection; placeholders in capitals where a value is not given. */
export function azureSetup(options: Record<string, unknown> = {}): AzureSetup {
  const scopeType = (SCOPE_TYPES as readonly string[]).includes(String(options.scopeType))
    ? (options.scopeType as ScopeType)
    : 'subscription';
  const scopeId = pick(options, 'scopeId', 'SCOPE_ID');
  const scope = armScopeOf({ scopeType, scopeId });
  const account = pick(options, 'storageAccount', 'STORAGE_ACCOUNT');
  const group = pick(options, 'resourceGroup', 'RESOURCE_GROUP');
  const container = pick(options, 'container', 'CONTAINER');
  const clientId = pick(options, 'clientId', '$APP_ID');
  const storageScope = `$(az storage account show -n ${account} -g ${group} --query id -o tsv)/blobServices/default/containers/${container}`;
  return {
    roles: [
      {
        role: 'Cost Management Reader',
        scope,
        why: 'Read the cost export definition and its runs (billing account scopes use the billing role "Billing account reader" instead).',
      },
      {
        role: 'Storage Blob Data Reader',
        scope: `container ${container} of the storage account ${account}`,
        why: 'List and read the export files and their manifest.json.',
      },
      {
        role: 'Reader',
        scope,
        why: 'Discovery of resources (virtual machines, disks, public IPs, load balancers).',
      },
    ],
    commands: [
      `APP_ID=$(az ad app create --display-name cloudtally-reader --query appId -o tsv)`,
      `az ad sp create --id ${clientId}`,
      `az ad app credential reset --id ${clientId} --display-name cloudtally --years 1   # prints the tenant and the secret (password)`,
      `az role assignment create --assignee ${clientId} --role "Cost Management Reader" --scope ${scope}`,
      `az role assignment create --assignee ${clientId} --role "Storage Blob Data Reader" --scope "${storageScope}"`,
      `az role assignment create --assignee ${clientId} --role "Reader" --scope ${scope}`,
    ],
    bicep: azureBicep(scopeType, {
      scopeId,
      storageAccount: account,
      resourceGroup: group,
      container,
      clientId,
      storageSubscription: pick(
        options,
        'storageSubscriptionId',
        scopeType === 'subscription' ? scopeId : 'STORAGE_SUBSCRIPTION_ID',
      ),
    }),
  };
}

export const azureSetupHelp: SetupHelp = {
  route: '/setup/azure',
  policies: (_type, options) => azureSetup(options),
};
