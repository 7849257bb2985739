import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../../api';
import { Empty, ErrorNotice, Loading, Notice } from '../../components/Feedback';
import { dateTime, dateTimeUtc } from '../../format';
import { useSession } from '../../session';
import type { AuditRecord, Page } from '../../types';

function details(d: Record<string, unknown>): string {
  const entries = Object.entries(d);
  if (!entries.length) return '';
  return entries
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

function AuditTable(): ReactNode {
  const [items, setItems] = useState<AuditRecord[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  // The first page is asked for on mount with `loading` already true; later pages and retries go through `load`.
  const fetchPage = (cursor?: string) =>
    api
      .get<Page<AuditRecord>>('/api/v1/audit-log', { limit: 50, cursor })
      .then((page) => {
        setItems((prev) => (cursor ? [...prev, ...page.items] : page.items));
        setNext(page.nextCursor ?? null);
      })
      .catch((err: unknown) => setError(err))
      .finally(() => setLoading(false));
  const load = (cursor?: string) => {
    setLoading(true);
    setError(undefined);
    return fetchPage(cursor);
  };
  useEffect(() => {
    void fetchPage();
  }, []);
  return (
    <>
      <ErrorNotice error={error} onRetry={() => void load()} />
      {!loading && !error && items.length === 0 ? <Empty title="Nothing recorded yet" /> : null}
      {items.length > 0 ? (
        <div className="table-wrap" tabIndex={0} aria-label="Audit log entries">
          <table className="table">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Object</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap" title={dateTimeUtc(r.createdAt)}>
                    {dateTime(r.createdAt)}
                  </td>
                  <td>{r.actor}</td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td>
                    {r.objectType}
                    {r.objectId ? <span className="muted small"> {r.objectId}</span> : null}
                  </td>
                  <td className="small wrap">{details(r.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {loading ? <Loading what="audit log" /> : null}
      {next && !loading ? (
        <button type="button" className="btn" onClick={() => void load(next)}>
          Load older entries
        </button>
      ) : null}
    </>
  );
}

export function AuditLogPanel(): ReactNode {
  const session = useSession();
  return (
    <section className="panel" aria-labelledby="audit-title">
      <div className="panel-head">
        <h2 id="audit-title">Audit log</h2>
      </div>
      {session.can('audit:read') ? <AuditTable /> : <Notice>{session.reason('audit:read')}</Notice>}
    </section>
  );
}
