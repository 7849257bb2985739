import { z } from 'zod';
import { defineTool, money } from '../tool-kit.js';
import { ok } from '../api-caller.js';

export const dismissRecommendationTool = defineTool({
  name: 'dismiss_recommendation',
  title: 'Dismiss a recommendation',
  description:
    'Dismisses one recommendation that does not apply, with the reason; it stays dismissed when the rules run again (an Engineer or Organization Manager can reopen it in Cloudtally). Needs the Engineer or Organization Manager role. Take the ID from list_recommendations.',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  args: {
    id: z.string().min(1).describe('Recommendation ID from list_recommendations'),
    reason: z.string().min(1).max(500).describe('Why it does not apply, e.g. "kept as a warm standby"'),
  },
  async execute(args, api) {
    const r = await ok(
      api.POST('/api/v1/recommendations/{id}/dismiss', {
        params: { path: { id: args.id } },
        body: { reason: args.reason },
      }),
    );
    return `Dismissed ${r.rule} for ${r.resourceId} (${money(r.monthlySavings, r.currency)}/month); state is now ${r.state}. Reason recorded: ${args.reason}`;
  },
});
