import type { AddressDetails } from '../../../../inventory/inventory-types.js';
import { HOURS_PER_MONTH, listPrices } from '../prices.js';
import {
  basisWords,
  daysBetween,
  money,
  savingFrom,
  type Finding,
  type Rule,
} from '../../../../recommendations/rule-kit.js';

/** An Elastic IP associated with nothing is billed by the hour for no use. */
export const unassociatedEip: Rule<'unassociated_eip'> = {
  name: 'unassociated_eip',
  noLongerApplies: 'the address is associated again or released',
  async evaluate(ctx, s) {
    const findings: Finding[] = [];
    const addresses = ctx.resources.filter((r) => r.type === 'elastic_ip' && r.state === 'unassociated');
    const ips = addresses
      .map((r) => (r.details as unknown as AddressDetails).publicIp)
      .filter((ip): ip is string => Boolean(ip));
    const idleInBill = await ctx.idleAddressSince(ips);
    for (const r of addresses) {
      const d = r.details as unknown as AddressDetails;
      // AWS reports no association time: our own observation wins, then the bill's idle-address charges.
      const billSince = d.publicIp ? idleInBill.get(d.publicIp) : undefined;
      const since = d.unassociatedSince
        ? new Date(d.unassociatedSince)
        : billSince
          ? new Date(`${billSince}T00:00:00Z`)
          : r.firstSeenAt;
      const days = daysBetween(since, ctx.now);
      if (days < s.minDays) continue;
      const saving = savingFrom(ctx, r, 1, () => listPrices().publicIpv4Hourly * HOURS_PER_MONTH);
      if (!saving || saving.monthlySavings <= 0) continue;
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `Unassociated Elastic IP ${d.publicIp ?? r.id}`,
        reason:
          `associated with nothing for ${Math.floor(days)} days (since ${since.toISOString().slice(0, 10)}` +
          `${!d.unassociatedSince && billSince ? ', per idle-address charges in the bill' : ''}); ` +
          `it cost ${money(saving.monthlyCost, ctx.currency)} ${basisWords(saving.basis)}`,
        evidence: {
          publicIp: d.publicIp,
          allocationId: d.allocationId,
          unassociatedSince: since.toISOString(),
          unassociatedDays: Math.floor(days),
          monthlyCost: saving.monthlyCost,
        },
        action: 'Release the address (check first that no DNS record or allow-list points at it)',
        monthlySavings: saving.monthlySavings,
        savingsBasis: saving.basis,
      });
    }
    return { findings, evaluated: true };
  },
};
