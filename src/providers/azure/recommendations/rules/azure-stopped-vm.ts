import type { Finding, Rule } from '../../../../recommendations/rule-kit.js';
import type { AzureVmDetails } from '../../inventory/azure-resources.js';
import { billedSaving, resourcesOf } from './rule-helpers.js';

/**
 * A VM stopped from inside its OS (power state `stopped`) keeps its compute allocated and billed; only a
 * deallocated VM stops the compute charge. The saving is the VM's own bill (its disks are billed apart).
 */
export const azureStoppedVm: Rule<'azure_stopped_vm'> = {
  name: 'azure_stopped_vm',
  noLongerApplies: 'the VM is running, deallocated or gone',
  async evaluate(ctx) {
    const findings: Finding[] = [];
    for (const r of resourcesOf(ctx, 'azure_vm')) {
      const d = r.details as unknown as AzureVmDetails;
      if (d.powerState !== 'stopped') continue;
      const saving = billedSaving(ctx, r);
      if (!saving) continue;
      ctx.claimed.add(r.id);
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `VM ${r.name ?? r.id} is stopped but not deallocated (${d.vmSize})`,
        reason: `its power state is stopped, so its compute is still allocated and billed; ${saving.words}`,
        evidence: { powerState: d.powerState, vmSize: d.vmSize, monthlyCost: saving.monthlyCost },
        action: `Deallocate it (az vm deallocate -g ${d.resourceGroup} -n ${r.name ?? ''}) or delete it if it is no longer needed`,
        monthlySavings: saving.monthlySavings,
        savingsBasis: saving.basis,
      });
    }
    return { findings, evaluated: true };
  },
};
