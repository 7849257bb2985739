import type { ReactNode } from 'react';

/** The connect wizards' progress: the steps, each done, current or still to do. */
export function Stepper<S extends string>(props: {
  steps: { id: S; label: string }[];
  current: S;
}): ReactNode {
  const index = props.steps.findIndex((s) => s.id === props.current);
  return (
    <ol className="steps" aria-label="Progress">
      {props.steps.map((s, i) => (
        <li
          key={s.id}
          data-state={i < index ? 'done' : i === index ? 'current' : 'todo'}
          aria-current={i === index ? 'step' : undefined}
        >
          {s.label}
        </li>
      ))}
    </ol>
  );
}
