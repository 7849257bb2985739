import { defineTool, READ_ONLY, table } from '../tool-kit.js';
import { ok } from '../api-caller.js';

/** A saved range in words: "last 3 full months" or "2024-01-01 to 2024-03-31". */
export function rangeText(range: { relative: string } | { from: string; to: string }): string {
  return 'relative' in range ? range.relative.replace(/_/g, ' ') : `${range.from} to ${range.to}`;
}

export const listSavedViewsTool = defineTool({
  name: 'list_saved_views',
  title: 'List saved views',
  description:
    'The saved cost explorer views the user sees (their own and those shared with the organization): name, date range (relative ranges such as "last 3 full months" move with today), grouping, filters, cost basis, whether shared and pinned to the Overview. Run one with run_saved_view.',
  annotations: READ_ONLY,
  args: {},
  async execute(_args, api) {
    const { items } = await ok(api.GET('/api/v1/saved-views'));
    if (items.length === 0)
      return 'No saved views yet. Save one in Cloudtally’s Cost explorer (Save view) or with POST /api/v1/saved-views.';
    return [
      `${items.length} saved view${items.length === 1 ? '' : 's'}:`,
      '',
      table(
        ['name', 'range', 'group by', 'filters', 'basis', 'shared', 'pinned', 'id'],
        items.map((v) => [
          v.name,
          rangeText(v.query.range),
          v.query.groupBy.join(', ') || 'total',
          [...v.query.filter, ...v.query.exclude.map((e) => `not ${e}`)].join('; ') || 'none',
          v.query.basis,
          v.visibility === 'organization' ? 'organization' : 'private',
          v.pinned ? 'yes' : 'no',
          v.id,
        ]),
        100,
        'name the view you want',
      ),
    ].join('\n');
  },
});
