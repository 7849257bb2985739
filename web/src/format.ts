/** Numbers with their currency, and dates in the user's time zone (billing days are UTC and say so). */

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, digits: number, compact: boolean): Intl.NumberFormat {
  const key = `${currency}|${digits}|${compact}`;
  let f = moneyFormats.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency,
        minimumFractionDigits: compact ? 0 : digits,
        maximumFractionDigits: digits,
        notation: compact ? 'compact' : 'standard',
      });
    } catch {
      // An unknown currency code from a billing file: show the amount with the code rather than failing.
      f = new Intl.NumberFormat(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    }
    moneyFormats.set(key, f);
  }
  return f;
}

/** `$1,234.56`; amounts below a cent but above zero show as `<$0.01` so that small costs do not vanish. */
export function money(amount: number | null | undefined, currency = 'USD'): string {
  if (amount === null || amount === undefined || Number.isNaN(amount)) return '—';
  if (amount !== 0 && Math.abs(amount) < 0.005) return `<${moneyFormat(currency, 2, false).format(0.01)}`;
  return moneyFormat(currency, 2, false).format(amount);
}

/** `$1.2K`, for chart axes. */
export function moneyCompact(amount: number, currency = 'USD'): string {
  return moneyFormat(currency, 1, true).format(amount);
}

const numberFormat = new Intl.NumberFormat();
export function num(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : numberFormat.format(n);
}

export function percent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** Signed change with an arrow, e.g. `▲ 12.3%`. */
export function change(
  current: number,
  previous: number,
): { text: string; direction: 'up' | 'down' | 'flat' } {
  if (!previous) return { text: '—', direction: 'flat' };
  const r = (current - previous) / Math.abs(previous);
  if (Math.abs(r) < 0.0005) return { text: '0.0%', direction: 'flat' };
  return { text: `${r > 0 ? '▲' : '▼'} ${Math.abs(r * 100).toFixed(1)}%`, direction: r > 0 ? 'up' : 'down' };
}

const localDateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});
const localTime = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const utcDateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

export function timeZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** A moment in the user's time zone, e.g. `Jun 3, 2025, 14:05`. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : localDateTime.format(d);
}

/** The same moment in UTC, for tooltips next to local times. */
export function dateTimeUtc(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${utcDateTime.format(d)} UTC`;
}

export function time(iso: string): string {
  return localTime.format(new Date(iso));
}

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** `3 minutes ago`, `in 2 hours`. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.round((t - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 45) return rtf.format(s, 'second');
  if (abs < 45 * 60) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 36 * 3600) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}

const utcDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const utcDayYear = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const utcMonth = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });

/**
 * A billing day (`YYYY-MM-DD`, a UTC day in AWS billing) without shifting it into the local zone, which
 * would show the 3rd as the 2nd west of Greenwich.
 */
export function day(ymd: string, withYear = false): string {
  const d = new Date(`${ymd.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return ymd;
  return (withYear ? utcDayYear : utcDay).format(d);
}

export function month(ymd: string): string {
  const d = new Date(`${ymd.slice(0, 7)}-01T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? ymd : utcMonth.format(d);
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 10 || i === 0 ? 0 : 1)} ${units[i]}`;
}

export function titleCase(s: string): string {
  return s.replace(/[_-]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}
