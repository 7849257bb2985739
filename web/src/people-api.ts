/** API calls of people and access: invitations, sessions, organization tokens, single sign-on. */
import { api } from './api';
import type { Role } from '../../src/auth/permissions.js';

export interface InvitationOffer {
  email: string;
  organization: string;
  role: Role;
  expiresAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  manageCloudCredentials: boolean;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
}

export interface InviteResult {
  invitation: Invitation;
  delivery: 'email' | 'link';
  link?: string;
}

export interface SessionItem {
  id: string;
  createdAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export type RoleMap = Partial<Record<Role, string[]>>;

export interface SsoConfig {
  issuer: string;
  clientId: string;
  clientSecretSet: boolean;
  scopes: string;
  allowedDomains: string[];
  roleClaim: string | null;
  roleMap: RoleMap;
  defaultRole: Role | null;
  justInTime: boolean;
  requireVerifiedEmail: boolean;
  ssoRequired: boolean;
  breakGlassEmail: string | null;
  redirectUri: string;
  updatedAt: string;
}

export type SsoConfigInput = Omit<SsoConfig, 'clientSecretSet' | 'redirectUri' | 'updatedAt'> & {
  clientSecret?: string;
};

export const peopleApi = {
  lookupInvitation: (token: string) => api.post<InvitationOffer>('/api/v1/invitations/lookup', { token }),
  acceptInvitation: (token: string, password: string, name?: string) =>
    api.post<unknown>('/api/v1/invitations/accept', { token, password, name: name || undefined }),
  invitations: () => api.get<{ items: Invitation[] }>('/api/v1/invitations'),
  invite: (body: { email: string; role: Role; manageCloudCredentials: boolean }) =>
    api.post<InviteResult>('/api/v1/invitations', body),
  revokeInvitation: (id: string) => api.del(`/api/v1/invitations/${encodeURIComponent(id)}`),
  sessions: () => api.get<{ items: SessionItem[] }>('/api/v1/auth/sessions'),
  endSession: (id: string) => api.del(`/api/v1/auth/sessions/${encodeURIComponent(id)}`),
  ssoConfig: () => api.get<{ config: SsoConfig | null; redirectUri: string }>('/api/v1/organization/sso'),
  saveSsoConfig: (body: SsoConfigInput) => api.put<SsoConfig>('/api/v1/organization/sso', body),
  removeSsoConfig: () => api.del('/api/v1/organization/sso'),
  /** Where to send the browser to sign in with the organization's provider. */
  startSso: (body: { email?: string; organization?: string }) =>
    api.post<{ url: string }>('/api/v1/auth/sso/start', body),
};
