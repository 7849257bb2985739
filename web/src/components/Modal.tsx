import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice } from './Feedback';

/** A modal on the native <dialog>: it traps focus, closes on Escape, and returns focus to the opener. */
export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  const { onClose } = props;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (!d.open) {
      d.showModal();
      // showModal focuses the first control, the close button; the first field of the body is more useful.
      d.querySelector<HTMLElement>(
        '.modal-body :is(input, select, textarea, button):not(:disabled)',
      )?.focus();
    }
    const cancel = (e: Event) => {
      e.preventDefault();
      onClose();
    };
    d.addEventListener('cancel', cancel);
    return () => d.removeEventListener('cancel', cancel);
  }, [onClose]);
  return (
    <dialog ref={ref} className={`modal ${props.wide ? 'modal-wide' : ''}`} aria-label={props.title}>
      <div className="modal-head">
        <h2>{props.title}</h2>
        <button type="button" className="btn btn-ghost btn-small" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      <div className="modal-body">{props.children}</div>
    </dialog>
  );
}

/**
 * A dialog around a form: runs `onSubmit`, shows the API's error when it fails (the dialog stays open), and
 * closes when it succeeds.
 */
export function FormDialog(props: {
  title: string;
  submitLabel: string;
  /** The submit button's text while the request runs. */
  pendingLabel?: string;
  danger?: boolean;
  /** Keeps the submit button disabled, e.g. until a confirmation is typed. */
  blocked?: boolean;
  autoFocusSubmit?: boolean;
  onSubmit: () => Promise<void>;
  onClose: () => void;
  children: ReactNode;
}): ReactNode {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    try {
      await props.onSubmit();
      props.onClose();
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  return (
    <Modal title={props.title} onClose={props.onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        {props.children}
        <ErrorNotice error={error} />
        <div className="modal-actions">
          <button type="button" className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className={`btn ${props.danger ? 'btn-danger' : 'btn-primary'}`}
            disabled={pending || props.blocked}
            autoFocus={props.autoFocusSubmit}
          >
            {pending ? (props.pendingLabel ?? 'Working…') : props.submitLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Asks before a destructive action, runs it, and shows the API's error if it fails. */
export function ConfirmDialog(props: {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  children: ReactNode;
  /** When set, the user must type this text to confirm (for removals that delete data). */
  typeToConfirm?: string;
}): ReactNode {
  const [typed, setTyped] = useState('');
  return (
    <FormDialog
      title={props.title}
      submitLabel={props.confirmLabel}
      danger={props.danger}
      blocked={props.typeToConfirm !== undefined && typed !== props.typeToConfirm}
      autoFocusSubmit={props.typeToConfirm === undefined}
      onSubmit={props.onConfirm}
      onClose={props.onClose}
    >
      <div className="stack">{props.children}</div>
      {props.typeToConfirm !== undefined ? (
        <label className="field">
          <span>
            Type <strong>{props.typeToConfirm}</strong> to confirm
          </span>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
        </label>
      ) : null}
    </FormDialog>
  );
}
