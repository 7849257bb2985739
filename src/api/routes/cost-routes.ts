import type { AppContext } from '../../app/context.js';
import type { Api } from '../route-kit.js';
import { registerAnomalyListRoutes } from './costs/anomaly-list-routes.js';
import { registerCostQueryRoutes } from './costs/cost-query-routes.js';
import { registerForecastRoute } from './costs/forecast-route.js';
import { registerLineItemExportRoute } from './costs/line-item-export-route.js';
import { registerMoversRoute } from './costs/movers-route.js';
import { registerSummaryRoute } from './costs/summary-route.js';

export { AnomalySchema } from './costs/anomaly-list-routes.js';
export { CostAnswerSchema } from './costs/cost-answer-schema.js';
export { csvResponse } from './costs/cost-params.js';

/** The cost routes (src/api/routes/costs, one file each), in the order the OpenAPI document lists them. */
export function registerCostRoutes(app: Api, ctx: AppContext): void {
  registerCostQueryRoutes(app, ctx);
  registerSummaryRoute(app, ctx);
  registerMoversRoute(app, ctx);
  registerForecastRoute(app, ctx);
  registerAnomalyListRoutes(app, ctx);
  registerLineItemExportRoute(app, ctx);
}
