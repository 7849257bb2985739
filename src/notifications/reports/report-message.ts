import type { CostBasis } from '../../costs/cost-query.js';
import { money } from '../events/money.js';
import type { MessageAttachment, NotificationMessage } from '../notification-types.js';

/** One report as its e-mail carries it: the CSV the API answers for the same report and period, and its totals. */
export interface ReportFile {
  /** What it is: "Showback of team", "Saved view “EC2 by team”". */
  title: string;
  /** The dates or months it covers, in words: "2026-11", "2026-09-01 to 2026-11-30". */
  period: string;
  basis: CostBasis;
  currency: string;
  total: number;
  /** Rows of the CSV (besides its header). */
  rows: number;
  filename: string;
  csv: string;
  /** The page that shows it. */
  path: string;
}

type Message = Omit<NotificationMessage, 'type' | 'link'> & { path: string };

/** The e-mail of a scheduled report: its figures in short and its CSV attached. */
export function reportMessage(
  f: ReportFile,
  schedule: { id: string; cadence: string; recipients: string[] },
): Message {
  const attachment: MessageAttachment = { filename: f.filename, contentType: 'text/csv', content: f.csv };
  return {
    severity: 'info',
    title: `${f.title}: ${f.period}`,
    summary: `The report is attached as CSV (${f.rows} row${f.rows === 1 ? '' : 's'}): ${money(f.total, f.currency)} ${f.basis} cost in all.`,
    facts: [
      { label: 'Report', value: f.title },
      { label: 'Period', value: f.period },
      { label: 'Cost basis', value: f.basis },
      { label: 'Total', value: money(f.total, f.currency) },
      { label: 'Sent', value: schedule.cadence },
    ],
    path: f.path,
    data: { scheduleId: schedule.id, period: f.period, total: f.total, currency: f.currency },
    attachments: [attachment],
    ...(schedule.recipients.length > 0 ? { recipients: schedule.recipients } : {}),
  };
}
