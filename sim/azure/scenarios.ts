/**
 * Bundled Azure scenarios. `azureSmall`: three subscriptions of one billing account billed in EUR, VMs, managed
 * disks, a public IP, a load balancer and storage, and a one-year VM reservation bought 40 days before `now` that
 * covers one VM at 75 % use (so the amortized view has covered usage and unused-reservation rows).
 * `azureSmallWorld`: the same resources as ARM shows them — a busy VM, an idle one, one stopped but not
 * deallocated (still billed for compute), one deallocated (not in the bill but for its disk), an unattached disk,
 * an unassociated public IP and one on the load balancer's frontend.
 */
import { armWorldOf, type ArmWorld } from './arm-world.js';
import type { AzureCostScenario, AzureMeter } from './cost-lines.js';

export const AZURE_SMALL_SUBSCRIPTIONS = [
  { id: '11111111-aaaa-4aaa-8aaa-000000000001', name: 'prod' },
  { id: '11111111-aaaa-4aaa-8aaa-000000000002', name: 'staging' },
  { id: '11111111-aaaa-4aaa-8aaa-000000000003', name: 'data' },
];

function meter(
  sub: number,
  rg: string,
  name: string,
  type: string,
  service: string,
  meterName: string,
  unitPrice: number,
  dailyQuantity: number,
  extra: Partial<AzureMeter> = {},
): AzureMeter {
  return {
    subscriptionId: AZURE_SMALL_SUBSCRIPTIONS[sub].id,
    resourceGroup: rg,
    resourceName: name,
    resourceType: type,
    serviceName: service,
    meterCategory: service,
    meterName,
    region: 'westeurope',
    unit: service === 'Virtual Machines' ? '1 Hour' : '1/Month',
    unitPrice,
    dailyQuantity,
    tags: { env: ['prod', 'staging', 'data'][sub], team: sub === 2 ? 'analytics' : 'web' },
    ...extra,
  };
}

const VM = 'Microsoft.Compute/virtualMachines';
const DISK = 'Microsoft.Compute/disks';
const PIP = 'Microsoft.Network/publicIPAddresses';

export function azureSmallScenario(): AzureCostScenario {
  return {
    seed: 'azure-small',
    billingAccountId: '8611537a-0000-4000-8000-000000000042:1111aaaa-2222-4bbb-8ccc-333333333333_2019-05-31',
    billingAccountName: 'Contoso Europe',
    currency: 'EUR',
    subscriptions: AZURE_SMALL_SUBSCRIPTIONS,
    months: 2,
    meters: [
      meter(0, 'rg-web', 'vm-web-1', VM, 'Virtual Machines', 'D4s v5', 0.2112, 24, { coveredBy: 'ri-d4sv5' }),
      meter(0, 'rg-web', 'vm-web-2', VM, 'Virtual Machines', 'D4s v5', 0.2112, 24),
      meter(0, 'rg-web', 'vm-web-1-osdisk', DISK, 'Storage', 'P10 LRS Disk', 0.7488, 1),
      meter(0, 'rg-web', 'vm-web-2-osdisk', DISK, 'Storage', 'P10 LRS Disk', 0.7488, 1),
      meter(0, 'rg-web', 'pip-lb-web', PIP, 'Virtual Network', 'Standard IPv4 Static Public IP', 0.0046, 24),
      meter(
        0,
        'rg-web',
        'lb-web',
        'Microsoft.Network/loadBalancers',
        'Load Balancer',
        'Standard Rule',
        0.0276,
        24,
      ),
      meter(1, 'rg-stage', 'vm-stage-1', VM, 'Virtual Machines', 'B2s', 0.0456, 24),
      meter(1, 'rg-stage', 'vm-stage-1-osdisk', DISK, 'Storage', 'P10 LRS Disk', 0.7488, 1),
      meter(1, 'rg-stage', 'disk-orphan', DISK, 'Storage', 'P20 LRS Disk', 1.4467, 1),
      meter(1, 'rg-stage', 'pip-old', PIP, 'Virtual Network', 'Standard IPv4 Static Public IP', 0.0046, 24),
      meter(2, 'rg-data', 'vm-batch-1-osdisk', DISK, 'Storage', 'P10 LRS Disk', 0.7488, 1),
      meter(
        2,
        'rg-data',
        'stdatalake',
        'Microsoft.Storage/storageAccounts',
        'Storage',
        'Hot LRS Data Stored',
        0.0184,
        5200,
      ),
    ],
    reservations: [
      {
        name: 'ri-d4sv5',
        orderId: '22222222-bbbb-4bbb-8bbb-000000000001',
        subscriptionId: AZURE_SMALL_SUBSCRIPTIONS[0].id,
        region: 'westeurope',
        vmSize: 'Standard_D4s_v5',
        amount: 1168,
        termDays: 365,
        purchasedDaysAgo: 40,
        utilization: 0.75,
      },
    ],
  };
}

export function azureSmallWorld(tenantId: string): ArmWorld {
  return armWorldOf(
    azureSmallScenario(),
    {
      vms: {
        'vm-web-1': { power: 'running', cpu: 46, vmSize: 'Standard_D4s_v5', osDisk: 'vm-web-1-osdisk' },
        'vm-web-2': { power: 'running', cpu: 1.8, vmSize: 'Standard_D4s_v5', osDisk: 'vm-web-2-osdisk' },
        'vm-stage-1': { power: 'stopped', cpu: 0, vmSize: 'Standard_B2s', osDisk: 'vm-stage-1-osdisk' },
        'vm-batch-1': {
          power: 'deallocated',
          cpu: 0,
          vmSize: 'Standard_E8s_v5',
          osDisk: 'vm-batch-1-osdisk',
        },
      },
      diskAttachedTo: {
        'vm-web-1-osdisk': 'vm-web-1',
        'vm-web-2-osdisk': 'vm-web-2',
        'vm-stage-1-osdisk': 'vm-stage-1',
        'vm-batch-1-osdisk': 'vm-batch-1',
      },
      ipOnLoadBalancer: { 'pip-lb-web': 'lb-web' },
      unbilledVms: [{ subscription: 2, resourceGroup: 'rg-data', name: 'vm-batch-1' }],
    },
    tenantId,
  );
}
