import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { dateWindow, MAX_DAILY_SPAN_DAYS } from '../../../src/lib/date-rules';
import { daysBetween, isIsoDate } from '../../../src/lib/dates';

/** What is wrong with a typed range, in words (null when it can be asked). */
export function rangeProblem(
  from: string,
  to: string,
  today: string,
  granularity: 'day' | 'month',
): string | null {
  const { earliest, latest } = dateWindow(today);
  for (const [name, v] of [
    ['From', from],
    ['To', to],
  ] as const) {
    if (!isIsoDate(v)) return `${name}: enter a whole date.`;
    if (v < earliest || v > latest) return `${name}: pick a date from ${earliest} to ${latest}.`;
  }
  if (from > to) return 'From must not be after To.';
  if (granularity === 'day' && daysBetween(from, to) >= MAX_DAILY_SPAN_DAYS)
    return `A daily view covers at most ${MAX_DAILY_SPAN_DAYS} days: choose Monthly or a shorter range.`;
  return null;
}

/**
 * The From and To date fields of a range. Typing does not ask anything: the range applies when a field is left,
 * on Enter, or with Apply, and only once both dates are whole and valid (a half-typed year is never sent).
 */
export function DateRangeFields(props: {
  from: string;
  to: string;
  today: string;
  granularity: 'day' | 'month';
  onApply: (range: { from: string; to: string }) => void;
}): ReactNode {
  const [from, setFrom] = useState(props.from);
  const [to, setTo] = useState(props.to);
  // A range set from outside (a preset, the address) replaces what was typed, adjusted while rendering.
  const [shown, setShown] = useState({ from: props.from, to: props.to });
  if (shown.from !== props.from || shown.to !== props.to) {
    setShown({ from: props.from, to: props.to });
    setFrom(props.from);
    setTo(props.to);
  }
  const changed = from !== props.from || to !== props.to;
  const problem = changed ? rangeProblem(from, to, props.today, props.granularity) : null;
  const apply = () => {
    if (changed && !rangeProblem(from, to, props.today, props.granularity)) props.onApply({ from, to });
  };
  const keys = (e: KeyboardEvent) => {
    if (e.key === 'Enter') apply();
  };
  return (
    <>
      <label className="field">
        <span>From</span>
        <input
          type="date"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          onBlur={apply}
          onKeyDown={keys}
          aria-invalid={problem?.startsWith('From') ? true : undefined}
          aria-describedby={problem ? 'range-problem' : undefined}
        />
      </label>
      <label className="field">
        <span>To (included)</span>
        <input
          type="date"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          onBlur={apply}
          onKeyDown={keys}
          aria-invalid={problem && !problem.startsWith('From:') ? true : undefined}
          aria-describedby={problem ? 'range-problem' : undefined}
        />
      </label>
      {changed ? (
        <div className="field">
          <span aria-hidden="true">&nbsp;</span>
          <button type="button" className="btn" disabled={Boolean(problem)} onClick={apply}>
            Apply dates
          </button>
        </div>
      ) : null}
      {problem ? (
        <p id="range-problem" className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
    </>
  );
}
