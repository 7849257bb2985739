import type { Finding, Rule } from '../../../../recommendations/rule-kit.js';
import type { AzurePublicIpDetails } from '../../inventory/azure-resources.js';
import { billedSaving, resourcesOf } from './rule-helpers.js';

/** A public IP address associated with nothing (no IP configuration, no NAT gateway) is billed for nothing. */
export const azureUnassociatedPublicIp: Rule<'azure_unassociated_public_ip'> = {
  name: 'azure_unassociated_public_ip',
  noLongerApplies: 'the address is associated again or gone',
  async evaluate(ctx) {
    const findings: Finding[] = [];
    for (const r of resourcesOf(ctx, 'azure_public_ip')) {
      const d = r.details as unknown as AzurePublicIpDetails;
      if (d.ipConfigurationId || d.natGatewayId) continue;
      const saving = billedSaving(ctx, r);
      if (!saving) continue;
      ctx.claimed.add(r.id);
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `Unassociated public IP ${r.name ?? r.id}${d.ipAddress ? ` (${d.ipAddress})` : ''}`,
        reason: `associated with no network interface, load balancer or NAT gateway; ${saving.words}`,
        evidence: {
          ipAddress: d.ipAddress,
          sku: d.sku,
          allocation: d.allocation,
          monthlyCost: saving.monthlyCost,
        },
        action: 'Delete the address if nothing will use it again (a static address is released for good)',
        monthlySavings: saving.monthlySavings,
        savingsBasis: saving.basis,
      });
    }
    return { findings, evaluated: true };
  },
};
