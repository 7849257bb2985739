import { useState, type ReactNode } from 'react';
import { FormDialog } from '../../components/Modal';
import {
  CHANNEL_KIND_LABEL,
  notificationsApi,
  type Channel,
  type ChannelBody,
  type ChannelKind,
} from '../../notifications-api';

const KINDS = Object.keys(CHANNEL_KIND_LABEL) as ChannelKind[];

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function initialFields(c: Channel | undefined): Record<string, string> {
  const cfg = c?.config ?? {};
  return {
    name: c?.name ?? '',
    host: str(cfg.host),
    port: str(cfg.port) || '587',
    security: str(cfg.security) || 'starttls',
    username: str(cfg.username),
    from: str(cfg.from),
    to: Array.isArray(cfg.to) ? (cfg.to as string[]).join(', ') : '',
    verifyCertificate: cfg.verifyCertificate === false ? 'no' : 'yes',
    url: c?.kind === 'webhook' ? str(cfg.url) : '',
    secret: '',
  };
}

/** The request body: on a change only what differs, and a secret only when one was typed. */
function bodyOf(kind: ChannelKind, f: Record<string, string>, existing: Channel | undefined): ChannelBody {
  const secret = f.secret ?? '';
  const body: ChannelBody = existing ? {} : { kind };
  if (!existing || f.name !== existing.name) body.name = f.name;
  if (kind === 'email') {
    const config = {
      host: f.host,
      port: Number(f.port),
      security: f.security,
      verifyCertificate: f.verifyCertificate === 'yes',
      // Emptied on a change, the user name is cleared (null), and with it the password it logged in with.
      ...(f.username ? { username: f.username } : existing?.config.username ? { username: null } : {}),
      from: f.from,
      to: (f.to ?? '')
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    };
    body.config = config;
    if (secret) body.password = secret;
    else if (!f.username && existing?.hasSecret) body.password = null;
  } else if (kind === 'webhook') {
    if (!existing || f.url !== str(existing.config.url)) body.config = { url: f.url };
    if (secret) body.secret = secret;
  } else if (secret) {
    body.url = secret;
  }
  return body;
}

function Field(props: {
  label: string;
  help?: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  required?: boolean;
  placeholder?: string;
  autoComplete?: string;
}): ReactNode {
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete ?? 'off'}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.help ? <span className="field-help">{props.help}</span> : null}
    </label>
  );
}

/**
 * Adds a channel or changes one. Secrets (SMTP password, Slack/Teams webhook URL, signing secret) are write-only:
 * the field starts empty, and left empty on a change it keeps the stored value.
 */
export function ChannelDialog(props: {
  channel?: Channel;
  onClose: () => void;
  onSaved: (c: Channel) => void;
}): ReactNode {
  const existing = props.channel;
  const [kind, setKind] = useState<ChannelKind>(existing?.kind ?? 'email');
  const [f, setF] = useState(() => initialFields(existing));
  const set = (k: string) => (v: string) => setF((prev) => ({ ...prev, [k]: v }));
  const keep = existing?.hasSecret ? 'Stored; leave empty to keep it' : undefined;
  const save = async () => {
    const body = bodyOf(kind, f, existing);
    const saved = existing
      ? await notificationsApi.updateChannel(existing.id, body)
      : await notificationsApi.createChannel(body);
    props.onSaved(saved);
  };
  return (
    <FormDialog
      title={existing ? `Edit channel ${existing.name}` : 'Add channel'}
      submitLabel={existing ? 'Save' : 'Add channel'}
      pendingLabel="Saving…"
      onSubmit={save}
      onClose={props.onClose}
    >
      {existing ? null : (
        <label className="field">
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as ChannelKind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {CHANNEL_KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
      )}
      <Field
        label="Name"
        value={f.name ?? ''}
        onChange={set('name')}
        required
        placeholder="e.g. finops-mail"
      />
      {kind === 'email' ? (
        <>
          <Field label="SMTP host" value={f.host ?? ''} onChange={set('host')} required />
          <Field label="Port" type="number" value={f.port ?? ''} onChange={set('port')} required />
          <label className="field">
            <span>Security</span>
            <select value={f.security} onChange={(e) => set('security')(e.target.value)}>
              <option value="starttls">STARTTLS (587)</option>
              <option value="tls">TLS (465)</option>
              <option value="none">None (trusted relay)</option>
            </select>
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={f.verifyCertificate === 'yes'}
              onChange={(e) => set('verifyCertificate')(e.target.checked ? 'yes' : 'no')}
            />
            <span>Check the server’s certificate</span>
          </label>
          <Field label="User name" value={f.username ?? ''} onChange={set('username')} />
          <Field
            label="SMTP password"
            type="password"
            autoComplete="new-password"
            value={f.secret ?? ''}
            onChange={set('secret')}
            placeholder={keep}
          />
          <Field label="From" type="email" value={f.from ?? ''} onChange={set('from')} required />
          <Field
            label="To"
            help="One or more addresses, separated by commas"
            value={f.to ?? ''}
            onChange={set('to')}
            required
          />
        </>
      ) : null}
      {kind === 'slack' || kind === 'teams' ? (
        <>
          {existing ? <p className="muted small">Stored webhook: {str(existing.config.url)}</p> : null}
          <Field
            label={kind === 'slack' ? 'Slack incoming webhook URL' : 'Teams workflow webhook URL'}
            help="The URL is a credential: it is stored encrypted and never shown again"
            type="password"
            autoComplete="off"
            value={f.secret ?? ''}
            onChange={set('secret')}
            required={!existing}
            placeholder={keep}
          />
        </>
      ) : null}
      {kind === 'webhook' ? (
        <>
          <Field label="Webhook URL" type="url" value={f.url ?? ''} onChange={set('url')} required />
          <Field
            label="Signing secret"
            help="At least 16 characters; the receiver checks the X-Cloudtally-Signature header with it"
            type="password"
            autoComplete="new-password"
            value={f.secret ?? ''}
            onChange={set('secret')}
            required={!existing}
            placeholder={keep}
          />
        </>
      ) : null}
    </FormDialog>
  );
}
