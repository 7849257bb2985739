/**
 * The Bicep template of an Azure connection's role assignments: Cost Management Reader and Reader on the export's
 * scope (a subscription or a management group) and Storage Blob Data Reader on the export's container, as two files
 * (the scope's deployment and a module in the storage account's resource group), with the `az` commands that deploy
 * them. A billing account scope takes a billing role, which is assigned in Cost Management, not by a template.
 */
import type { ScopeType } from './azure-schemas.js';

export interface BicepFile {
  name: string;
  content: string;
}

export interface AzureBicep {
  files: BicepFile[];
  /** The `az` commands that deploy the files, with the caller's values where given. */
  deploy: string[];
  note?: string;
}

/** Built-in role definition IDs (the same in every tenant). */
export const ROLE_IDS = {
  costManagementReader: '72fafb9e-0641-4937-9268-a91bfd8191a3',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
} as const;

export const STORAGE_MODULE = 'cloudtally-storage.bicep';
export const SCOPE_TEMPLATE = 'cloudtally-reader.bicep';

const storageModule = (
  container: string,
) => `// Storage Blob Data Reader on the export's container (deployed in the storage account's resource group).
targetScope = 'resourceGroup'

@description('Object ID of the service principal Cloudtally signs in as')
param principalId string
param storageAccountName string
param containerName string = '${container}'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}
resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}
resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: containerName
}

resource blobReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(container.id, principalId, '${ROLE_IDS.storageBlobDataReader}')
  scope: container
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${ROLE_IDS.storageBlobDataReader}')
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
`;

function scopeTemplate(scopeType: 'subscription' | 'managementGroup', v: BicepValues): string {
  const target = scopeType === 'subscription' ? 'subscription' : 'managementGroup';
  const here = scopeType === 'subscription' ? 'subscription().id' : 'managementGroup().id';
  // Built-in roles are tenant-wide definitions; a management group names them from the tenant.
  const roleId = (id: string) =>
    scopeType === 'subscription'
      ? `subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${id}')`
      : `tenantResourceId('Microsoft.Authorization/roleDefinitions', '${id}')`;
  const assignment = (resource: string, id: string, why: string) => `// ${why}
resource ${resource} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(${here}, principalId, '${id}')
  properties: {
    roleDefinitionId: ${roleId(id)}
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
`;
  return `// Cloudtally's read-only access to an Azure cost export and to the resources of its scope.
targetScope = '${target}'

@description('Object ID of the service principal (az ad sp show --id APP_ID --query id -o tsv)')
param principalId string
@description('Subscription of the storage account the export writes to')
param storageSubscriptionId string = '${v.storageSubscription}'
param storageResourceGroup string = '${v.resourceGroup}'
param storageAccountName string = '${v.storageAccount}'
param containerName string = '${v.container}'

${assignment('costReader', ROLE_IDS.costManagementReader, 'Cost Management Reader: the export and its runs')}
${assignment('reader', ROLE_IDS.reader, 'Reader: discovery of virtual machines, disks, public IPs and load balancers')}
// Storage Blob Data Reader on the container: a module in the storage account's resource group.
module storage '${STORAGE_MODULE}' = {
  name: 'cloudtally-storage-reader'
  scope: resourceGroup(storageSubscriptionId, storageResourceGroup)
  params: {
    principalId: principalId
    storageAccountName: storageAccountName
    containerName: containerName
  }
}
`;
}

export interface BicepValues {
  scopeId: string;
  storageAccount: string;
  resourceGroup: string;
  container: string;
  storageSubscription: string;
  clientId: string;
}

export function azureBicep(scopeType: ScopeType, v: BicepValues): AzureBicep {
  const principal = `PRINCIPAL_ID=$(az ad sp show --id ${v.clientId} --query id -o tsv)`;
  if (scopeType === 'billingAccount')
    return {
      files: [{ name: STORAGE_MODULE, content: storageModule(v.container) }],
      deploy: [
        principal,
        `az deployment group create --resource-group ${v.resourceGroup} --subscription ${v.storageSubscription} --template-file ${STORAGE_MODULE} --parameters principalId=$PRINCIPAL_ID storageAccountName=${v.storageAccount}`,
      ],
      note: 'A billing account scope takes the billing role "Billing account reader" (Cost Management → Access control), which no template assigns; the template gives the container access.',
    };
  const where =
    scopeType === 'subscription'
      ? `az deployment sub create --subscription ${v.scopeId} --location westeurope`
      : `az deployment mg create --management-group-id ${v.scopeId} --location westeurope`;
  return {
    files: [
      { name: SCOPE_TEMPLATE, content: scopeTemplate(scopeType, v) },
      { name: STORAGE_MODULE, content: storageModule(v.container) },
    ],
    deploy: [principal, `${where} --template-file ${SCOPE_TEMPLATE} --parameters principalId=$PRINCIPAL_ID`],
  };
}
