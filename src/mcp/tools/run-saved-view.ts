import { z } from 'zod';
import { defineTool, money, READ_ONLY, table, ToolInputError } from '../tool-kit.js';
import { ok } from '../api-caller.js';
import { rangeText } from './list-saved-views.js';

export const runSavedViewTool = defineTool({
  name: 'run_saved_view',
  title: 'Run a saved view',
  description:
    'Runs one saved cost explorer view as of today: a relative range ("last 3 full months") is resolved to dates first. Answers the total and the groups, largest first, with their share. Find views with list_saved_views.',
  annotations: READ_ONLY,
  args: {
    view: z.string().min(1).describe('The saved view’s name or id (list_saved_views shows both)'),
    limit: z.number().int().min(1).max(100).optional().describe('Groups listed (default 20)'),
  },
  async execute(args, api) {
    const { items } = await ok(api.GET('/api/v1/saved-views'));
    const match =
      items.find((v) => v.id === args.view) ??
      items.find((v) => v.name === args.view) ??
      items.find((v) => v.name.toLowerCase() === args.view.toLowerCase());
    if (!match) {
      const names = items.map((v) => v.name).join(', ');
      throw new ToolInputError(
        `No saved view named or with id "${args.view}". ${names ? `Saved views: ${names}.` : 'There are no saved views yet.'}`,
      );
    }
    const r = await ok(
      api.GET('/api/v1/saved-views/{id}/run', {
        params: { path: { id: match.id }, query: { limit: args.limit ?? 20 } },
      }),
    );
    const a = r.answer;
    const c = a.currency;
    const lines = [
      `${r.view.name} (${rangeText(r.view.query.range)}: ${r.from} to ${r.to} inclusive, ${a.basis} cost${a.filters.length ? ', filtered' : ''}).`,
      `Total: ${money(a.total, c)}.`,
    ];
    if (a.dataThrough && a.dataThrough < a.to)
      lines.push(
        `Data through ${a.dataThrough}: later days have no billing data yet (it runs about a day behind), which is not zero spend.`,
      );
    for (const w of a.warnings ?? []) lines.push(`Warning: ${w.message}.`);
    if (a.total === 0 && a.groups.length === 0) {
      lines.push('No cost data for this view in its range.');
      return lines.join('\n');
    }
    if (a.groupBy.length > 0) {
      lines.push('', `By ${a.groupBy.join(' and ')} (${a.groupCount} groups, largest first):`);
      lines.push(
        table(
          [a.groupBy.join(' / '), 'total', 'share'],
          a.groups.map((g) => [
            g.label,
            money(g.total, c),
            a.total !== 0 ? `${((g.total / a.total) * 100).toFixed(1)}%` : '-',
          ]),
          a.groups.length,
          '',
        ),
      );
      if (a.truncated) lines.push(`The last row sums the groups after the ${a.groups.length - 1} largest.`);
    }
    return lines.join('\n');
  },
});
