import { describe, expect, it } from 'vitest';
import { InputError } from '../../../lib/errors.js';
import { checkMerged, parseCreateInput, parseUpdateInput } from './aws-schemas.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const exportFields = {
  exportType: 'cur2',
  exportName: 'cloudtally',
  bucket: 'acme-billing',
  prefix: 'cur',
  exportRegion: 'us-east-1',
};
const role = {
  name: 'Prod',
  provider: 'aws',
  type: 'assumed_role',
  awsAccountId: '123456789012',
  roleName: 'CloudtallyReadOnly',
  ...exportFields,
};

function fieldOf(body: unknown): { field: string; message: string } {
  try {
    parseCreateInput(body);
  } catch (err) {
    if (err instanceof InputError) return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('connection fields', () => {
  it('accepts each connection type with its fields', () => {
    expect(parseCreateInput(role).type).toBe('assumed_role');
    expect(
      parseCreateInput({
        name: 'Payer',
        type: 'root',
        awsAccountId: '1234-5678-9012',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: SECRET,
        ...exportFields,
        memberImport: 'all',
      }),
    ).toMatchObject({ awsAccountId: '123456789012', memberImport: 'all' });
    expect(
      parseCreateInput({
        name: 'Dev',
        type: 'linked',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: SECRET,
      }).type,
    ).toBe('linked');
    expect(
      parseCreateInput({ type: 'linked', awsAccountId: '123456789012', payerAccountId: 'ca_abcdef123456' })
        .type,
    ).toBe('linked');
    expect(
      parseCreateInput({ name: 'CE', type: 'cost_explorer', roleArn: 'arn:aws:iam::123456789012:role/CE' })
        .roleArn,
    ).toBe('arn:aws:iam::123456789012:role/CE');
  });

  it('finds the same export with or without a trailing slash on the prefix', () => {
    expect(parseCreateInput({ ...role, prefix: 'billing/cur/' }).prefix).toBe('billing/cur');
    expect(parseCreateInput({ ...role, prefix: 'billing/cur' }).prefix).toBe('billing/cur');
  });

  const BAD: [string, Record<string, unknown>, string, RegExp][] = [
    ['short account ID', { awsAccountId: '12345' }, 'awsAccountId', /12-digit/],
    ['letters in account ID', { awsAccountId: '12345678901a' }, 'awsAccountId', /12-digit/],
    ['role name with a slash', { roleName: 'team/Reader' }, 'roleName', /IAM role naming/],
    ['role name too long', { roleName: 'R'.repeat(65) }, 'roleName', /64/],
    ['ARN given as role name', { roleName: 'arn:aws:iam::123456789012:role/X' }, 'roleName', /roleArn/],
    [
      'user ARN as role ARN',
      { roleName: undefined, roleArn: 'arn:aws:iam::123456789012:user/x' },
      'roleArn',
      /role ARN/,
    ],
    [
      'role ARN in another account',
      { roleName: undefined, roleArn: 'arn:aws:iam::210987654321:role/X' },
      'roleArn',
      /210987654321/,
    ],
    ['bucket with upper case', { bucket: 'Acme-Billing' }, 'bucket', /lower-case/],
    ['bucket as URL', { bucket: 's3://acme-billing' }, 'bucket', /without s3:\/\//],
    ['bucket too short', { bucket: 'ab' }, 'bucket', /3 to 63/],
    ['bucket like an IP', { bucket: '192.168.1.1' }, 'bucket', /IP address/],
    ['bucket with adjacent dots', { bucket: 'acme..billing' }, 'bucket', /adjacent dots/],
    ['reserved bucket prefix', { bucket: 'xn--acme' }, 'bucket', /reserved/],
    ['prefix with a leading slash', { prefix: '/cur' }, 'prefix', /leading slash/],
    ['prefix with an empty segment', { prefix: 'a//b' }, 'prefix', /empty path segment/],
    ['prefix with a space', { prefix: 'my cur' }, 'prefix', /may contain only/],
    ['unknown region', { exportRegion: 'us-east-9' }, 'exportRegion', /known AWS region/],
    ['CUR 2.0 name with a dot', { exportName: 'my.export' }, 'exportName', /CUR 2.0 export name/],
    ['export name with a slash', { exportName: 'a/b' }, 'exportName', /may contain only/],
    ['export type', { exportType: 'cur3' }, 'exportType', /cur2/],
    ['missing bucket', { bucket: undefined }, 'bucket', /is required/],
    [
      'keys on an assumed role',
      { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET },
      'accessKeyId',
      /stores no keys/,
    ],
    ['unknown field', { colour: 'red' }, 'colour', /unknown field/],
    ['other provider', { provider: 'gcp' }, 'provider', /aws/],
    [
      'payer on an assumed role',
      { payerAccountId: '123456789012' },
      'payerAccountId',
      /only a linked account/,
    ],
  ];
  it.each(BAD)('refuses %s, naming the field and the rule', (_name, patch, field, rule) => {
    const e = fieldOf({ ...role, ...patch });
    expect(e.field).toBe(field);
    expect(e.message).toMatch(rule);
  });

  it('checks keys and never repeats the secret in a message', () => {
    const root = { name: 'P', type: 'root', awsAccountId: '123456789012', ...exportFields };
    expect(fieldOf({ ...root, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }).field).toBe('secretAccessKey');
    expect(
      fieldOf({ ...root, accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET }).message,
    ).toMatch(/temporary/);
    const bad = 'has spaces in it but is a secret 0123456789';
    const e = fieldOf({ ...root, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: bad });
    expect(e.field).toBe('secretAccessKey');
    expect(e.message).not.toContain(bad);
    expect(fieldOf({ ...root }).field).toBe('accessKeyId');
  });

  it('asks a Cost Explorer source for a role and refuses export fields', () => {
    expect(fieldOf({ name: 'CE', type: 'cost_explorer' }).field).toBe('roleArn');
    expect(
      fieldOf({
        name: 'CE',
        type: 'cost_explorer',
        roleArn: 'arn:aws:iam::123456789012:role/CE',
        bucket: 'acme-billing',
      }).field,
    ).toBe('bucket');
  });

  it('wants a linked account export either complete or absent', () => {
    const e = fieldOf({
      name: 'L',
      type: 'linked',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: SECRET,
      bucket: 'acme-billing',
    });
    expect(e.field).toBe('exportType');
    expect(e.message).toMatch(/billing export of its own/);
  });

  it('checks an edit against the rules of the type, counting stored keys', () => {
    expect(parseUpdateInput({ name: 'New name', enabled: false })).toEqual({
      name: 'New name',
      enabled: false,
    });
    expect(() => parseUpdateInput({ prefix: '/x' })).toThrow(/leading slash/);
    expect(() =>
      checkMerged({ type: 'root', awsAccountId: '123456789012', ...exportFields, exportType: 'cur2' }, true),
    ).not.toThrow();
    expect(() =>
      checkMerged({ type: 'root', awsAccountId: '123456789012', ...exportFields, exportType: 'cur2' }, false),
    ).toThrow(/accessKeyId/);
  });
});
