import { useEffect, useRef, useState, type ReactNode } from 'react';
import { NavLink, Outlet, useNavigation } from 'react-router-dom';
import { useSession } from '../session';
import { ErrorNotice } from './Feedback';
import { ThemeToggle } from './ThemeToggle';

const NAV = [
  { to: '/', label: 'Overview', icon: '◔', end: true },
  { to: '/costs', label: 'Cost explorer', icon: '▤' },
  { to: '/saved-views', label: 'Saved views', icon: '★' },
  { to: '/anomalies', label: 'Anomalies', icon: '⚡' },
  { to: '/forecast', label: 'Forecast', icon: '↗' },
  { to: '/movers', label: 'Movers', icon: '⇅' },
  { to: '/recommendations', label: 'Recommendations', icon: '✓' },
  { to: '/resources', label: 'Resources', icon: '▦' },
  { to: '/budgets', label: 'Budgets', icon: '◎' },
  { to: '/commitments', label: 'Commitments', icon: '⚖' },
  { to: '/allocation', label: 'Allocation', icon: '◫' },
  { to: '/notifications', label: 'Notifications', icon: '✉' },
  { to: '/accounts', label: 'Accounts', icon: '☁' },
  { to: '/settings', label: 'Settings', icon: '⚙' },
];

const ROLE_LABEL = { manager: 'Organization Manager', engineer: 'Engineer', viewer: 'Viewer' } as const;

function OrganizationSwitcher(): ReactNode {
  const session = useSession();
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const { organization, organizations } = session.me;
  if (organizations.length < 2) {
    return (
      <div className="org-name" title="Organization">
        {organization.name}
      </div>
    );
  }
  const change = async (id: string) => {
    setPending(true);
    setError(undefined);
    try {
      await session.switchOrganization(id);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  return (
    <div className="org-switcher">
      <label htmlFor="org-switch" className="sr-only">
        Organization
      </label>
      <select
        id="org-switch"
        value={organization.id}
        disabled={pending}
        onChange={(e) => void change(e.target.value)}
      >
        {organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <ErrorNotice error={error} />
    </div>
  );
}

/**
 * On narrow screens (see styles.css) the sidebar is a top bar whose menu button shows or hides the organization,
 * the navigation and the user; following a link or pressing Escape closes it again.
 */
function useMenu() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  return { open, button, toggle: () => setOpen((o) => !o), close: () => setOpen(false) };
}

export function Layout(): ReactNode {
  const session = useSession();
  const { me } = session;
  const navigation = useNavigation();
  const { open: menuOpen, button: menuButton, toggle: toggleMenu, close: closeMenu } = useMenu();
  return (
    <div className="app">
      {navigation.state !== 'idle' ? (
        <div className="nav-progress" role="progressbar" aria-label="Loading page" />
      ) : null}
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className={menuOpen ? 'sidebar open' : 'sidebar'}>
        <div className="sidebar-top">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              ¢
            </span>
            Cloudtally
          </div>
          <button
            ref={menuButton}
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="sidebar-menu"
            onClick={toggleMenu}
          >
            <span aria-hidden="true">{menuOpen ? '✕' : '☰'}</span> Menu
          </button>
        </div>
        <div id="sidebar-menu" className="sidebar-menu">
          <OrganizationSwitcher />
          <nav aria-label="Main">
            <ul>
              {NAV.map((n) => (
                <li key={n.to}>
                  <NavLink
                    to={n.to}
                    end={n.end}
                    className={({ isActive }) => (isActive ? 'active' : undefined)}
                    onClick={closeMenu}
                  >
                    <span className="nav-icon" aria-hidden="true">
                      {n.icon}
                    </span>
                    {n.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="sidebar-foot">
            <div className="user" title={me.user.email}>
              <div className="user-name">{me.user.name ?? me.user.email}</div>
              <div className="user-role">
                {ROLE_LABEL[me.role]}
                {me.manageCloudCredentials && me.role !== 'manager' ? ' · Cloud credentials' : ''}
              </div>
            </div>
            <ThemeToggle />
            <button type="button" className="btn btn-ghost btn-small" onClick={() => void session.signOut()}>
              Sign out
            </button>
          </div>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet key={me.organization.id} />
      </main>
    </div>
  );
}
