import type { ReactNode } from 'react';
import { Empty, ErrorNotice, Loading } from '../../components/Feedback';
import { ConfirmedRowAction } from '../../components/ConfirmedRowAction';
import { dateTime, relative } from '../../format';
import { useApi } from '../../hooks';
import { peopleApi, type SessionItem } from '../../people-api';

/** A browser's name in a few words, from its user agent. */
function browserOf(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : userAgent.split(' ')[0];
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /Android/.test(userAgent)
      ? 'Android'
      : /iPhone|iPad/.test(userAgent)
        ? 'iOS'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
}

/** The caller's own signed-in browsers, each of which can be signed out from here. */
export function SessionsPanel(): ReactNode {
  const sessions = useApi<{ items: SessionItem[] }>('/api/v1/auth/sessions');
  return (
    <section className="panel" aria-labelledby="sessions-title">
      <div className="panel-head">
        <h2 id="sessions-title">Your sessions</h2>
      </div>
      <p className="muted">
        Where you are signed in. Sign out a browser you no longer use or do not recognise.
      </p>
      <ErrorNotice error={sessions.error} onRetry={sessions.reload} />
      {sessions.loading && !sessions.data ? <Loading what="sessions" /> : null}
      {sessions.data?.items.length === 0 ? <Empty title="No sessions" /> : null}
      {sessions.data && sessions.data.items.length > 0 ? (
        <div className="table-wrap" tabIndex={0} aria-label="Your sessions">
          <table className="table">
            <thead>
              <tr>
                <th>Browser</th>
                <th>IP address</th>
                <th>Signed in</th>
                <th>Expires</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.items.map((s) => (
                <tr key={s.id}>
                  <td title={s.userAgent ?? undefined}>
                    {browserOf(s.userAgent)}
                    {s.current ? <span className="badge">This browser</span> : null}
                  </td>
                  <td>{s.ip ?? '—'}</td>
                  <td title={dateTime(s.createdAt)}>{relative(s.createdAt)}</td>
                  <td>{dateTime(s.expiresAt)}</td>
                  <td className="actions">
                    {s.current ? null : (
                      <ConfirmedRowAction
                        label="End session"
                        title="End this session"
                        onConfirm={async () => {
                          await peopleApi.endSession(s.id);
                          sessions.reload();
                        }}
                      >
                        <p>
                          {browserOf(s.userAgent)} ({s.ip ?? 'unknown address'}) is signed out at once.
                        </p>
                      </ConfirmedRowAction>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
