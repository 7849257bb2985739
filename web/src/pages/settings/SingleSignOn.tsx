import { useState, type FormEvent, type ReactNode } from 'react';
import { CodeBlock } from '../../components/CopyButton';
import { ErrorNotice, Loading, Notice } from '../../components/Feedback';
import { ConfirmDialog } from '../../components/Modal';
import { dateTime } from '../../format';
import { useApi } from '../../hooks';
import { peopleApi, type SsoConfig } from '../../people-api';
import { useSession } from '../../session';
import type { Role } from '../../types';
import { ROLE_OPTIONS } from './Invitations';

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((v) => v.trim())
    .filter(Boolean);

interface Draft {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  allowedDomains: string;
  roleClaim: string;
  roleValues: Record<Role, string>;
  defaultRole: Role | '';
  justInTime: boolean;
  requireVerifiedEmail: boolean;
  ssoRequired: boolean;
  breakGlassEmail: string;
}

function draftOf(c: SsoConfig | null): Draft {
  return {
    issuer: c?.issuer ?? '',
    clientId: c?.clientId ?? '',
    clientSecret: '',
    scopes: c?.scopes ?? 'openid email profile',
    allowedDomains: c?.allowedDomains.join(', ') ?? '',
    roleClaim: c?.roleClaim ?? '',
    roleValues: {
      manager: c?.roleMap.manager?.join(', ') ?? '',
      engineer: c?.roleMap.engineer?.join(', ') ?? '',
      viewer: c?.roleMap.viewer?.join(', ') ?? '',
    },
    defaultRole: c ? (c.defaultRole ?? '') : 'viewer',
    justInTime: c?.justInTime ?? false,
    requireVerifiedEmail: c?.requireVerifiedEmail ?? true,
    ssoRequired: c?.ssoRequired ?? false,
    breakGlassEmail: c?.breakGlassEmail ?? '',
  };
}

/**
 * The settings form. The panel mounts it anew for each saved version (`key`), so whether this version was just saved
 * here comes from the panel (`justSaved`) and survives that; an edit afterwards hides the message.
 */
