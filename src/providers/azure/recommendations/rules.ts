import type { Rule } from '../../../recommendations/rule-kit.js';
import { azureIdleVm } from './rules/azure-idle-vm.js';
import { azureStoppedVm } from './rules/azure-stopped-vm.js';
import { azureUnassociatedPublicIp } from './rules/azure-unassociated-public-ip.js';
import { azureUnattachedDisk } from './rules/azure-unattached-disk.js';

/** The Azure rules, in the order they run: a VM stopped but still billed is not also judged idle. */
export const AZURE_RULES = [
  azureStoppedVm,
  azureIdleVm,
  azureUnattachedDisk,
  azureUnassociatedPublicIp,
] as unknown as readonly Rule[];
