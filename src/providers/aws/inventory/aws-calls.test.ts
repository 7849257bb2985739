import { describe, expect, it } from 'vitest';
import { diagnosticFor } from './aws-calls.js';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

describe('diagnosticFor', () => {
  it('names the call and the region, and says what to allow', () => {
    const d = diagnosticFor(sdkError('UnauthorizedOperation', 403), 'ec2:DescribeVolumes', 'eu-west-1');
    expect(d).toMatchObject({
      code: 'inventory_access_denied',
      step: 'ec2:DescribeVolumes',
      key: 'eu-west-1',
    });
    expect(d.message).toMatch(/ec2:DescribeVolumes was denied in eu-west-1/);
    expect(d.remediation).toMatch(/Allow ec2:DescribeVolumes/);
  });
});
