import { useCallback, useRef, useState, type ReactNode, type Ref } from 'react';
import { Link } from 'react-router-dom';
import { ErrorNotice } from '../../components/Feedback';
import { SyncProgress } from '../../components/SyncProgress';
import { DiagnosticList, ValidationResult } from '../../components/ValidationResult';
import type { CloudAccount, Diagnostic, ValidationReport } from '../../types';
import { SyncButton } from '../accounts/SyncButton';

/**
 * The connect wizards' step and its heading focus: after a move (not on arrival), keyboard and screen-reader focus
 * goes to the new step's heading, so the person hears where they are. `heading` is the ref of each step's `<h2>`.
 */
export function useWizard<S extends string>(initial: S) {
  const [step, setStep] = useState<S>(initial);
  const moved = useRef(false);
  const go = useCallback((s: S) => {
    moved.current = true;
    setStep(s);
  }, []);
  const heading = useCallback((el: HTMLHeadingElement | null) => {
    if (el && moved.current) el.focus();
  }, []);
  return { step, go, heading };
}

/** A step's heading, reachable by focus (the wizard moves focus to it). */
export function StepHeading({
  id,
  heading,
  children,
}: {
  id: string;
  heading: Ref<HTMLHeadingElement>;
  children: ReactNode;
}) {
  return (
    <h2 id={id} ref={heading} tabIndex={-1}>
      {children}
    </h2>
  );
}

/** The validation step of every connect wizard: each check with its fix, or why the API refused to save. */
export function ValidationPanel(props: {
  heading: Ref<HTMLHeadingElement>;
  report?: ValidationReport | null;
  refused?: { diagnostics: Diagnostic[] };
  /** What the refusal says (bold) and what to do about it. */
  refusedTitle: string;
  refusedHint: string;
  /** Shown under a refusal's steps (e.g. the external ID). */
  refusedExtra?: ReactNode;
  /** The connection was saved (Continue anyway leads to its first sync). */
  saved: boolean;
  savedWithoutReport?: ReactNode;
  error: unknown;
  pending: boolean;
  onChange: () => void;
  onContinue: () => void;
  onAgain: () => void;
}): ReactNode {
  const ok = props.report?.ok === true;
  return (
    <section className="panel" aria-labelledby="validate-title">
      <StepHeading id="validate-title" heading={props.heading}>
        Validation
      </StepHeading>
      {props.report ? <ValidationResult report={props.report} /> : null}
      {props.refused ? (
        <>
          <div className="notice notice-error" role="alert">
            <strong>{props.refusedTitle}</strong> {props.refusedHint}
          </div>
          <DiagnosticList diagnostics={props.refused.diagnostics} />
          {props.refusedExtra}
        </>
      ) : null}
      {!props.report && props.saved && !props.refused ? props.savedWithoutReport : null}
      <ErrorNotice error={props.error} />
      <div className="row">
        {!ok ? (
          <button type="button" className="btn" onClick={props.onChange}>
            Change settings
          </button>
        ) : null}
        {!ok && props.saved ? (
          <button
            type="button"
            className="btn btn-ghost"
            title="The connection is saved; the sync reports what still fails"
            onClick={props.onContinue}
          >
            Continue anyway
          </button>
        ) : null}
        <span className="spacer" />
        {!ok ? (
          <button type="button" className="btn btn-primary" disabled={props.pending} onClick={props.onAgain}>
            {props.pending ? 'Validating…' : 'Validate again'}
          </button>
        ) : (
          <button type="button" className="btn btn-primary" onClick={props.onContinue}>
            Continue to the first sync
          </button>
        )}
      </div>
    </section>
  );
}

/** The last step of every connect wizard: the first sync's progress, and the way out. */
export function FirstSyncPanel(props: {
  heading: Ref<HTMLHeadingElement>;
  account: CloudAccount;
  children: ReactNode;
}): ReactNode {
  return (
    <section className="panel" aria-labelledby="sync-title">
      <StepHeading id="sync-title" heading={props.heading}>
        First sync
      </StepHeading>
      <p className="muted">{props.children}</p>
      <SyncProgress accountId={props.account.id} />
      <div className="row">
        <SyncButton account={props.account} onStarted={() => undefined} />
        <span className="spacer" />
        <Link className="btn" to={`/accounts/${props.account.id}`}>
          Open the account
        </Link>
        <Link className="btn btn-primary" to="/accounts">
          Done
        </Link>
      </div>
    </section>
  );
}
