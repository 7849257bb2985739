import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { takeServerSnapshot } from '../../ops/server-snapshot.js';
import { defineRoute, errorResponses, jsonResponse, type Api } from '../route-kit.js';

const SnapshotSchema = z
  .object({
    file: z.string().openapi({ description: 'The snapshot file, relative to the server’s data directory' }),
    dataDir: z.string().openapi({ description: 'The server’s data directory (absolute)' }),
    migrations: z.array(z.number().int()).openapi({ description: 'Applied schema migration ids' }),
    tables: z.record(z.string(), z.number().int()).openapi({ description: 'Rows per table in the snapshot' }),
    createdAt: z.string(),
  })
  .openapi('DatabaseSnapshot');

const createSnapshot = defineRoute('instance:manage', {
  method: 'post',
  path: '/api/v1/instance/snapshots',
  tags: ['instance'],
  summary:
    'Snapshot the embedded database into the data directory for `cloudtally backup` (instance administrators; embedded engine only)',
  responses: {
    201: jsonResponse(SnapshotSchema, 'The snapshot was written'),
    400: errorResponses[400],
    403: errorResponses[403],
  },
});

export function registerBackupRoutes(app: Api, ctx: AppContext): void {
  app.openapi(createSnapshot, async (c) =>
    c.json(await takeServerSnapshot(ctx.store, ctx.config.dataDir, ctx.clock.now()), 201),
  );
}
