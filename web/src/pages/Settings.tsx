import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { PageHeader } from '../components/Feedback';
import { TabPanel, Tabs } from '../components/Tabs';
import { MembersPanel } from './settings/Members';
import { TokensPanel } from './settings/Tokens';
import { AuditLogPanel } from './settings/AuditLog';
import { CloudAccessPanel } from './settings/CloudAccess';
import { InvitationsPanel } from './settings/Invitations';
import { SessionsPanel } from './settings/Sessions';
import { SingleSignOnPanel } from './settings/SingleSignOn';
import { useSession } from '../session';

const TABS = [
  { id: 'members', label: 'Members' },
  { id: 'invitations', label: 'Invitations' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'tokens', label: 'API tokens' },
  { id: 'sso', label: 'Single sign-on' },
  { id: 'cloud', label: 'Cloud access & sync' },
  { id: 'audit', label: 'Audit log' },
];

export default function SettingsPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const { me } = useSession();
  const current = TABS.find((t) => t.id === params.get('tab')) ?? TABS[0];
  const tab = current.id;
  return (
    <div className="page">
      {/* Each tab is a page of its own to a screen reader and in the browser's history: its own window title. */}
      <PageHeader
        title="Settings"
        documentTitle={`${current.label} · Settings`}
        subtitle={`Organization ${me.organization.name}`}
      />
      <Tabs
        tabs={TABS}
        active={tab}
        label="Settings"
        onChange={(id) => setParams({ tab: id }, { replace: true })}
      />
      <TabPanel id={tab}>
        {tab === 'members' ? <MembersPanel /> : null}
        {tab === 'invitations' ? <InvitationsPanel /> : null}
        {tab === 'sessions' ? <SessionsPanel /> : null}
        {tab === 'tokens' ? <TokensPanel /> : null}
        {tab === 'sso' ? <SingleSignOnPanel /> : null}
        {tab === 'cloud' ? <CloudAccessPanel /> : null}
        {tab === 'audit' ? <AuditLogPanel /> : null}
      </TabPanel>
    </div>
  );
}
