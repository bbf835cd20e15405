'use client';
// The admin frame: top bar with navigation, live indicator, language and theme switches, logs and logout.
import { clsx } from 'clsx';
import {
  Activity,
  Gauge,
  HeartPulse,
  History,
  Inbox,
  ListOrdered,
  LogOut,
  Network,
  ScrollText,
  Settings,
} from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { type ReactNode, useState } from 'react';
import { ToastProvider } from './components/toast';
import { ChangeFailures } from './history/failure-banner';
import { useI18n } from './i18n/i18n';
import { LanguageSwitch } from './language-switch';
import { LiveProvider, useLiveState } from './live/live-provider';
import { LogsDrawer } from './logs/logs-drawer';
import { ThemeToggle } from './theme';

function LiveIndicator() {
  const { t } = useI18n();
  const { socket } = useLiveState();
  const label =
    socket === 'connected'
      ? t('live.connected')
      : socket === 'connecting'
        ? t('live.connecting')
        : t('live.offline');
  return (
    <span
      className="live-indicator small"
      title={t('live.tooltip')}
      data-testid="live-indicator"
      data-state={socket}
    >
      <span
        className={clsx(
          'dot',
          socket === 'connected' ? 'dot-green' : socket === 'connecting' ? 'dot-amber' : 'dot-red',
        )}
      />
      <span className="hide-narrow">{label}</span>
    </span>
  );
}

function Nav() {
  const { t } = useI18n();
  const path = usePathname();
  const items = [
    { href: '/', label: t('nav.connections'), icon: Network },
    { href: '/trades', label: t('nav.trades'), icon: ListOrdered },
    { href: '/latency', label: t('nav.latency'), icon: Gauge },
    { href: '/health', label: t('nav.health'), icon: HeartPulse },
    { href: '/deliveries', label: t('nav.deliveries'), icon: Inbox },
    { href: '/activity', label: t('nav.activity'), icon: Activity },
    { href: '/history', label: t('nav.history'), icon: History },
    { href: '/settings', label: t('nav.settings'), icon: Settings },
  ];
  return (
    <nav className="nav" aria-label={t('nav.menu')}>
      {items.map(({ href, label, icon: Icon }) => (
        <Link
          key={href}
          href={href}
          className={clsx('nav-link', path === href && 'nav-link-active')}
          data-testid={`nav-${href.slice(1) || 'connections'}`}
        >
          <Icon size={16} aria-hidden="true" />
          <span>{label}</span>
        </Link>
      ))}
    </nav>
  );
}

function Frame({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [logsOpen, setLogsOpen] = useState(false);
  return (
    <div className="shell">
      <header className="topbar">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ⇶
          </span>
          <span className="hide-narrow">{t('app.name')}</span>
        </Link>
        <Nav />
        <div className="topbar-actions">
          <LiveIndicator />
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            data-testid="logs-button"
            aria-label={t('nav.logs')}
            title={t('nav.logs')}
            onClick={() => setLogsOpen(true)}
          >
            <ScrollText size={18} />
          </button>
          <LanguageSwitch />
          <ThemeToggle />
          <form method="post" action="/api/auth/logout">
            <button
              type="submit"
              className="btn btn-ghost btn-icon"
              aria-label={t('nav.logout')}
              title={t('nav.logout')}
            >
              <LogOut size={18} />
            </button>
          </form>
        </div>
      </header>
      <ChangeFailures />
      <main className="main">{children}</main>
      <LogsDrawer open={logsOpen} onClose={() => setLogsOpen(false)} />
    </div>
  );
}

export function AdminShell({ children }: { children: ReactNode }) {
  return (
    <ToastProvider>
      <LiveProvider>
        <Frame>{children}</Frame>
      </LiveProvider>
    </ToastProvider>
  );
}
