import type { VolumeDetails } from '../../../../inventory/inventory-types.js';
import {
  basisWords,
  money,
  savingFrom,
  type Finding,
  type Rule,
} from '../../../../recommendations/rule-kit.js';
import { volumeMonthlyEstimate } from './stopped-instance-volumes.js';

/** gp3 costs 20 % less than gp2 per GB-month and gives at least the same baseline performance. */
export const gp2ToGp3: Rule<'gp2_to_gp3'> = {
  name: 'gp2_to_gp3',
  noLongerApplies: 'the volume is no longer gp2, or is gone',
  async evaluate(ctx, s) {
    const findings: Finding[] = [];
    for (const r of ctx.resources) {
      if (r.type !== 'ebs_volume') continue;
      const d = r.details as unknown as VolumeDetails;
      if (d.volumeType !== 'gp2') continue;
      const saving = savingFrom(ctx, r, s.savingsRatio, () => volumeMonthlyEstimate(r));
      if (!saving || saving.monthlySavings <= 0) continue;
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `Convert ${r.name ?? r.id} (${d.sizeGiB} GiB) from gp2 to gp3`,
        reason:
          `gp2 volume of ${d.sizeGiB} GiB; gp3 costs ${Math.round(s.savingsRatio * 100)} % less per GB-month, ` +
          `applied to ${money(saving.monthlyCost, ctx.currency)} ${basisWords(saving.basis)}`,
        evidence: {
          volumeType: d.volumeType,
          sizeGiB: d.sizeGiB,
          iops: d.iops,
          savingsRatio: s.savingsRatio,
          monthlyCost: saving.monthlyCost,
        },
        action:
          'Modify the volume to gp3 (online, no detach needed; keep 3000 IOPS / 125 MB/s or raise them to match)',
        monthlySavings: saving.monthlySavings,
        savingsBasis: saving.basis,
      });
    }
    return { findings, evaluated: true };
  },
};
