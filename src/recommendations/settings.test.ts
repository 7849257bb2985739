import { describe, expect, it } from 'vitest';
import { nextSizeDown, priceOf } from '../providers/aws/recommendations/prices.js';
import { resolveSettings } from './settings.js';

describe('resolveSettings', () => {
  it('starts from the issue’s defaults', () => {
    const s = resolveSettings();
    expect(s.idle_instance).toMatchObject({ days: 7, maxAvgCpuPercent: 5, maxNetworkBytesPerSecond: 1000 });
    expect(s.rightsizing).toMatchObject({ days: 14, maxP99CpuPercent: 40 });
    expect(s.stopped_instance_volumes.minStoppedDays).toBe(7);
    expect(s.unattached_volume.minDays).toBe(1);
    expect(s.gp2_to_gp3.savingsRatio).toBe(0.2);
    expect(s.unassociated_eip.minDays).toBe(7);
    expect(s.idle_load_balancer.days).toBe(7);
    expect(s.old_snapshot.minAgeDays).toBe(90);
    expect(s.savings_plan_commitment.days).toBe(90);
    expect(s.low_commitment_utilization.minUtilizationPercent).toBe(90);
  });

  it('applies layers in order, later ones winning', () => {
    const s = resolveSettings({ old_snapshot: { minAgeDays: 30 } }, { old_snapshot: { enabled: false } });
    expect(s.old_snapshot).toEqual({ enabled: false, minAgeDays: 30 });
  });

  it.each([
    [{ nope: {} }, 'settings.nope'],
    [{ idle_instance: { days: 0 } }, 'settings.idle_instance.days'],
    [{ idle_instance: { cpu: 3 } }, 'settings.idle_instance'],
    [{ gp2_to_gp3: { savingsRatio: 2 } }, 'settings.gp2_to_gp3.savingsRatio'],
  ])('rejects %j naming %s', (layer, field) => {
    expect(() => resolveSettings(layer as never)).toThrow(
      expect.objectContaining({ field: expect.stringContaining(field) }),
    );
  });
});

describe('nextSizeDown', () => {
  it.each([
    ['m5.2xlarge', 'm5.xlarge'],
    ['m5.large', undefined],
    ['m5.24xlarge', 'm5.16xlarge'],
    ['t3.large', 't3.medium'],
    ['c5.18xlarge', 'c5.9xlarge'],
    ['m4.large', undefined],
    ['x9.unknown', undefined],
  ])('%s → %s', (type, expected) => {
    expect(nextSizeDown(type)).toBe(expected);
  });

  it('knows the successor of previous-generation types', () => {
    expect(priceOf('m4.large')).toMatchObject({ generation: 'previous', successor: 'm5.large' });
    expect(priceOf('t2.micro')?.successor).toBe('t3.micro');
  });
});
