import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../src/store/duckdb-store.js';
import { runCli } from '../cli/cli-support.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { seedRecommendation } from './fixtures.js';

describe('cloudtally resources / recommendations on a data directory', () => {
  let dir: string;
  let seeded: { cloudAccountId: string; resourceId: string; recommendationId: string };
  const run = (args: string[]) => runCli([...args, '--data-dir', path.join(dir, 'data')], { cwd: dir });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cloudtally-rec-cli-'));
    const created = await run([
      'users',
      'create',
      '--org',
      'Acme',
      '--email',
      'eng@acme.test',
      '--role',
      'engineer',
      '--password',
      'a-long-password',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const store = await DuckDbStore.open({ path: path.join(dir, 'data', 'cloudtally.duckdb') });
    try {
      const [org] = await store.query<{ id: string }>('SELECT id FROM organizations');
      seeded = await seedRecommendation(store, org.id);
    } finally {
      await store.close();
    }
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists resources and recommendations as JSON and as a table with totals', async () => {
    const resources = await run(['resources', '--type', 'ebs_volume', '--json']);
    expect(resources.code, resources.stderr).toBe(0);
    expect((JSON.parse(resources.stdout) as { items: { id: string }[] }).items.map((r) => r.id)).toEqual([
      seeded.resourceId,
    ]);
    const table = await run(['recommendations']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(seeded.recommendationId);
    expect(table.stdout).toMatch(/Possible savings \(open\): 0\.80 USD\/month in 1 recommendations/);
    expect(table.stdout).toMatch(/unattached_volume\s+1\s+0\.80/);
  });

  it('dismisses as the member named by --as, and refuses to act without one', async () => {
    const anonymous = await run(['recommendations', 'dismiss', seeded.recommendationId, '--reason', 'kept']);
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toMatch(/--as EMAIL/);
    const done = await run([
      'recommendations',
      'dismiss',
      seeded.recommendationId,
      '--reason',
      'kept on purpose',
      '--as',
      'eng@acme.test',
    ]);
    expect(done.code, done.stderr).toBe(0);
    const dismissed = await run(['recommendations', '--state', 'dismissed', '--json']);
    const body = JSON.parse(dismissed.stdout) as { items: { id: string; stateReason: string }[] };
    expect(body.items).toEqual([
      expect.objectContaining({ id: seeded.recommendationId, stateReason: 'kept on purpose' }),
    ]);
  });
});

describe('cloudtally recommendations through a running server', () => {
  let t: TestServer;
  let dir: string;
  let seeded: { recommendationId: string };
  const run = (args: string[], token: string) =>
    runCli(args, { cwd: dir, env: { CLOUDTALLY_URL: t.url, CLOUDTALLY_TOKEN: token } });

  beforeAll(async () => {
    t = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), 'cloudtally-rec-cli-api-'));
    seeded = await seedRecommendation(t.ctx.store, t.users.manager.orgId);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets a viewer read but not act, and an engineer snooze', async () => {
    const list = await run(['recommendations', '--json'], t.users.viewer.token);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(seeded.recommendationId);
    const refused = await run(
      ['recommendations', 'snooze', seeded.recommendationId, '--until', '2099-01-01'],
      t.users.viewer.token,
    );
    expect(refused.code).toBe(4);
    const snoozed = await run(
      ['recommendations', 'snooze', seeded.recommendationId, '--until', '2099-01-01', '--json'],
      t.users.engineer.token,
    );
    expect(snoozed.code, snoozed.stderr).toBe(0);
    expect(JSON.parse(snoozed.stdout)).toMatchObject({
      state: 'snoozed',
      snoozedUntil: '2099-01-01T00:00:00.000Z',
    });
  });
});
