import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { COST_BASES } from '../../costs/cost-query.js';
import { REPORT_FREQUENCIES, WEEKDAYS } from '../../notifications/reports/report-cadence.js';
import {
  createReportScheduleSchema,
  REPORT_KINDS,
  SHOWBACK_PERIODS,
  updateReportScheduleSchema,
} from '../../notifications/reports/report-schemas.js';
import { reportScheduleView } from '../../notifications/reports/report-service.js';
import { defineRoute, errorResponses, jsonBody, jsonResponse, principalOf, type Api } from '../route-kit.js';

const ReportScheduleSchema = z
  .object({
    id: z.string(),
    kind: z.enum(REPORT_KINDS),
    dimension: z.string().nullable().openapi({ description: 'The allocation dimension (showback)' }),
    viewId: z.string().nullable().openapi({ description: 'The saved view (saved_view)' }),
    title: z.string().openapi({ description: 'What the report is called in its e-mail' }),
    period: z
      .enum(SHOWBACK_PERIODS)
      .nullable()
      .openapi({ description: 'Showback: the last full month, or the month of the day before it is sent' }),
    basis: z.enum(COST_BASES).nullable().openapi({ description: 'Showback: the cost basis' }),
    frequency: z.enum(REPORT_FREQUENCIES),
    weekday: z.enum(WEEKDAYS).nullable(),
    dayOfMonth: z.number().nullable(),
    cadence: z.string().openapi({ description: 'In words: "weekly on Monday", "monthly on day 1"' }),
    channelId: z.string().openapi({ description: 'The e-mail channel that sends it' }),
    recipients: z
      .array(z.string())
      .openapi({ description: "Addresses it goes to; empty: the channel's own recipients" }),
    createdBy: z.string(),
    createdAt: z.string(),
    nextDueAt: z.string().openapi({ description: 'When it goes out next (the start of that day, UTC)' }),
    lastSentAt: z.string().nullable(),
    lastError: z
      .string()
      .nullable()
      .openapi({ description: 'Why the last run sent nothing (e.g. its saved view was removed)' }),
  })
  .openapi('ReportSchedule');

const idParam = z.object({ id: z.string() });

const list = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/report-schedules',
  tags: ['reports'],
  summary: 'Scheduled e-mail reports of the organization',
  responses: { 200: jsonResponse(z.object({ items: z.array(ReportScheduleSchema) }), 'Schedules') },
});

const create = defineRoute('org:read', {
  method: 'post',
  path: '/api/v1/report-schedules',
  tags: ['reports'],
  summary: 'Schedule a showback report or a saved view as an e-mail with its CSV attached',
  description:
    '`kind: "showback"` with a `dimension` (an allocation dimension), a `period` (`last_full_month`, the default, or `month_to_date`: the month of the day before it is sent) and a `basis`; or `kind: "saved_view"` with a `viewId` (the view runs over its own range, resolved on the day it is sent, as the person who scheduled it). `frequency`: `weekly` with a `weekday`, or `monthly` with a `dayOfMonth` (1–28); it goes out at the start of that day (UTC). `channel` names an e-mail channel; `recipients` sends to these addresses instead of the channel’s. The attached CSV is what `format=csv` of the showback or saved-view route answers for the same period. Anyone may schedule a report to their own address only; other recipients need the permission to manage alerts.',
  request: { body: jsonBody(createReportScheduleSchema) },
  responses: {
    201: jsonResponse(ReportScheduleSchema, 'Scheduled'),
    400: errorResponses[400],
    403: errorResponses[403],
  },
});

const get = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/report-schedules/{id}',
  tags: ['reports'],
  summary: 'A scheduled e-mail report',
  request: { params: idParam },
  responses: { 200: jsonResponse(ReportScheduleSchema, 'Schedule'), 404: errorResponses[404] },
});

const update = defineRoute('org:read', {
  method: 'patch',
  path: '/api/v1/report-schedules/{id}',
  tags: ['reports'],
  summary: 'Change when a report goes out, to whom, and (showback) its period and basis',
  description: 'Its person, or anyone who manages alerts, may change it.',
  request: { params: idParam, body: jsonBody(updateReportScheduleSchema) },
  responses: {
    200: jsonResponse(ReportScheduleSchema, 'Changed'),
    400: errorResponses[400],
    403: errorResponses[403],
    404: errorResponses[404],
  },
});

const remove = defineRoute('org:read', {
  method: 'delete',
  path: '/api/v1/report-schedules/{id}',
  tags: ['reports'],
  summary: 'Stop a scheduled report (your own, or any as a manager or engineer)',
  request: { params: idParam },
  responses: { 204: { description: 'Removed' }, 403: errorResponses[403], 404: errorResponses[404] },
});

const send = defineRoute('org:read', {
  method: 'post',
  path: '/api/v1/report-schedules/{id}/send',
  tags: ['reports'],
  summary: 'Send the report now (as of today) and say how it went; when it is next due stays',
  request: { params: idParam },
  responses: {
    200: jsonResponse(
      z.object({ ok: z.boolean(), error: z.string().nullable() }),
      'Sent (ok), or why not (error): the mail server’s answer, or a saved view that was removed',
    ),
    403: errorResponses[403],
    404: errorResponses[404],
  },
});

export function registerReportScheduleRoutes(app: Api, ctx: AppContext): void {
  const r = ctx.notifications.reports;
  app.openapi(list, async (c) => {
    const items = await r.list(principalOf(c).orgId);
    return c.json({ items: items.map(reportScheduleView) }, 200);
  });
  app.openapi(create, async (c) =>
    c.json(reportScheduleView(await r.create(principalOf(c), c.req.valid('json'))), 201),
  );
  app.openapi(get, async (c) =>
    c.json(reportScheduleView(await r.get(principalOf(c).orgId, c.req.valid('param').id)), 200),
  );
  app.openapi(update, async (c) =>
    c.json(
      reportScheduleView(await r.update(principalOf(c), c.req.valid('param').id, c.req.valid('json'))),
      200,
    ),
  );
  app.openapi(remove, async (c) => {
    await r.remove(principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(send, async (c) => c.json(await r.sendNow(principalOf(c), c.req.valid('param').id), 200));
}
