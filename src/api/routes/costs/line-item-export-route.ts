import { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../../app/context.js';
import { parseFilters } from '../../../costs/cost-query.js';
import { defineRoute, errorResponses, principalOf, type Api } from '../../route-kit.js';
import { asList, csvContent, date, filterParams, TO_DESCRIPTION } from './cost-params.js';

const lineItems = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/line-items/export',
  tags: ['costs'],
  summary: 'Line items in FOCUS column names, as CSV or Parquet',
  request: {
    query: z.object({
      from: date('from', 'First usage day, included'),
      to: date('to', TO_DESCRIPTION),
      format: z.enum(['csv', 'parquet']).optional().openapi({ description: 'csv (default) or parquet' }),
      ...filterParams,
    }),
  },
  responses: {
    200: {
      description: 'The file',
      content: {
        ...csvContent,
        'application/vnd.apache.parquet': { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    400: errorResponses[400],
  },
});

/** GET /api/v1/costs/line-items/export. */
export function registerLineItemExportRoute(app: Api, ctx: AppContext): void {
  const costs = ctx.costs;
  app.openapi(lineItems, async (c) => {
    const q = c.req.valid('query');
    const file = await costs.exportLineItems(principalOf(c).orgId, {
      from: q.from,
      to: q.to,
      format: q.format ?? 'csv',
      filters: parseFilters(asList(q.filter), asList(q.exclude)),
    });
    const stream = createReadStream(file.path);
    stream.once('close', file.cleanup);
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      status: 200,
      headers: {
        'content-type': file.contentType,
        'content-length': String(file.bytes),
        'content-disposition': `attachment; filename="${file.filename}"`,
      },
    });
  });
}
