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
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const [typed, setTyped] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  const blocked = props.typeToConfirm !== undefined && typed !== props.typeToConfirm;
  return (
    <Modal title={props.title} onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <div className="stack">{props.children}</div>
        {props.typeToConfirm !== undefined ? (
          <label className="field">
            <span>
              Type <strong>{props.typeToConfirm}</strong> to confirm
            </span>
            <input value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
          </label>
        ) : null}
        <ErrorNotice error={error} />
        <div className="modal-actions">
          <button type="button" className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className={`btn ${props.danger ? 'btn-danger' : 'btn-primary'}`}
            disabled={pending || blocked}
            autoFocus={props.typeToConfirm === undefined}
          >
            {pending ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
