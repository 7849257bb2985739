import { addDays, isoDate, weekday } from '../../lib/dates.js';

export const DIGEST_FREQUENCIES = ['daily', 'weekly'] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

export interface DigestPeriod {
  frequency: DigestFrequency;
  /** First and last day of the period (UTC calendar days). */
  from: string;
  to: string;
  /** The period before it, of the same length, that it is compared with. */
  previous: { from: string; to: string };
}

/**
 * The newest period that has ended by `now`: yesterday for a daily digest, the last whole week (Monday to
 * Sunday, UTC) for a weekly one. A digest is about one such period and is sent once for it.
 */
export function lastCompletePeriod(frequency: DigestFrequency, now: Date): DigestPeriod {
  const today = isoDate(now);
  if (frequency === 'daily') {
    const day = addDays(today, -1);
    return { frequency, from: day, to: day, previous: { from: addDays(day, -1), to: addDays(day, -1) } };
  }
  // weekday(): 0 = Sunday; the week starts on Monday.
  const monday = addDays(today, -((weekday(today) + 6) % 7));
  const from = addDays(monday, -7);
  return {
    frequency,
    from,
    to: addDays(monday, -1),
    previous: { from: addDays(from, -7), to: addDays(from, -1) },
  };
}

/** The key that makes a subscription's digest for a period one event, whoever sends it and however often. */
export function digestKey(subscriptionId: string, period: DigestPeriod): string {
  return `digest:${subscriptionId}:${period.from}`;
}
