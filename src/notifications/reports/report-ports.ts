import type { Principal } from '../../auth/permissions.js';
import type { CostBasis } from '../../costs/cost-query.js';
import type { IsoDate } from '../../lib/dates.js';
import type { ReportFile } from './report-message.js';

/** What scheduled reports read of other domains: the showback report and saved views, as their API answers them. */
export interface ReportPorts {
  /** The allocation dimension's name as stored; throws the NotFoundError of an unknown one. */
  dimension(orgId: string, name: string): Promise<string>;
  /** The saved view's name, when the caller sees it; throws the NotFoundError of one they do not. */
  viewName(principal: Principal, viewId: string): Promise<string>;
  /** The showback report of the month of `month` (any day of it), CSV as `format=csv` answers it. */
  showback(orgId: string, dimension: string, month: IsoDate, basis: CostBasis): Promise<ReportFile>;
  /**
   * The saved view run today as the person who scheduled it (its range resolved as `run` resolves it), CSV as
   * `format=csv` answers it; or why it cannot run: the view was removed, or its person left.
   */
  savedView(orgId: string, userId: string, viewId: string): Promise<ReportFile | { unavailable: string }>;
}
