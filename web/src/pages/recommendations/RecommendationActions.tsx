import { useState, type ReactNode } from 'react';
import { api } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { ErrorNotice } from '../../components/Feedback';
import { FormDialog } from '../../components/Modal';
import { addDays, isoDate } from '../../../../src/lib/dates';
import type { Recommendation } from '../../types';

const DISMISS_REASONS = [
  'Needed: the resource is in use',
  'Planned: we will act on it ourselves',
  'Not worth the effort',
  'Other',
];

function DismissDialog(props: { rec: Recommendation; onClose: () => void; onDone: () => void }): ReactNode {
  const [choice, setChoice] = useState(DISMISS_REASONS[0]);
  const [text, setText] = useState('');
  const submit = async () => {
    const reason = choice === 'Other' ? text.trim() : text.trim() ? `${choice}: ${text.trim()}` : choice;
    await api.post(`/api/v1/recommendations/${props.rec.id}/dismiss`, { reason });
    props.onDone();
  };
  return (
    <FormDialog
      title="Dismiss recommendation"
      submitLabel="Dismiss"
      pendingLabel="Dismissing…"
      onSubmit={submit}
      onClose={props.onClose}
    >
      <p>
        <strong>{props.rec.title}</strong>
        <br />
        <span className="muted small">{props.rec.resourceId}</span>
      </p>
      <fieldset className="field">
        <legend>Why does it not apply?</legend>
        {DISMISS_REASONS.map((r) => (
          <label key={r} className="radio">
            <input type="radio" name="reason" checked={choice === r} onChange={() => setChoice(r)} />
            <span>{r}</span>
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>{choice === 'Other' ? 'Reason' : 'Note (optional)'}</span>
        <textarea
          rows={2}
          value={text}
          required={choice === 'Other'}
          maxLength={500}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
    </FormDialog>
  );
}

function SnoozeDialog(props: { rec: Recommendation; onClose: () => void; onDone: () => void }): ReactNode {
  const [days, setDays] = useState('30');
  const [reason, setReason] = useState('');
  const until = addDays(isoDate(new Date()), Number(days));
  const submit = async () => {
    await api.post(`/api/v1/recommendations/${props.rec.id}/snooze`, {
      until: `${until}T00:00:00.000Z`,
      reason: reason.trim() || undefined,
    });
    props.onDone();
  };
  return (
    <FormDialog
      title="Snooze recommendation"
      submitLabel="Snooze"
      pendingLabel="Snoozing…"
      onSubmit={submit}
      onClose={props.onClose}
    >
      <p>
        <strong>{props.rec.title}</strong> comes back on its own after the snooze.
      </p>
      <label className="field">
        <span>Snooze for</span>
        <select value={days} onChange={(e) => setDays(e.target.value)}>
          <option value="7">7 days</option>
          <option value="30">30 days</option>
          <option value="90">90 days</option>
          <option value="180">180 days</option>
        </select>
        <span className="field-help">Until {until} (UTC)</span>
      </label>
      <label className="field">
        <span>Reason (optional)</span>
        <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </label>
    </FormDialog>
  );
}

/** Dismiss / snooze for an open recommendation, reopen for a closed one. */
export function RecommendationActions(props: { rec: Recommendation; onChanged: () => void }): ReactNode {
  const [dialog, setDialog] = useState<'dismiss' | 'snooze'>();
  const [error, setError] = useState<unknown>();
  const { rec } = props;
  const reopen = async () => {
    setError(undefined);
    try {
      await api.post(`/api/v1/recommendations/${rec.id}/reopen`);
      props.onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="rec-actions">
      {rec.state === 'open' ? (
        <>
          <ActionButton
            action="recommendations:act"
            className="btn-small"
            onClick={() => setDialog('snooze')}
          >
            Snooze
          </ActionButton>
          <ActionButton
            action="recommendations:act"
            className="btn-small"
            onClick={() => setDialog('dismiss')}
          >
            Dismiss
          </ActionButton>
        </>
      ) : rec.state === 'dismissed' || rec.state === 'snoozed' ? (
        <ActionButton action="recommendations:act" className="btn-small" onClick={() => void reopen()}>
          Reopen
        </ActionButton>
      ) : null}
      <ErrorNotice error={error} />
      {dialog === 'dismiss' ? (
        <DismissDialog rec={rec} onClose={() => setDialog(undefined)} onDone={props.onChanged} />
      ) : null}
      {dialog === 'snooze' ? (
        <SnoozeDialog rec={rec} onClose={() => setDialog(undefined)} onDone={props.onChanged} />
      ) : null}
    </div>
  );
}
