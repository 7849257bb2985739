import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT, KEYS, PAYER, startAccountsWorld, stepsOf, type AccountsWorld } from './fixture.js';

/**
 * Validation reads the first data file's header: a FOCUS export has the same folder layout and manifest shape as
 * CUR 2.0, so without it the connection passed every check and failed only at its first sync.
 */
const FOCUS_HEADER =
  'AvailabilityZone,BilledCost,BillingAccountId,BillingCurrency,BillingPeriodStart,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,EffectiveCost,ServiceName';

describe('validation reads what the export holds', () => {
  let w: AccountsWorld;
  let writer: S3Client;

  /** A CUR 2.0-shaped export under `prefix` whose one data file starts with `header`. */
  async function plant(prefix: string, name: string, header: string) {
    const dataKey = `${prefix}/${name}/data/BILLING_PERIOD=2026-11/${name}-00001.csv.gz`;
    const row = header
      .split(',')
      .map((_, i) => (i === 1 ? '1.5' : 'x'))
      .join(',');
    await writer.send(
      new PutObjectCommand({ Bucket: 'acct-cur', Key: dataKey, Body: gzipSync(`${header}\n${row}\n`) }),
    );
    await writer.send(
      new PutObjectCommand({
        Bucket: 'acct-cur',
        Key: `${prefix}/${name}/metadata/BILLING_PERIOD=2026-11/${name}-Manifest.json`,
        Body: JSON.stringify({ exportName: name, dataFiles: [`s3://acct-cur/${dataKey}`] }),
      }),
    );
    return dataKey;
  }

  async function exportStep(prefix: string, exportName: string) {
    const res = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: {
        name: `payer ${exportName}`,
        provider: 'aws',
        type: 'root',
        awsAccountId: PAYER,
        ...KEYS.payer,
        ...EXPORT,
        prefix,
        exportName,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const step = stepsOf(res.body).export;
    await w.api(`/api/v1/cloud-accounts/${String(res.body.id)}?confirm=true`, { method: 'DELETE' });
    return step as typeof step & { message: string };
  }

  beforeAll(async () => {
    w = await startAccountsWorld();
    writer = new S3Client({
      region: 'us-east-1',
      endpoint: w.sim.url,
      forcePathStyle: true,
      credentials: KEYS.writer,
    });
  });
  afterAll(async () => {
    writer?.destroy();
    await w?.close();
  });

  it('says that a FOCUS export is not a CUR, before the first sync', async () => {
    const key = await plant('focus', 'acct-focus', FOCUS_HEADER);
    const step = await exportStep('focus', 'acct-focus');
    expect(step).toMatchObject({ state: 'fail', code: 'export_is_focus' });
    expect(step.message).toMatch(/^This is a FOCUS export, not a CUR: /);
    expect(step.message).toContain(key);
    expect(step.message).toContain('BilledCost');
    expect(step.remediation).toMatch(/Standard data export/);
  });

  it('lists the CUR columns a file lacks when it is neither', async () => {
    await plant('odd', 'acct-odd', 'line_item_usage_account_id,line_item_unblended_cost,something_else');
    const step = await exportStep('odd', 'acct-odd');
    expect(step).toMatchObject({ state: 'fail', code: 'export_columns_missing' });
    expect(step.message).toMatch(/lacks the columns line_item_line_item_type, line_item_usage_start_date/);
  });

  it('passes a real CUR 2.0 export as before', async () => {
    const step = await exportStep(EXPORT.prefix, EXPORT.exportName);
    expect(step).toMatchObject({ state: 'pass', code: 'export_found' });
  });
});
