import { ERROR_MAP } from '../lib/errors.js';

/**
 * How the CLI prints for people: tables with readable headers, numbers right-aligned with thousands separators,
 * times in the user's time zone. `--json` output never comes through here; it stays as the API answers.
 */

/** Headers that a mechanical split of the key would get wrong (acronyms, units). */
const HEADERS: Record<string, string> = {
  id: 'ID',
  awsAccountId: 'AWS account ID',
  awsStatus: 'AWS status',
  cost30d: 'Cost (30 days)',
  manageCloudCredentials: 'Manage cloud credentials',
};

/** `lastUsedAt` → "Last used", `nextSync` → "Next sync"; dates and other non-identifiers stay as they are. */
export function headerOf(key: string): string {
  if (HEADERS[key]) return HEADERS[key];
  if (!/^[a-z][A-Za-z0-9]*$/.test(key)) return key;
  const words = key
    .replace(/At$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// A decimal amount as the commands format it (`1234.50`, `-3.2`, `12.30*` for an estimate). Whole-number
// strings are left alone: they are identifiers (AWS account IDs), not quantities.
const DECIMAL = /^(-?)(\d+)(\.\d+)?(\*?)$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [whole, frac] = String(Math.abs(n)).split('.');
  return `${n < 0 ? '-' : ''}${groupThousands(whole)}${frac ? `.${frac}` : ''}`;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** `2024-05-01T10:00:00Z` → `2024-05-01 12:00 GMT+2` in the time zone of the user (TZ, else the system's). */
export function localTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const key = timeZone ?? '';
  let f = timeFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    timeFormats.set(key, f);
  }
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

export interface Cell {
  text: string;
  numeric: boolean;
}

/** One value as a table shows it. */
export function cellOf(v: unknown): Cell {
  if (v === null || v === undefined) return { text: '', numeric: false };
  if (typeof v === 'number' || typeof v === 'bigint') return { text: numberText(Number(v)), numeric: true };
  if (typeof v === 'boolean') return { text: v ? 'yes' : 'no', numeric: false };
  if (v instanceof Date) return { text: localTime(v.toISOString()), numeric: false };
  const s = String(v);
  const m = DECIMAL.exec(s);
  if (m && m[3]) return { text: `${m[1]}${groupThousands(m[2])}${m[3]}${m[4]}`, numeric: true };
  if (ISO_TIME.test(s)) return { text: localTime(s), numeric: false };
  return { text: s, numeric: false };
}

/** Rows as an aligned table: columns of numbers are right-aligned, every other column left-aligned. */
export function formatTable(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((r) => columns.map((c) => cellOf(r[c])));
  const numeric = columns.map(
    (_, i) =>
      cells.some((row) => row[i].numeric) && cells.every((row) => row[i].numeric || row[i].text === ''),
  );
  const headers = columns.map(headerOf);
  const widths = columns.map((_, i) =>
    Math.max(headers[i].length, ...cells.map((row) => row[i].text.length)),
  );
  const line = (texts: string[]) =>
    texts
      .map((t, i) => (numeric[i] ? t.padStart(widths[i]) : t.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map((row) => line(row.map((c) => c.text)))].join('\n') + '\n';
}

export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  process.stdout.write(formatTable(rows, columns));
}

let pipeGuarded = false;

/**
 * `cloudtally … | head`: once the reader has gone, the rest of the output has nowhere to go. The process ends
 * quietly (exit 0) instead of dying on the EPIPE error of the next write.
 */
export function exitQuietlyOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
}

/**
 * Commander's own exits: help and version end with 0; an unknown command or option, a missing argument and the
 * like are invalid input (exit 2, as the README's table of exit codes says), not an internal error.
 */
export function usageExit(err: { exitCode: number }): never {
  process.exit(err.exitCode === 0 ? 0 : ERROR_MAP.input.exit);
}
