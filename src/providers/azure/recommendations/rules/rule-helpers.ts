/** What the Azure rules share: the resources of one Azure type, and the words of a saving taken from the bill. */
import type { StoredResource } from '../../../../inventory/resource-store.js';
import { basisWords, money, savingFrom, type RuleContext } from '../../../../recommendations/rule-kit.js';
import type { AzureResourceType } from '../../inventory/azure-resources.js';

export function resourcesOf(ctx: RuleContext, type: AzureResourceType): StoredResource[] {
  return ctx.resources.filter((r) => (r.type as string) === type);
}

/**
 * The whole bill of a resource over the savings window as the monthly saving of removing it (no list-price
 * estimate: without a bill line for it there is no finding). Null when the bill has no line or it cost nothing.
 */
export function billedSaving(ctx: RuleContext, r: StoredResource) {
  const saving = savingFrom(ctx, r, 1, () => null);
  if (!saving || saving.monthlySavings <= 0) return null;
  return {
    ...saving,
    words: `it cost ${money(saving.monthlyCost, ctx.currency)} ${basisWords(saving.basis)}`,
  };
}
