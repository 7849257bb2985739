import type { AllocationService } from '../allocation/allocation-service.js';
import { showbackCsv } from '../allocation/showback.js';
import type { Principal } from '../auth/permissions.js';
import { costAnswerCsv } from '../costs/cost-csv.js';
import { toUnits, unitsToNumber } from '../costs/exact-money.js';
import { NotFoundError } from '../lib/errors.js';
import type { ReportPorts } from '../notifications/reports/report-ports.js';
import { viewFileName, type SavedViewService } from '../saved-views/saved-view-service.js';

const rowsOf = (csv: string) => csv.split('\r\n').filter(Boolean).length - 1;

/**
 * The scheduled reports' reads: the showback report and saved views through their services, rendered by the same
 * CSV functions as their routes' `format=csv`, so an e-mailed report holds what the API answers.
 */
export function reportPorts(
  allocation: Pick<AllocationService, 'get' | 'showback'>,
  savedViews: Pick<SavedViewService, 'get' | 'run'>,
  principalOf: (orgId: string, userId: string) => Promise<Principal | null>,
): ReportPorts {
  return {
    dimension: async (orgId, name) => (await allocation.get(orgId, name)).name,
    viewName: async (principal, id) => (await savedViews.get(principal, id)).name,
    async showback(orgId, dimension, month, basis) {
      const a = await allocation.showback(orgId, dimension, { from: month, to: month, basis });
      const csv = showbackCsv(a);
      return {
        title: `Showback of ${a.dimension}`,
        period: a.from === a.to ? a.from : `${a.from} to ${a.to}`,
        basis: a.basis,
        currency: a.currency,
        total: unitsToNumber(a.rows.reduce((s, r) => s + toUnits(r.total), 0n)),
        rows: rowsOf(csv),
        filename: `cloudtally-showback-${a.dimension}-${a.from}-${a.to}.csv`,
        csv,
        path: '/allocation',
      };
    },
    async savedView(orgId, userId, viewId) {
      const principal = await principalOf(orgId, userId);
      if (!principal)
        return {
          unavailable: 'The person who scheduled this report is no longer a member of the organization.',
        };
      try {
        const r = await savedViews.run(principal, viewId);
        const csv = costAnswerCsv(r.answer);
        return {
          title: `Saved view “${r.view.name}”`,
          period: `${r.from} to ${r.to}`,
          basis: r.answer.basis,
          currency: r.answer.currency,
          total: r.answer.total,
          rows: rowsOf(csv),
          filename: viewFileName(r.view.name, r.from, r.to),
          csv,
          path: '/saved-views',
        };
      } catch (err) {
        if (err instanceof NotFoundError)
          return {
            unavailable: `The saved view ${viewId} was removed (or is no longer shared with the person who scheduled it).`,
          };
        throw err;
      }
    },
  };
}
