import { money } from '../../format';
import type { CloudAccount, MemberAccount, NotImportedSummary } from '../../types';

/**
 * What the Accounts page says about a member's costs, from where the API says they stand (src/accounts/README.md
 * has the table), so that the text always agrees with the totals.
 */
export function memberCostsText(payer: CloudAccount, m: MemberAccount): string {
  switch (m.costs) {
    case 'imported':
      return m.connected
        ? 'Its costs are imported.'
        : 'Its costs are imported with the payer’s (the payer imports all member accounts); connect it to also see its resources and utilization.';
    case 'import_pending':
      return m.connected
        ? 'Connected: the payer’s re-import that adds its costs is queued.'
        : 'Its costs are imported with the payer’s at the payer’s next import.';
    case 'removal_pending':
      return 'Removed: its costs stay in the totals until the payer’s re-import, which is queued, leaves them out.';
    case 'not_imported':
      return 'Its costs are not imported until it is connected.';
    case 'none':
      return payer.memberImport === 'all'
        ? 'The payer’s latest bill holds no costs of it; they are imported with the payer’s when it has some.'
        : 'The payer’s latest bill holds no costs of it; connect it to import them when it has some.';
  }
}

/** "Not imported from this payer's bill (2024-05): 2 member accounts, $12.40: a (1111…), b (2222…)." */
export function notImportedText(ni: NotImportedSummary): string {
  const names = ni.list.map((a) => (a.name ? `${a.name} (${a.awsAccountId})` : a.awsAccountId)).join(', ');
  const cost = ni.cost !== null ? `, ${money(ni.cost, ni.currency ?? 'USD')}` : '';
  return `Not imported from this payer’s bill (${ni.billingPeriod.slice(0, 7)}): ${ni.accounts} member account${
    ni.accounts === 1 ? '' : 's'
  }${cost}: ${names}.`;
}
