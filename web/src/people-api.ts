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
};
