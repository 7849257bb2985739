/** GET /api/v1/costs/anomalies/:id: one anomaly of the caller's organization, 404 for anyone else's or none. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { seedAnomaly } from './fixtures.js';

let t: TestServer;
let id: string;

beforeAll(async () => {
  t = await startTestServer();
  id = await seedAnomaly(t.ctx.store, t.users.manager.orgId);
});

afterAll(async () => {
  await t?.close();
});

describe('one anomaly by its ID', () => {
  it('answers the anomaly as the list does, with its state', async () => {
    const one = await t.request(`/api/v1/costs/anomalies/${id}`, { token: t.users.viewer.token });
    expect(one.status).toBe(200);
    const a = (await one.json()) as { id: string; date: string; state: string };
    expect(a).toMatchObject({ id, state: 'open' });
    const list = await t.request(`/api/v1/costs/anomalies?from=${a.date}&to=${a.date}`, {
      token: t.users.viewer.token,
    });
    const { items } = (await list.json()) as { items: { id: string }[] };
    expect(items.find((x) => x.id === id)).toEqual(a);
  });

  it('answers 404 for another organization and for an unknown ID', async () => {
    expect(
      (await t.request(`/api/v1/costs/anomalies/${id}`, { token: t.users.otherManager.token })).status,
    ).toBe(404);
    expect(
      (await t.request('/api/v1/costs/anomalies/ano_nothing', { token: t.users.viewer.token })).status,
    ).toBe(404);
  });
});
