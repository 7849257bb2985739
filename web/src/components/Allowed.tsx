import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { useSession, type Action } from '../session';

/** Renders its children only when the member may do `action` (the API enforces it anyway). */
export function IfAllowed(props: { action: Action; children: ReactNode }): ReactNode {
  const session = useSession();
  return session.can(props.action) ? props.children : null;
}

/**
 * A button for an action the role may not be allowed: then it is disabled and says why, on hover and to a
 * screen reader, instead of failing after the click.
 */
export function ActionButton(
  props: ButtonHTMLAttributes<HTMLButtonElement> & { action: Action; variant?: string },
): ReactNode {
  const { action, variant, className, disabled, title, ...rest } = props;
  const session = useSession();
  const allowed = session.can(action);
  const reason = allowed ? title : session.reason(action);
  return (
    <button
      type="button"
      {...rest}
      className={`btn ${variant ? `btn-${variant}` : ''} ${className ?? ''}`.trim()}
      disabled={disabled || !allowed}
      title={reason}
      aria-disabled={!allowed || undefined}
      data-reason={allowed ? undefined : reason}
    />
  );
}
