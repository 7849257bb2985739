import type { SecretVault } from '../accounts/secret-vault.js';
import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/store.js';
import type { SessionService } from './session-service.js';
import { createSsoConfigService } from './sso-config-service.js';
import { createSsoLoginService } from './sso-login-service.js';
import type { OidcClientSettings } from './sso-oidc.js';

export { SSO_CALLBACK_PATH, type SsoConfigInput, type SsoConfigView } from './sso-config-service.js';
export { SsoLoginError, SSO_LOGIN_TTL_MINUTES } from './sso-login-service.js';

export interface SsoServiceDeps {
  store: Store;
  clock: Clock;
  vault: SecretVault;
  sessions: Pick<SessionService, 'startSession'>;
  /** Replaces fetch for the calls to OpenID providers (tests only). */
  fetch?: OidcClientSettings['fetch'];
}

export type SsoService = ReturnType<typeof createSsoService>;

/** Single sign-on with OpenID Connect: each organization's provider, and signing in through it. */
export function createSsoService({ store, clock, vault, sessions, fetch }: SsoServiceDeps) {
  // Tokens are checked against the application's clock, which a test may move.
  const clientSettings = (s: Pick<OidcClientSettings, 'issuer' | 'clientId' | 'clientSecret'>) => ({
    ...s,
    clockSkewSeconds: Math.round((clock.now().getTime() - Date.now()) / 1000),
    fetch,
  });
  return {
    ...createSsoConfigService({ store, clock, vault, clientSettings }),
    ...createSsoLoginService({ store, clock, vault, clientSettings, sessions }),
  };
}
