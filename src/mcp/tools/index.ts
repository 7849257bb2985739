import type { McpTool } from '../tool-kit.js';
import { compareCostsTool } from './compare-costs.js';
import { dismissRecommendationTool } from './dismiss-recommendation.js';
import { getAwsSetupTool } from './get-aws-setup.js';
import { getBudgetStatusTool } from './get-budget-status.js';
import { getCloudAccountTool } from './get-cloud-account.js';
import { getCommitmentCoverageTool } from './get-commitment-coverage.js';
import { getCommitmentUtilizationTool } from './get-commitment-utilization.js';
import { getCostForecastTool } from './get-cost-forecast.js';
import { getDimensionValuesTool } from './get-dimension-values.js';
import { getShowbackTool } from './get-showback.js';
import { getTagValuesTool } from './get-tag-values.js';
import { listBudgetsTool } from './list-budgets.js';
import { listCloudAccountsTool } from './list-cloud-accounts.js';
import { listCommitmentsTool } from './list-commitments.js';
import { listCostAnomaliesTool } from './list-cost-anomalies.js';
import { listRecommendationsTool } from './list-recommendations.js';
import { listResourcesTool } from './list-resources.js';
import { listSavedViewsTool } from './list-saved-views.js';
import { queryCostsTool } from './query-costs.js';
import { runSavedViewTool } from './run-saved-view.js';
import { syncCloudAccountTool } from './sync-cloud-account.js';

/** Every tool the MCP server offers, in the order clients list them. */
export const TOOLS: readonly McpTool[] = [
  listCloudAccountsTool,
  getCloudAccountTool,
  syncCloudAccountTool,
  queryCostsTool,
  getDimensionValuesTool,
  getTagValuesTool,
  compareCostsTool,
  getShowbackTool,
  getCostForecastTool,
  listCostAnomaliesTool,
  listRecommendationsTool,
  dismissRecommendationTool,
  listResourcesTool,
  listBudgetsTool,
  getBudgetStatusTool,
  listSavedViewsTool,
  runSavedViewTool,
  listCommitmentsTool,
  getCommitmentUtilizationTool,
  getCommitmentCoverageTool,
  getAwsSetupTool,
];
