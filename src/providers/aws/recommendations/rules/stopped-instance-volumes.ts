import type { InstanceDetails, VolumeDetails } from '../../../../inventory/inventory-types.js';
import type { StoredResource } from '../../../../inventory/resource-store.js';
import { listPrices } from '../prices.js';
import {
  basisWords,
  daysBetween,
  money,
  round2,
  savingFrom,
  type Finding,
  type Rule,
} from '../../../../recommendations/rule-kit.js';

export function volumeMonthlyEstimate(v: StoredResource): number {
  const d = v.details as unknown as VolumeDetails;
  const perGb = listPrices().ebsGbMonth[d.volumeType] ?? listPrices().ebsGbMonth.gp2;
  return d.sizeGiB * perGb;
}

/** A stopped instance costs nothing for compute, but its volumes are still billed. */
export const stoppedInstanceVolumes: Rule<'stopped_instance_volumes'> = {
  name: 'stopped_instance_volumes',
  noLongerApplies: 'the instance is running again, gone, or has no volumes left',
  async evaluate(ctx, s) {
    const findings: Finding[] = [];
    const volumesOf = new Map<string, StoredResource[]>();
    for (const v of ctx.resources) {
      if (v.type !== 'ebs_volume') continue;
      for (const a of (v.details as unknown as VolumeDetails).attachments) {
        volumesOf.set(a.instanceId, [...(volumesOf.get(a.instanceId) ?? []), v]);
      }
    }
    for (const r of ctx.resources) {
      if (r.type !== 'ec2_instance' || r.state !== 'stopped') continue;
      const d = r.details as unknown as InstanceDetails;
      const since = new Date(d.stoppedSince ?? d.stoppedAt ?? r.firstSeenAt.toISOString());
      const stoppedDays = daysBetween(since, ctx.now);
      if (stoppedDays < s.minStoppedDays) continue;
      const volumes = volumesOf.get(r.id) ?? [];
      if (volumes.length === 0) continue;
      let total = 0;
      let monthlyCost = 0;
      let estimated = false;
      const perVolume = volumes.map((v) => {
        const saving = savingFrom(ctx, v, 1, () => volumeMonthlyEstimate(v));
        const vd = v.details as unknown as VolumeDetails;
        total += saving?.monthlySavings ?? 0;
        monthlyCost += saving?.monthlyCost ?? 0;
        if (saving?.basis === 'estimate') estimated = true;
        return {
          volumeId: v.id,
          type: vd.volumeType,
          sizeGiB: vd.sizeGiB,
          monthlyCost: saving?.monthlyCost ?? 0,
        };
      });
      total = round2(total);
      if (total <= 0) continue;
      const basis = estimated ? 'estimate' : 'bill';
      for (const v of volumes) ctx.claimed.add(v.id);
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `Stopped instance ${r.name ?? r.id} still pays for ${volumes.length} volume${volumes.length > 1 ? 's' : ''}`,
        reason:
          `stopped for ${Math.floor(stoppedDays)} days (since ${since.toISOString().slice(0, 10)}) with ` +
          `${perVolume.map((v) => `${v.volumeId} (${v.type}, ${v.sizeGiB} GiB)`).join(', ')} attached; ` +
          `the volumes cost ${money(round2(monthlyCost), ctx.currency)} ${basisWords(basis)}`,
        evidence: {
          instanceType: d.instanceType,
          stoppedSince: since.toISOString(),
          stoppedDays: Math.floor(stoppedDays),
          volumes: perVolume,
        },
        action: 'Snapshot the volumes and delete them (terminate the instance if it is no longer needed)',
        monthlySavings: total,
        savingsBasis: basis,
      });
    }
    return { findings, evaluated: true };
  },
};
