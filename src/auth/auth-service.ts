import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/store.js';
import { createLoginThrottle } from './login-throttle.js';
import { createInvitationService } from './invitation-service.js';
import { createOrganizationService } from './organization-service.js';
import { createSessionService } from './session-service.js';
import { createTokenService } from './token-service.js';
import { createUserService } from './user-service.js';

export type {
  InstanceSettings,
  LoginResult,
  MemberStatus,
  MemberView,
  OrganizationView,
  SessionView,
  TokenView,
  UserView,
} from './auth-types.js';
export { normalizeEmail } from './auth-types.js';
export { newExternalId } from './user-service.js';
export type { AccountMailer, InvitationView, InviteResult } from './invitation-service.js';

export interface AuthServiceDeps {
  store: Store;
  clock: Clock;
  sessionTtlHours: number;
}

export type AuthService = ReturnType<typeof createAuthService>;

/**
 * The auth area as one service for the composition root: users and instance settings, sign-in and sessions
 * (with the sign-in throttle), organizations and members, API tokens. Each part lives in its own module.
 */
export function createAuthService({ store, clock, sessionTtlHours }: AuthServiceDeps) {
  const users = createUserService({ store, clock });
  const throttle = createLoginThrottle({ store, clock });
  const sessions = createSessionService({ store, clock, sessionTtlHours, users, throttle });
  const organizations = createOrganizationService({ store, clock });
  const tokens = createTokenService({ store, clock, users });
  const invitations = createInvitationService({ store, clock, sessions, throttle });
  return { ...users, ...sessions, ...organizations, ...tokens, ...invitations };
}
