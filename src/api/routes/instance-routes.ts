import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { defineRoute, errorResponses, jsonBody, jsonResponse, principalOf, type Api } from '../route-kit.js';

const InstanceSettingsSchema = z
  .object({
    allowMemberOrganizations: z.boolean().openapi({
      description:
        'Whether members who are not instance administrators may create organizations (default false)',
    }),
  })
  .openapi('InstanceSettings');

const getSettings = defineRoute('instance:manage', {
  method: 'get',
  path: '/api/v1/instance/settings',
  tags: ['instance'],
  summary: 'Instance-wide settings (instance administrators)',
  responses: { 200: jsonResponse(InstanceSettingsSchema, 'Settings'), 403: errorResponses[403] },
});

const updateSettings = defineRoute('instance:manage', {
  method: 'patch',
  path: '/api/v1/instance/settings',
  tags: ['instance'],
  summary: 'Change instance-wide settings (instance administrators)',
  request: { body: jsonBody(InstanceSettingsSchema.partial().strict()) },
  responses: {
    200: jsonResponse(InstanceSettingsSchema, 'Settings'),
    400: errorResponses[400],
    403: errorResponses[403],
  },
});

export function registerInstanceRoutes(app: Api, ctx: AppContext): void {
  app.openapi(getSettings, async (c) => c.json(await ctx.auth.instanceSettings(), 200));
  app.openapi(updateSettings, async (c) =>
    c.json(await ctx.auth.updateInstanceSettings(principalOf(c), c.req.valid('json')), 200),
  );
}
