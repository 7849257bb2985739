import { useState, type ReactNode } from 'react';

export function CopyButton(props: { text: string; label?: string; large?: boolean }): ReactNode {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
    } catch {
      // Without clipboard permission (plain http on another host) fall back to a hidden textarea.
      const t = document.createElement('textarea');
      t.value = props.text;
      document.body.appendChild(t);
      t.select();
      document.execCommand('copy');
      t.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <button
      type="button"
      className={props.large ? 'btn' : 'btn btn-small'}
      onClick={() => void copy()}
      aria-live="polite"
    >
      {copied ? 'Copied' : (props.label ?? 'Copy')}
    </button>
  );
}

/** A read-only block of text (a policy, an ID) with its copy button. */
export function CodeBlock(props: { title: string; text: string; extra?: ReactNode }): ReactNode {
  return (
    <div className="codeblock">
      <div className="codeblock-head">
        <span>{props.title}</span>
        <span className="codeblock-actions">
          {props.extra}
          <CopyButton text={props.text} label={`Copy ${props.title.toLowerCase()}`} />
        </span>
      </div>
      <pre tabIndex={0}>{props.text}</pre>
    </div>
  );
}
