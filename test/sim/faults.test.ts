import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { EC2Client, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  DescribeLoadBalancersCommand as DescribeClassicCommand,
  ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startSimulator, type Simulator } from '../../sim/index.js';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { assumeRole, clientConfig } from './helpers.js';

const PAYER_ROLE = 'arn:aws:iam::111111111111:role/CloudtallyReadOnly';
const KEY = 'cur2/small-cur2/metadata/BILLING_PERIOD=2025-02/small-cur2-Manifest.json';

describe('simulator faults', () => {
  let sim: Simulator;
  let creds: AwsCredentialIdentity;
  beforeAll(async () => {
    sim = await startSimulator('small');
    creds = await assumeRole(sim, PAYER_ROLE, 'ext-small-1');
  });
  afterAll(async () => {
    await sim.close();
  });

  it('throttles N calls with each service’s throttling code, and the SDK retries through it', async () => {
    sim.injectFault({ service: 'ec2', operation: 'DescribeInstances', kind: 'throttle', count: 1 });
    const once = new EC2Client(clientConfig(sim, creds));
    await expect(once.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({
      name: 'RequestLimitExceeded',
    });
    sim.injectFault({ service: 'cost-explorer', kind: 'throttle', count: 1 });
    const ce = new CostExplorerClient(clientConfig(sim, creds));
    const q = new GetCostAndUsageCommand({
      TimePeriod: { Start: '2025-02-01', End: '2025-03-01' },
      Granularity: 'MONTHLY',
      Metrics: ['UnblendedCost'],
    });
    await expect(ce.send(q)).rejects.toMatchObject({ name: 'LimitExceededException' });
    sim.injectFault({ service: 'ec2', kind: 'throttle', count: 2 });
    const retrying = new EC2Client({ ...clientConfig(sim, creds), maxAttempts: 3 });
    const before = sim.calls()['ec2:DescribeInstances'] ?? 0;
    const out = await retrying.send(new DescribeInstancesCommand({}));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.attempts).toBe(3);
    expect(sim.calls()['ec2:DescribeInstances'] - before).toBe(3);
  });

  it('answers 500 and 503 in the service’s error format', async () => {
    const s3 = new S3Client(clientConfig(sim, creds));
    sim.injectFault({ service: 's3', operation: 'ListObjectsV2', kind: '500', count: 1 });
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'small-cur' }))).rejects.toMatchObject({
      name: 'InternalError',
      $metadata: { httpStatusCode: 500 },
    });
    sim.injectFault({ service: 'cloudwatch', kind: '503', count: 1 });
    const cw = new CloudWatchClient(clientConfig(sim, creds));
    const now = new Date();
    await expect(
      cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(now.getTime() - 3_600_000),
          EndTime: now,
          MetricDataQueries: [
            {
              Id: 'a',
              MetricStat: {
                Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' },
                Period: 300,
                Stat: 'Average',
              },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
  });

  it('denies an action or reports an expired session on demand', async () => {
    const s3 = new S3Client(clientConfig(sim, creds));
    sim.injectFault({ service: 's3', operation: 'GetObject', kind: 'deny', count: 1 });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'small-cur', Key: KEY }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    sim.injectFault({ service: 'ec2', kind: 'expired', count: 1 });
    const ec2 = new EC2Client(clientConfig(sim, creds));
    await expect(ec2.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({
      name: 'RequestExpired',
    });
    // The fault is used up: the next call succeeds.
    await expect(s3.send(new GetObjectCommand({ Bucket: 'small-cur', Key: KEY }))).resolves.toBeDefined();
  });

  it('denies one region for every service, as a service control policy does, with each service’s code', async () => {
    sim.injectFault({ service: '*', region: 'eu-west-1', kind: 'deny', count: 4 });
    const home = new EC2Client(clientConfig(sim, creds));
    const eu = clientConfig(sim, creds, 'eu-west-1');
    // Calls signed for another region neither fail nor use the fault up.
    await expect(home.send(new DescribeInstancesCommand({}))).resolves.toBeDefined();
    const scp = /is not authorized to perform: .* with an explicit deny in a service control policy/;
    await expect(new EC2Client(eu).send(new DescribeInstancesCommand({}))).rejects.toMatchObject({
      name: 'UnauthorizedOperation',
      message: expect.stringMatching(scp) as unknown,
      $metadata: { httpStatusCode: 403 },
    });
    await expect(
      new ElasticLoadBalancingV2Client(eu).send(new DescribeLoadBalancersCommand({})),
    ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await expect(
      new ElasticLoadBalancingClient(eu).send(new DescribeClassicCommand({})),
    ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const now = new Date();
    await expect(
      new CloudWatchClient(eu).send(
        new GetMetricDataCommand({
          StartTime: new Date(now.getTime() - 3_600_000),
          EndTime: now,
          MetricDataQueries: [
            {
              Id: 'a',
              MetricStat: {
                Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' },
                Period: 300,
                Stat: 'Average',
              },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringMatching(scp) as unknown,
      $metadata: { httpStatusCode: 403 },
    });
    // Four calls used the fault up: the region answers again.
    expect(await (await fetch(`${sim.url}/_sim/faults`)).json()).toEqual([]);
    await expect(new EC2Client(eu).send(new DescribeInstancesCommand({}))).resolves.toBeDefined();
  });

  it('slows a response past a client timeout, and truncates a body mid-stream', async () => {
    sim.injectFault({ service: 's3', operation: 'GetObject', kind: 'slow', count: 1, delayMs: 1500 });
    const impatient = new S3Client({
      ...clientConfig(sim, creds),
      requestHandler: new NodeHttpHandler({ requestTimeout: 200, throwOnRequestTimeout: true }),
    });
    await expect(
      impatient.send(new GetObjectCommand({ Bucket: 'small-cur', Key: KEY })),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    sim.clearFaults();
    const s3 = new S3Client(clientConfig(sim, creds));
    const full = await (
      await s3.send(new GetObjectCommand({ Bucket: 'small-cur', Key: KEY }))
    ).Body!.transformToString();
    sim.injectFault({ service: 's3', operation: 'GetObject', kind: 'truncate', count: 1 });
    const reading = (async () =>
      (await s3.send(new GetObjectCommand({ Bucket: 'small-cur', Key: KEY }))).Body!.transformToString())();
    await expect(reading).rejects.toThrow();
    expect(full.length).toBeGreaterThan(100);
  });

  it('takes the same faults over the control endpoint from another process', async () => {
    const post = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ service: 'ec2', operation: 'DescribeInstances', kind: '503', count: 1 }),
    });
    expect(post.status).toBe(204);
    expect(await (await fetch(`${sim.url}/_sim/faults`)).json()).toMatchObject([
      { service: 'ec2', kind: '503', remaining: 1 },
    ]);
    const ec2 = new EC2Client(clientConfig(sim, creds));
    await expect(ec2.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ name: 'Unavailable' });
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ service: 'ec2', kind: 'deny', count: 5 }),
    });
    expect((await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' })).status).toBe(204);
    await expect(ec2.send(new DescribeInstancesCommand({}))).resolves.toBeDefined();
    const ext = await fetch(`${sim.url}/_sim/roles/external-id`, {
      method: 'POST',
      body: JSON.stringify({ roleArn: PAYER_ROLE, externalId: 'from-control' }),
    });
    expect(ext.status).toBe(204);
    await expect(assumeRole(sim, PAYER_ROLE, 'ext-small-1')).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(assumeRole(sim, PAYER_ROLE, 'from-control')).resolves.toBeDefined();
    const truth = (await (await fetch(`${sim.url}/_sim/truth`)).json()) as {
      exports: Record<string, unknown>;
    };
    expect(Object.keys(truth.exports)).toContain('small-cur2');
  });
});
