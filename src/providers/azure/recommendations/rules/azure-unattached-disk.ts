import { daysBetween, type Finding, type Rule } from '../../../../recommendations/rule-kit.js';
import type { AzureDiskDetails } from '../../inventory/azure-resources.js';
import { billedSaving, resourcesOf } from './rule-helpers.js';

/** A managed disk attached to no VM (`diskState` Unattached) is billed in full for nothing. */
export const azureUnattachedDisk: Rule<'azure_unattached_disk'> = {
  name: 'azure_unattached_disk',
  noLongerApplies: 'the disk is attached again or gone',
  async evaluate(ctx, s) {
    const findings: Finding[] = [];
    for (const r of resourcesOf(ctx, 'azure_disk')) {
      const d = r.details as unknown as AzureDiskDetails;
      if (d.diskState !== 'Unattached' || d.managedBy) continue;
      const since = new Date(d.unattachedSince ?? r.firstSeenAt.toISOString());
      const days = daysBetween(since, ctx.now);
      if (days < s.minDays) continue;
      const saving = billedSaving(ctx, r);
      if (!saving) continue;
      ctx.claimed.add(r.id);
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `Unattached managed disk ${r.name ?? r.id} (${d.sku ?? 'disk'}, ${d.sizeGb ?? '?'} GiB)`,
        reason: `attached to no VM for ${Math.floor(days)} days (since ${since.toISOString().slice(0, 10)}); ${saving.words}`,
        evidence: {
          diskState: d.diskState,
          sku: d.sku,
          sizeGb: d.sizeGb,
          unattachedSince: since.toISOString(),
          monthlyCost: saving.monthlyCost,
        },
        action: 'Take a snapshot if the data may be needed, then delete the disk',
        monthlySavings: saving.monthlySavings,
        savingsBasis: saving.basis,
      });
    }
    return { findings, evaluated: true };
  },
};
