import { useEffect, type ReactNode } from 'react';
import { ApiError } from '../api';

export function Spinner(props: { label?: string }): ReactNode {
  return (
    <span className="spinner" role="status" aria-label={props.label ?? 'Loading'}>
      <span className="spinner-dot" aria-hidden="true" />
    </span>
  );
}

export function Loading(props: { what?: string }): ReactNode {
  return (
    <div className="loading" aria-busy="true">
      <Spinner label={`Loading ${props.what ?? ''}`.trim()} /> Loading{props.what ? ` ${props.what}` : ''}…
    </div>
  );
}

/** A panel-sized grey placeholder while the first answer loads, so the layout does not jump. */
export function Skeleton(props: { height?: number }): ReactNode {
  return <div className="skeleton" style={{ height: props.height ?? 120 }} aria-hidden="true" />;
}

export function Empty(props: { title: string; children?: ReactNode }): ReactNode {
  return (
    <div className="empty">
      <div className="empty-title">{props.title}</div>
      {props.children ? <div className="empty-body">{props.children}</div> : null}
    </div>
  );
}

/** The API's own message (and the field it names), never a generic "something went wrong". */
export function ErrorNotice(props: { error: unknown; onRetry?: () => void }): ReactNode {
  if (!props.error) return null;
  const err = props.error;
  const message = err instanceof Error ? err.message : String(err);
  const field = err instanceof ApiError ? err.field : undefined;
  const requestId = err instanceof ApiError ? err.requestId : undefined;
  return (
    <div className="notice notice-error" role="alert">
      <div>
        <strong>{message}</strong>
        {field ? <span className="muted"> (field: {field})</span> : null}
      </div>
      {requestId ? <div className="muted small">Request ID {requestId}</div> : null}
      {props.onRetry ? (
        <button type="button" className="btn btn-small" onClick={props.onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Notice(props: { kind?: 'info' | 'success' | 'warning'; children: ReactNode }): ReactNode {
  return (
    <div className={`notice notice-${props.kind ?? 'info'}`} role="status">
      {props.children}
    </div>
  );
}

/** Sets the window's title while a page shows (WCAG 2.4.2: a title per page), e.g. "Budgets · Cloudtally". */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Cloudtally` : 'Cloudtally';
  }, [title]);
}

export function PageHeader(props: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  /** The window's title when it is not the heading alone (e.g. an account's name with the page's kind). */
  documentTitle?: string;
}): ReactNode {
  useDocumentTitle(props.documentTitle ?? props.title);
  return (
    <header className="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle ? <p className="muted">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div className="page-actions">{props.actions}</div> : null}
    </header>
  );
}
