import type { VolumeDetails } from '../../../../inventory/inventory-types.js';
import {
  basisWords,
  daysBetween,
  money,
  savingFrom,
  type Finding,
  type Rule,
} from '../../../../recommendations/rule-kit.js';
import { volumeMonthlyEstimate } from './stopped-instance-volumes.js';

/** A volume attached to nothing is paid for in full. */
export const unattachedVolume: Rule<'unattached_volume'> = {
  name: 'unattached_volume',
  noLongerApplies: 'the volume is attached again or gone',
  async evaluate(ctx, s) {
    const findings: Finding[] = [];
    for (const r of ctx.resources) {
      if (r.type !== 'ebs_volume') continue;
      const d = r.details as unknown as VolumeDetails;
      if (d.attachments.length > 0) continue;
      const since = new Date(d.unattachedSince ?? d.createTime ?? r.firstSeenAt.toISOString());
      const days = daysBetween(since, ctx.now);
      if (days < s.minDays) continue;
      const saving = savingFrom(ctx, r, 1, () => volumeMonthlyEstimate(r));
      if (!saving || saving.monthlySavings <= 0) continue;
      ctx.claimed.add(r.id);
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `Unattached volume ${r.name ?? r.id} (${d.volumeType}, ${d.sizeGiB} GiB)`,
        reason:
          `attached to nothing for ${Math.floor(days)} days (since ${since.toISOString().slice(0, 10)}); ` +
          `it cost ${money(saving.monthlyCost, ctx.currency)} ${basisWords(saving.basis)}`,
        evidence: {
          volumeType: d.volumeType,
          sizeGiB: d.sizeGiB,
          unattachedSince: since.toISOString(),
          unattachedDays: Math.floor(days),
          monthlyCost: saving.monthlyCost,
        },
        action: 'Snapshot the volume if the data may be needed, then delete it',
        monthlySavings: saving.monthlySavings,
        savingsBasis: saving.basis,
      });
    }
    return { findings, evaluated: true };
  },
};
