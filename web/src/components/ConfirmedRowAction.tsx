import { useState, type ReactNode } from 'react';
import { ConfirmDialog } from './Modal';

/**
 * A table row's destructive action (revoke, withdraw, end): a small button that asks first. The question is a
 * modal dialog (drawn above the page, so it may sit inside the table cell) with the consequence in `children`.
 */
export function ConfirmedRowAction(props: {
  /** The button's text, e.g. "Revoke". */
  label: string;
  /** The button's accessible name when the text alone does not say which row, e.g. "Revoke the token ci". */
  accessibleName?: string;
  /** The dialog's title, e.g. "Revoke token". */
  title: string;
  /** The dialog's confirming button; the button's text when not given. */
  confirmLabel?: string;
  onConfirm: () => Promise<void>;
  children: ReactNode;
}): ReactNode {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn btn-small btn-ghost-danger"
        aria-label={props.accessibleName}
        onClick={() => setOpen(true)}
      >
        {props.label}
      </button>
      {open ? (
        <ConfirmDialog
          title={props.title}
          confirmLabel={props.confirmLabel ?? props.label}
          danger
          onClose={() => setOpen(false)}
          onConfirm={props.onConfirm}
        >
          {props.children}
        </ConfirmDialog>
      ) : null}
    </>
  );
}
