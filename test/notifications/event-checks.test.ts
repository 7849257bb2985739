import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDate } from '../../src/lib/dates.js';
import { ENGINES } from '../helpers/stores.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { seedRecommendation } from '../recommendations/fixtures.js';
import { startHttpReceiver, type HttpReceiver } from './receivers.js';

// The scheduled checks over the real services: a new cost anomaly above a rule's minimum impact and a new
// recommendation above its saving each raise one event, sent once, however often the checks run.

async function insertAnomaly(
  t: TestServer,
  orgId: string,
  id: string,
  service: string,
  actual: number,
  expected: number,
) {
  await t.ctx.store.execute(
    `INSERT INTO cost_anomalies (id, org_id, dimension, dimension_value, usage_date, currency, basis, actual_cost,
       expected_cost, spread, threshold, direction, drivers, detected_at)
     VALUES ($1, $2, 'service', $7, CAST($3 AS DATE), 'USD', 'amortized', $4, $5, 5, 15, 'increase', '[]', $6)`,
    [id, orgId, isoDate(new Date()), actual, expected, new Date(), service],
  );
}

describe.each(ENGINES)('scheduled notification checks on %s', (engine) => {
  let t: TestServer;
  let http: HttpReceiver;

  beforeAll(async () => {
    http = await startHttpReceiver();
    t = await startTestServer({ engine, config: { notificationPollMs: 50 } });
  });
  afterAll(async () => {
    await t?.close();
    await http?.close();
  });

  it('raises new anomalies and recommendations above the rules’ minimums, once each', async () => {
    const m = t.users.manager;
    const post = (p: string, body: unknown) => t.request(p, { method: 'POST', token: m.token, body });
    expect(
      (
        await post('/api/v1/notifications/channels', {
          kind: 'teams',
          name: 'teams',
          url: `${http.url}/teams`,
        })
      ).status,
    ).toBe(201);
    for (const rule of [
      { name: 'anomalies', eventType: 'cost_anomaly', params: { minImpact: 500 }, channelIds: ['teams'] },
      {
        name: 'savings',
        eventType: 'recommendation_new',
        params: { minMonthlySavings: 0.5 },
        channelIds: ['teams'],
      },
      { name: 'stale', eventType: 'billing_stale', params: { hours: 24 }, channelIds: ['teams'] },
      { name: 'sync', eventType: 'sync_failed', channelIds: ['teams'] },
    ])
      expect((await post('/api/v1/alert-rules', rule)).status).toBe(201);
    await insertAnomaly(t, m.orgId, 'anm_big', 'Amazon EC2', 900, 100);
    await insertAnomaly(t, m.orgId, 'anm_small', 'Amazon S3', 250, 100);
    const rec = await seedRecommendation(t.ctx.store, m.orgId);

    const watch = t.ctx.notifications.watch;
    expect(await watch.runChecks()).toBe(2);
    expect(await watch.runChecks()).toBe(0);
    t.ctx.notifications.start();
    await expect.poll(() => http.requests.length, { timeout: 15_000 }).toBe(2);
    const titles = http.requests
      .map((r) => (r.json as { attachments: { content: { body: { text: string }[] } }[] }).attachments[0])
      .map((a) => a.content.body[0].text)
      .sort();
    expect(titles).toEqual([
      'Cost anomaly: Amazon EC2 cost $800.00 more than expected',
      'Save $0.80 a month: Unattached volume',
    ]);
    const links = http.requests.map((r) => JSON.stringify(r.json));
    expect(links.some((l) => l.includes('/costs?anomaly=anm_big'))).toBe(true);
    expect(links.some((l) => l.includes(`/recommendations?id=${rec.recommendationId}`))).toBe(true);
    // Other organizations' rules see none of it.
    expect(await t.ctx.notifications.deliveries(t.users.otherManager.orgId)).toEqual([]);
  });
});
