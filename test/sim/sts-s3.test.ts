import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import {
  S3Client,
  ListObjectsV2Command,
  GetObjectCommand,
  HeadObjectCommand,
  GetBucketLocationCommand,
  PutObjectCommand,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { assumeRole, clientConfig, hostCredentials } from './helpers.js';

const PAYER_ROLE = 'arn:aws:iam::111111111111:role/CloudtallyReadOnly';

describe('simulator: STS and S3 through the real SDK clients', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator('small');
  });
  afterAll(async () => {
    await sim.close();
  });

  it('GetCallerIdentity returns the host identity', async () => {
    const sts = new STSClient(clientConfig(sim, hostCredentials(sim)));
    const id = await sts.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe('999999999999');
    expect(id.Arn).toBe('arn:aws:iam::999999999999:user/cloudtally');
  });

  it('assumes a role with the right external ID, then lists and downloads the export', async () => {
    const creds = await assumeRole(sim, PAYER_ROLE, 'ext-small-1');
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(creds.expiration!.getTime()).toBeGreaterThan(Date.now());
    const sts = new STSClient(clientConfig(sim, creds));
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(
      'arn:aws:sts::111111111111:assumed-role/CloudtallyReadOnly/cloudtally-test',
    );
    const s3 = new S3Client(clientConfig(sim, creds));
    const loc = await s3.send(new GetBucketLocationCommand({ Bucket: 'small-cur' }));
    expect(loc.LocationConstraint ?? '').toBe('');
    const list = await s3.send(
      new ListObjectsV2Command({ Bucket: 'small-cur', Prefix: 'cur2/small-cur2/metadata/', Delimiter: '/' }),
    );
    expect(list.CommonPrefixes?.map((p) => p.Prefix)).toEqual([
      'cur2/small-cur2/metadata/BILLING_PERIOD=2025-02/',
      'cur2/small-cur2/metadata/BILLING_PERIOD=2025-03/',
    ]);
    expect(list.Contents ?? []).toEqual([]);
    const manifestKey = 'cur2/small-cur2/metadata/BILLING_PERIOD=2025-02/small-cur2-Manifest.json';
    const manifest = JSON.parse(
      await (
        await s3.send(new GetObjectCommand({ Bucket: 'small-cur', Key: manifestKey }))
      ).Body!.transformToString(),
    ) as { dataFiles: string[] };
    expect(manifest.dataFiles).toHaveLength(1);
    const dataKey = manifest.dataFiles[0].replace('s3://small-cur/', '');
    const obj = await s3.send(
      new GetObjectCommand({ Bucket: 'small-cur', Key: dataKey, ChecksumMode: 'ENABLED' }),
    );
    const bytes = Buffer.from(await obj.Body!.transformToByteArray());
    const csv = gunzipSync(bytes).toString('utf8');
    expect(csv.split('\n')[0]).toContain('line_item_unblended_cost');
    expect(obj.ChecksumCRC32).toBeDefined();
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'small-cur', Key: dataKey }));
    expect(head.ContentLength).toBe(bytes.length);
    const part = await s3.send(
      new GetObjectCommand({ Bucket: 'small-cur', Key: dataKey, Range: 'bytes=10-19' }),
    );
    expect(part.ContentRange).toBe(`bytes 10-19/${bytes.length}`);
    expect(Buffer.from(await part.Body!.transformToByteArray())).toEqual(bytes.subarray(10, 20));
  });

  it('pages ListObjectsV2 with continuation tokens', async () => {
    const creds = await assumeRole(sim, PAYER_ROLE, 'ext-small-1');
    const s3 = new S3Client(clientConfig(sim, creds));
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2(
      { client: s3, pageSize: 2 },
      { Bucket: 'small-cur', MaxKeys: 2 },
    )) {
      expect((page.Contents ?? []).length).toBeLessThanOrEqual(2);
      keys.push(...(page.Contents ?? []).map((c) => c.Key!));
    }
    const all = await s3.send(new ListObjectsV2Command({ Bucket: 'small-cur' }));
    expect(keys).toEqual(all.Contents!.map((c) => c.Key));
    expect(keys.length).toBeGreaterThan(5);
  });

  it('stores PutObject stream bodies sent aws-chunked, without the framing', async () => {
    const creds = await assumeRole(sim, PAYER_ROLE, 'ext-small-1');
    const s3 = new S3Client(clientConfig(sim, creds));
    const payload = Buffer.from('hello simulator '.repeat(5000));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'small-cur',
        Key: 'uploads/stream.txt',
        Body: Readable.from([payload.subarray(0, 30000), payload.subarray(30000)]),
        ContentLength: payload.length,
      }),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: 'small-cur', Key: 'uploads/plain.txt', Body: 'plain body' }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'small-cur', Key: 'uploads/stream.txt' }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(payload);
    const plain = await s3.send(new GetObjectCommand({ Bucket: 'small-cur', Key: 'uploads/plain.txt' }));
    expect(await plain.Body!.transformToString()).toBe('plain body');
  });

  it('rejects the wrong external ID and an untrusted caller with AccessDenied', async () => {
    const sts = new STSClient(clientConfig(sim, hostCredentials(sim)));
    const wrong = sts.send(
      new AssumeRoleCommand({ RoleArn: PAYER_ROLE, RoleSessionName: 'sess', ExternalId: 'nope' }),
    );
    await expect(wrong).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const missing = sts.send(new AssumeRoleCommand({ RoleArn: PAYER_ROLE, RoleSessionName: 'sess' }));
    await expect(missing).rejects.toMatchObject({ name: 'AccessDenied' });
    // The payer's billing user is not in the role's trust policy.
    const other = new STSClient(
      clientConfig(sim, {
        accessKeyId: 'AKIASIMPAYERUSER0001',
        secretAccessKey: 'payerUserSecret000000000000000000000001',
      }),
    );
    await expect(
      other.send(
        new AssumeRoleCommand({ RoleArn: PAYER_ROLE, RoleSessionName: 'sess', ExternalId: 'ext-small-1' }),
      ),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('is not authorized to perform: sts:AssumeRole'),
    });
  });

  it('lets a test set the external ID a role requires', async () => {
    const arn = 'arn:aws:iam::222222222222:role/CloudtallyReadOnly';
    sim.setRoleExternalId(arn, 'org-generated-id');
    await expect(assumeRole(sim, arn, 'ext-small-2')).rejects.toMatchObject({ name: 'AccessDenied' });
    const creds = await assumeRole(sim, arn, 'org-generated-id');
    expect(creds.accessKeyId).toMatch(/^ASIA/);
  });

  it('refuses a bucket the role has no access to, with AccessDenied', async () => {
    const creds = await assumeRole(sim, 'arn:aws:iam::222222222222:role/NoS3');
    const s3 = new S3Client(clientConfig(sim, creds));
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'small-cur' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('rejects a wrong secret, an unknown key, an expired session and a tampered body', async () => {
    const badSecret = new STSClient(
      clientConfig(sim, { ...hostCredentials(sim), secretAccessKey: 'x'.repeat(40) }),
    );
    await expect(badSecret.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    const unknown = new S3Client(
      clientConfig(sim, { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'y'.repeat(40) }),
    );
    await expect(unknown.send(new ListObjectsV2Command({ Bucket: 'small-cur' }))).rejects.toMatchObject({
      name: 'InvalidAccessKeyId',
    });
    const creds = await assumeRole(sim, PAYER_ROLE, 'ext-small-1');
    const s3 = new S3Client(clientConfig(sim, creds));
    sim.expireSessions();
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'small-cur' }))).rejects.toMatchObject({
      name: 'ExpiredToken',
    });
    const fresh = await assumeRole(sim, PAYER_ROLE, 'ext-small-1');
    const tampering = new S3Client(clientConfig(sim, fresh));
    tampering.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { body?: unknown };
        req.body = 'tampered after signing';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'tamper' },
    );
    await expect(
      tampering.send(
        new PutObjectCommand({ Bucket: 'small-cur', Key: 'uploads/t.txt', Body: 'original body' }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    const stsTamper = new STSClient(clientConfig(sim, hostCredentials(sim)));
    stsTamper.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { body?: unknown };
        req.body = String(req.body).replace('cloudtally-test', 'cloudtally-evil');
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'tamper' },
    );
    await expect(
      stsTamper.send(
        new AssumeRoleCommand({
          RoleArn: PAYER_ROLE,
          RoleSessionName: 'cloudtally-test',
          ExternalId: 'ext-small-1',
        }),
      ),
    ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  });
});