function SsoForm(props: {
  config: SsoConfig | null;
  justSaved: boolean;
  onSaved: (version: string) => void;
}): ReactNode {
  const [d, setD] = useState<Draft>(() => draftOf(props.config));
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [edited, setEdited] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setEdited(true);
    setD((old) => ({ ...old, [key]: value }));
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    setSaved(false);
    try {
      const stored = await peopleApi.saveSsoConfig({
        issuer: d.issuer.trim(),
        clientId: d.clientId.trim(),
        clientSecret: d.clientSecret || undefined,
        scopes: d.scopes.trim(),
        allowedDomains: list(d.allowedDomains),
        roleClaim: d.roleClaim.trim() || null,
        roleMap: {
          manager: list(d.roleValues.manager),
          engineer: list(d.roleValues.engineer),
          viewer: list(d.roleValues.viewer),
        },
        defaultRole: d.defaultRole || null,
        justInTime: d.justInTime,
        requireVerifiedEmail: d.requireVerifiedEmail,
        ssoRequired: d.ssoRequired,
        breakGlassEmail: d.breakGlassEmail.trim() || null,
      });
      setD((old) => ({ ...old, clientSecret: '' }));
      setEdited(false);
      setSaved(true);
      props.onSaved(stored.updatedAt);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-label="Single sign-on settings">
      <label className="field">
        <span>Issuer URL</span>
        <input
          type="url"
          required
          value={d.issuer}
          onChange={(e) => set('issuer', e.target.value)}
          placeholder="https://login.example.com/realms/acme"
        />
      </label>
      <label className="field">
        <span>Client ID</span>
        <input required value={d.clientId} onChange={(e) => set('clientId', e.target.value)} />
      </label>
      <label className="field">
        <span>
          Client secret{' '}
          {props.config?.clientSecretSet ? (
            <span className="muted small">(stored encrypted; leave empty to keep it)</span>
          ) : null}
        </span>
        <input
          type="password"
          autoComplete="off"
          required={!props.config?.clientSecretSet}
          value={d.clientSecret}
          onChange={(e) => set('clientSecret', e.target.value)}
        />
      </label>
      <label className="field">
        <span>Scopes</span>
        <input value={d.scopes} onChange={(e) => set('scopes', e.target.value)} />
      </label>
      <label className="field">
        <span>Allowed e-mail domains (comma-separated)</span>
        <input
          required
          value={d.allowedDomains}
          onChange={(e) => set('allowedDomains', e.target.value)}
          placeholder="acme.com, acme.co.uk"
        />
      </label>
      <label className="field">
        <span>Role claim (optional; e.g. groups or realm_access.roles)</span>
        <input value={d.roleClaim} onChange={(e) => set('roleClaim', e.target.value)} />
      </label>
      {ROLE_OPTIONS.map((r) => (
        <label className="field" key={r.value}>
          <span>Claim values that make an {r.label} (comma-separated)</span>
          <input
            value={d.roleValues[r.value]}
            onChange={(e) => set('roleValues', { ...d.roleValues, [r.value]: e.target.value })}
          />
        </label>
      ))}
      <label className="field">
        <span>Default role (when the claim gives none)</span>
        <select value={d.defaultRole} onChange={(e) => set('defaultRole', e.target.value as Role | '')}>
          <option value="">none: refuse the sign-in</option>
          {ROLE_OPTIONS.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={d.justInTime} onChange={(e) => set('justInTime', e.target.checked)} />
        <span>
          Create members at their first sign-in{' '}
          <span className="muted small">— otherwise only members and invited people get in</span>
        </span>
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={d.requireVerifiedEmail}
          onChange={(e) => set('requireVerifiedEmail', e.target.checked)}
        />
        <span>
          Require a verified e-mail address <span className="muted small">— the email_verified claim</span>
        </span>
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={d.ssoRequired}
          onChange={(e) => set('ssoRequired', e.target.checked)}
        />
        <span>
          Require single sign-on <span className="muted small">— members cannot sign in with a password</span>
        </span>
      </label>
      <label className="field">
        <span>Break-glass manager (may still sign in with a password)</span>
        <input
          type="email"
          value={d.breakGlassEmail}
          onChange={(e) => set('breakGlassEmail', e.target.value)}
        />
      </label>
      <ErrorNotice error={error} />
      {(saved || props.justSaved) && !edited ? (
        <Notice kind="success">Saved. The provider answered with its OpenID configuration.</Notice>
      ) : null}
      <div>
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Checking the provider…' : 'Save'}
        </button>
      </div>
    </form>
  );
}

/** The organization's OpenID Connect provider: where to register Cloudtally, and the settings. */
export function SingleSignOnPanel(): ReactNode {
  const session = useSession();
  const allowed = session.can('org:manage');
  const sso = useApi<{ config: SsoConfig | null; redirectUri: string }>(
    allowed ? '/api/v1/organization/sso' : null,
  );
  const [removing, setRemoving] = useState(false);
  const [savedVersion, setSavedVersion] = useState<string>();
  return (
    <section className="panel" aria-labelledby="sso-title">
      <div className="panel-head">
        <h2 id="sso-title">Single sign-on (OpenID Connect)</h2>
        {sso.data?.config ? (
          <button type="button" className="btn btn-ghost-danger" onClick={() => setRemoving(true)}>
            Turn off
          </button>
        ) : null}
      </div>
      {!allowed ? <Notice>{session.reason('org:manage')}</Notice> : null}
      <ErrorNotice error={sso.error} onRetry={sso.reload} />
      {sso.loading && !sso.data ? <Loading what="single sign-on settings" /> : null}
      {sso.data ? (
        <>
          <p className="muted">
            Register Cloudtally at your provider (Entra ID, Okta, Google, Keycloak…) as a web application with
            the authorization code flow and this redirect URI, then enter what it gives you.
            {sso.data.config ? ` Last changed ${dateTime(sso.data.config.updatedAt)}.` : ''}
          </p>
          <CodeBlock title="Redirect URI" text={sso.data.redirectUri} />
          <p className="muted">
            Register this page as the post-logout redirect URI too, so that signing out here also signs out at
            the provider and comes back:
          </p>
          <CodeBlock title="Post-logout redirect URI" text={`${new URL(sso.data.redirectUri).origin}/`} />
          <SsoForm
            key={sso.data.config?.updatedAt ?? 'new'}
            config={sso.data.config}
            justSaved={savedVersion !== undefined && savedVersion === sso.data.config?.updatedAt}
            onSaved={(version) => {
              setSavedVersion(version);
              sso.reload();
            }}
          />
        </>
      ) : null}
      {removing ? (
        <ConfirmDialog
          title="Turn off single sign-on"
          confirmLabel="Turn off"
          danger
          onClose={() => setRemoving(false)}
          onConfirm={async () => {
            await peopleApi.removeSsoConfig();
            sso.reload();
          }}
        >
          <p>Members sign in with their passwords again, and the stored client secret is deleted.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
