import type { STSClient } from '@aws-sdk/client-sts';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../../lib/log.js';
import { parseRoleArn, principalArnOf } from './arns.js';
import { awsPrincipalAccountId, createAwsClients } from './client-factory.js';
import { AssumeRoleCache, REFRESH_BEFORE_MS, sessionNameFor } from './credentials.js';

/** A stand-in for the STS endpoint: counts AssumeRole calls and hands out one-hour sessions. */
function fakeSts(now: () => Date) {
  const calls: { RoleArn?: string; ExternalId?: string; RoleSessionName?: string }[] = [];
  const sts = {
    send: async (cmd: unknown) => {
      if (!(cmd instanceof AssumeRoleCommand)) throw new Error('unexpected command');
      calls.push(cmd.input);
      await new Promise((r) => setTimeout(r, 5));
      return {
        Credentials: {
          AccessKeyId: `ASIA${calls.length}`,
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(now().getTime() + 3600_000),
        },
      };
    },
  } as unknown as Pick<STSClient, 'send'>;
  return { sts, calls };
}

describe('assumed-role credential cache', () => {
  it('reuses a session until shortly before expiry, then assumes the role again', async () => {
    let t = new Date('2025-01-01T00:00:00Z');
    const clock = { now: () => t };
    const { sts, calls } = fakeSts(clock.now);
    const cache = new AssumeRoleCache(() => sts, clock);
    const req = { roleArn: 'arn:aws:iam::1:role/R', externalId: 'x', sessionName: 's' };
    const [a, b] = await Promise.all([cache.get(req), cache.get(req)]);
    expect(calls).toHaveLength(1);
    expect(a).toBe(b);
    t = new Date(t.getTime() + 3600_000 - REFRESH_BEFORE_MS - 1000);
    expect(await cache.get(req)).toBe(a);
    expect(calls).toHaveLength(1);
    t = new Date(t.getTime() + 2000);
    const c = await cache.get(req);
    expect(calls).toHaveLength(2);
    expect(c.accessKeyId).not.toBe(a.accessKeyId);
  });

  it('keeps sessions per external ID and forgets a role on request', async () => {
    const clock = { now: () => new Date() };
    const { sts, calls } = fakeSts(clock.now);
    const cache = new AssumeRoleCache(() => sts, clock);
    const roleArn = 'arn:aws:iam::1:role/R';
    await cache.get({ roleArn, externalId: 'old', sessionName: 's' });
    await cache.get({ roleArn, externalId: 'new', sessionName: 's' });
    expect(calls.map((c) => c.ExternalId)).toEqual(['old', 'new']);
    cache.forget(roleArn);
    expect(cache.size).toBe(0);
  });

  it('does not cache a failure', async () => {
    const clock = { now: () => new Date() };
    let fail = true;
    const sts = {
      send: async () => {
        if (fail) throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
        return {
          Credentials: {
            AccessKeyId: 'A',
            SecretAccessKey: 'S',
            Expiration: new Date(Date.now() + 3600_000),
          },
        };
      },
    } as unknown as Pick<STSClient, 'send'>;
    const cache = new AssumeRoleCache(() => sts, clock);
    const req = { roleArn: 'arn:aws:iam::1:role/R', externalId: 'x', sessionName: 's' };
    await expect(cache.get(req)).rejects.toThrow('denied');
    fail = false;
    expect((await cache.get(req)).accessKeyId).toBe('A');
  });

  it('builds session names AWS accepts', () => {
    expect(sessionNameFor('ca_123 abc')).toBe('cloudtally-ca_123-abc');
    expect(sessionNameFor('x'.repeat(100))).toHaveLength(64);
  });
});

describe('client factory', () => {
  const vault = {
    get: () => Promise.resolve(JSON.stringify({ accessKeyId: 'AKIAV', secretAccessKey: 'sv' })),
  };

  it('points every client at the endpoint, with path-style S3 and adaptive retries', async () => {
    const aws = createAwsClients({
      config: { awsEndpointUrl: 'http://127.0.0.1:4566', awsRegion: 'eu-west-1', awsPrincipalArn: undefined },
      vault,
      log: silentLog,
    });
    const clients = aws.clientsFor({ orgId: 'o', secretId: 'sec' }, null);
    const s3 = clients.s3('eu-west-1');
    expect(s3.config.forcePathStyle).toBe(true);
    expect(await s3.config.region()).toBe('eu-west-1');
    expect(s3.config.retryMode).toBe('adaptive');
    const ep = await clients.ec2('us-west-2').config.endpoint?.();
    expect(`${ep?.protocol}//${ep?.hostname}:${ep?.port}`).toBe('http:/127.0.0.1:4566'.replace(':/', '://'));
    expect(clients.s3('eu-west-1')).toBe(s3);
    expect(await clients.credentials()).toEqual({ accessKeyId: 'AKIAV', secretAccessKey: 'sv' });
    expect(await clients.ce().config.region()).toBe('us-east-1');
  });

  it('prefers keys given inline over stored ones', async () => {
    const aws = createAwsClients({
      config: { awsRegion: 'us-east-1', awsEndpointUrl: undefined, awsPrincipalArn: undefined },
      vault,
      log: silentLog,
    });
    const clients = aws.clientsFor(
      { orgId: 'o', secretId: 'sec', accessKeys: { accessKeyId: 'AKIAI', secretAccessKey: 'si' } },
      null,
    );
    expect((await clients.credentials()).accessKeyId).toBe('AKIAI');
  });

  it('reports a connection without credentials as a diagnostic', async () => {
    const aws = createAwsClients({
      config: { awsRegion: 'us-east-1', awsEndpointUrl: undefined, awsPrincipalArn: undefined },
      vault,
      log: silentLog,
    });
    await expect(aws.clientsFor({ orgId: 'o' }, null).credentials()).rejects.toMatchObject({
      diagnostic: { code: 'no_credentials' },
    });
  });

  it('takes the principal from the configuration', async () => {
    const config = {
      awsRegion: 'us-east-1',
      awsEndpointUrl: undefined,
      awsPrincipalArn: 'arn:aws:iam::999999999999:user/cloudtally',
    };
    const aws = createAwsClients({ config, vault, log: silentLog });
    expect(await aws.hostPrincipal()).toEqual({
      arn: 'arn:aws:iam::999999999999:user/cloudtally',
      accountId: '999999999999',
      source: 'config',
    });
    expect(awsPrincipalAccountId(config)).toBe('999999999999');
  });
});

describe('ARNs', () => {
  it('parses role ARNs with paths and maps sessions to their role', () => {
    expect(parseRoleArn('arn:aws:iam::123456789012:role/team/Reader')).toEqual({
      partition: 'aws',
      accountId: '123456789012',
      name: 'Reader',
      path: '/team/',
    });
    expect(parseRoleArn('arn:aws:iam::123456789012:user/x')).toBeNull();
    expect(principalArnOf('arn:aws:sts::123456789012:assumed-role/Host/i-0abc')).toBe(
      'arn:aws:iam::123456789012:role/Host',
    );
  });
});
