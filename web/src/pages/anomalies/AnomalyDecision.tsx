import { useState, type ReactNode } from 'react';
import { ANOMALY_STATE_LABELS, updateAnomaly, type AnomalyState } from '../../anomaly-api';
import { ActionButton } from '../../components/Allowed';
import { ErrorNotice } from '../../components/Feedback';
import { dateTime } from '../../format';
import { useApi } from '../../hooks';
import { useSession } from '../../session';
import type { CostAnomaly, Member } from '../../types';

const CHOICES: { state: AnomalyState; help: string }[] = [
  { state: 'acknowledged', help: 'Seen, being handled' },
  { state: 'expected', help: 'Not a problem (a planned change)' },
  { state: 'open', help: 'Nobody has decided yet' },
];

/** Who changed it last, by name (members can read the member list; an ID is never shown). */
function useChangedBy(userId: string | null): string | null {
  const session = useSession();
  const members = useApi<{ items: Member[] }>(userId ? '/api/v1/members' : null);
  if (!userId) return null;
  if (userId === session.me.user.id) return 'you';
  const m = members.data?.items.find((x) => x.id === userId);
  return m ? (m.name ?? m.email) : 'a former member';
}

/**
 * Acknowledge, mark expected or open again, and comment. What is chosen is kept on the anomaly's identity, so it
 * stays after the recomputes that follow every billing load.
 */
export function AnomalyDecision(props: {
  anomaly: CostAnomaly;
  onChanged: (a: CostAnomaly) => void;
}): ReactNode {
  const a = props.anomaly;
  const [comment, setComment] = useState(a.comment ?? '');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const by = useChangedBy(a.stateUpdatedBy);

  const save = async (change: { state?: AnomalyState; comment?: string | null }, what: string) => {
    setPending(true);
    setError(undefined);
    setSaved(undefined);
    try {
      const next = await updateAnomaly(a.id, change);
      props.onChanged(next);
      setComment(next.comment ?? '');
      setSaved(what);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  const trimmed = comment.trim();
  return (
    <section className="panel" aria-labelledby="decision-title">
      <div className="panel-head">
        <h2 id="decision-title">Decision</h2>
        {a.stateUpdatedAt ? (
          <span className="muted small" data-testid="anomaly-changed-by">
            last changed by {by} on {dateTime(a.stateUpdatedAt)}
          </span>
        ) : null}
      </div>
      <div className="segmented" role="group" aria-label="Status">
        {CHOICES.map((c) => (
          <ActionButton
            key={c.state}
            action="anomalies:act"
            aria-pressed={a.state === c.state}
            title={c.help}
            disabled={pending}
            onClick={() => void save({ state: c.state }, ANOMALY_STATE_LABELS[c.state])}
          >
            {c.state === 'open' ? 'Open again' : ANOMALY_STATE_LABELS[c.state]}
          </ActionButton>
        ))}
      </div>
      <form
        className="anomaly-comment-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ comment: trimmed ? trimmed : null }, 'Comment');
        }}
      >
        <label className="field">
          <span>Comment</span>
          <textarea
            rows={3}
            maxLength={2000}
            value={comment}
            placeholder="What caused it, who is on it…"
            onChange={(e) => setComment(e.target.value)}
          />
        </label>
        <ActionButton
          action="anomalies:act"
          type="submit"
          variant="primary"
          disabled={pending || trimmed === (a.comment ?? '')}
        >
          {trimmed || !a.comment ? 'Save comment' : 'Remove comment'}
        </ActionButton>
      </form>
      <ErrorNotice error={error} />
      {saved ? (
        <p className="muted small" role="status">
          {saved} saved.
        </p>
      ) : null}
    </section>
  );
}
