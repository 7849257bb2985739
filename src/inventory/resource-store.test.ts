import { describe, expect, it } from 'vitest';
import { stoppedAtFromReason } from '../providers/aws/inventory/ec2-scanner.js';
import type { DiscoveredResource } from './inventory-types.js';
import { carryOver, type StoredResource } from './resource-store.js';

const NOW = new Date('2025-06-15T12:00:00Z');
const EARLIER = new Date('2025-06-01T00:00:00Z');

function volume(attached: boolean, extra: Record<string, unknown> = {}): DiscoveredResource {
  return {
    type: 'ebs_volume',
    id: 'vol-1',
    region: 'us-east-1',
    tags: {},
    billIds: ['vol-1'],
    state: attached ? 'in-use' : 'available',
    details: {
      volumeType: 'gp3',
      sizeGiB: 10,
      createTime: '2025-01-01T00:00:00.000Z',
      attachments: attached ? [{ instanceId: 'i-1', device: '/dev/xvda', state: 'attached' }] : [],
      ...extra,
    },
  };
}

function stored(found: DiscoveredResource, gone = false): StoredResource {
  return {
    orgId: 'o',
    cloudAccountId: 'c',
    awsAccountId: '1',
    region: found.region,
    type: found.type,
    id: found.id,
    arn: null,
    name: null,
    state: found.state ?? null,
    details: found.details,
    tags: {},
    firstSeenAt: EARLIER,
    lastSeenAt: EARLIER,
    goneAt: gone ? EARLIER : null,
  };
}

describe('carryOver', () => {
  it.each([
    ['first seen unattached: since its creation', undefined, '2025-01-01T00:00:00.000Z'],
    ['seen attached before: since this scan', stored(volume(true)), NOW.toISOString()],
    [
      'unattached before: keeps the earlier time',
      stored(volume(false, { unattachedSince: '2025-03-03T00:00:00.000Z' })),
      '2025-03-03T00:00:00.000Z',
    ],
    ['back after being gone: since its creation', stored(volume(true), true), '2025-01-01T00:00:00.000Z'],
  ])('a volume %s', (_what, previous, expected) => {
    const found = volume(false);
    carryOver(found, previous, NOW);
    expect(found.details.unattachedSince).toBe(expected);
  });

  it('clears the time when the volume is attached', () => {
    const found = volume(true);
    carryOver(found, stored(volume(false, { unattachedSince: '2025-03-03T00:00:00.000Z' })), NOW);
    expect(found.details.unattachedSince).toBeNull();
  });

  it.each([
    ['first seen', undefined, null],
    ['associated before', 'associated', NOW.toISOString()],
    ['unassociated before', 'unassociated', '2025-02-02T00:00:00.000Z'],
  ])('an unassociated address %s', (_what, prevState, expected) => {
    const found: DiscoveredResource = {
      type: 'elastic_ip',
      id: 'eipalloc-1',
      region: 'us-east-1',
      tags: {},
      billIds: [],
      state: 'unassociated',
      details: { allocationId: 'eipalloc-1', publicIp: '3.3.3.3' },
    };
    const previous = prevState
      ? { ...stored(found), state: prevState, details: { unassociatedSince: '2025-02-02T00:00:00.000Z' } }
      : undefined;
    carryOver(found, previous, NOW);
    expect(found.details.unassociatedSince).toBe(expected);
  });
});

describe('stoppedAtFromReason', () => {
  it.each([
    ['User initiated (2024-01-02 03:04:05 GMT)', '2024-01-02T03:04:05.000Z'],
    ['Server.ScheduledStop (2023-12-31 23:59:59 GMT)', '2023-12-31T23:59:59.000Z'],
    ['', null],
    [undefined, null],
    ['User initiated', null],
  ])('%s → %s', (reason, expected) => {
    expect(stoppedAtFromReason(reason)).toBe(expected);
  });
});
