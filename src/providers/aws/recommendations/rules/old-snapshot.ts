import type { SnapshotDetails } from '../../../../inventory/inventory-types.js';
import { listPrices } from '../prices.js';
import {
  basisWords,
  daysBetween,
  money,
  savingFrom,
  type Finding,
  type Rule,
} from '../../../../recommendations/rule-kit.js';

/** An old snapshot that no image uses is usually forgotten; it is billed every month. */
export const oldSnapshot: Rule<'old_snapshot'> = {
  name: 'old_snapshot',
  noLongerApplies: 'the snapshot is now used by an image, or is gone',
  async evaluate(ctx, s) {
    const findings: Finding[] = [];
    for (const r of ctx.resources) {
      if (r.type !== 'ebs_snapshot') continue;
      const d = r.details as unknown as SnapshotDetails;
      // Unknown use (the image list failed) is not "unused".
      if (!Array.isArray(d.usedByImages) || d.usedByImages.length > 0 || !d.startTime) continue;
      const age = daysBetween(new Date(d.startTime), ctx.now);
      if (age < s.minAgeDays) continue;
      // A full-size estimate overstates incremental snapshots; it is used only when the bill is silent.
      const saving = savingFrom(ctx, r, 1, () => d.volumeSizeGiB * listPrices().snapshotGbMonth);
      if (!saving || saving.monthlySavings <= 0) continue;
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `Old snapshot ${r.name ?? r.id} (${d.volumeSizeGiB} GiB, ${Math.floor(age)} days)`,
        reason:
          `taken ${Math.floor(age)} days ago (${d.startTime.slice(0, 10)}) from ${d.volumeId ?? 'an unknown volume'} ` +
          `and used by no image; it cost ${money(saving.monthlyCost, ctx.currency)} ${basisWords(saving.basis)}`,
        evidence: {
          ageDays: Math.floor(age),
          startTime: d.startTime,
          volumeId: d.volumeId,
          volumeSizeGiB: d.volumeSizeGiB,
          monthlyCost: saving.monthlyCost,
        },
        action: 'Delete the snapshot, or move it to the archive tier if it must be kept',
        monthlySavings: saving.monthlySavings,
        savingsBasis: saving.basis,
      });
    }
    return { findings, evaluated: true };
  },
};
