import type { Migration } from './types.js';

// AWS cost categories on every line item: the categories a CUR 2.0 `cost_category` map, a legacy CUR's
// `costCategory/NAME` columns or Cost Explorer's COST_CATEGORY grouping give the line, as JSON object text
// (name → value), queried as the `costCategory:NAME` dimension. Rows stored before this step have none until
// their period is loaded again.
export const costCategoriesMigration: Migration = {
  id: 37,
  name: 'cost_line_items: cost categories of each line',
  statements: ['ALTER TABLE cost_line_items ADD COLUMN x_cost_categories TEXT'],
};
