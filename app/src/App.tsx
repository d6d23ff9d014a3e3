// The shell: finds out who is logged in, routes between pages, draws the header.
import { Suspense, lazy, useEffect, useState } from 'react';
import * as api from './api';
import type { Session } from './api';
import { LANGS, setLang, t, useLang, type MessageKey } from './i18n';
import { Link, navigate, useLocation } from './router';
import { Login } from './pages/Login';
import { Prospects } from './pages/Prospects';
import { Import } from './pages/Import';
import { Jobs } from './pages/Jobs';
import { Exports } from './pages/Exports';

// The dashboard carries the chart library (ECharts): loaded when first shown, not with every page.
const Dashboard = lazy(() => import('./pages/Dashboard').then((m) => ({ default: m.Dashboard })));
// So does the segmentation page, which shares that chunk.
const Segmentation = lazy(() => import('./pages/Segmentation').then((m) => ({ default: m.Segmentation })));

/** Where a logged-in user lands (from /, or after logging in without a page to go back to). */
const HOME = '/dashboard';

function loginUrlFor(pathname: string, search: string): string {
  const here = pathname + search;
  return here.startsWith('/login') || here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

export function App() {
  useLang();
  const { pathname, search } = useLocation();
  // undefined: still asking the server; null: nobody is logged in.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [bootError, setBootError] = useState(false);

  useEffect(() => {
    api.setUnauthorizedHandler(() => {
      setSession(null);
      navigate(loginUrlFor(window.location.pathname, window.location.search), { replace: true });
    });
    api.me().then(setSession, () => setBootError(true));
  }, []);

  const isDocs = pathname === '/docs' || pathname === '/docs/';
  useEffect(() => {
    // The API docs are a static page beside the app (dist/docs/index.html).
    if (isDocs) window.location.replace('/docs/index.html');
  }, [isDocs]);

  const needsLogin = session === null && pathname !== '/login' && !isDocs;
  useEffect(() => {
    if (needsLogin) navigate(loginUrlFor(pathname, search), { replace: true });
    else if (pathname === '/') navigate(HOME, { replace: true });
  }, [needsLogin, pathname, search]);

  if (bootError) return <div className="boot-message" role="alert">{t('error.network')}</div>;
  if (session === undefined || isDocs || needsLogin) return <div className="boot-message">{t('app.loading')}</div>;

  if (pathname === '/login') {
    return (
      <Login
        session={session}
        onLoggedIn={(s) => {
          setSession(s);
          const next = new URLSearchParams(search).get('next');
          // Only same-site paths: a crafted ?next=https://… must not leave the app.
          navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : HOME, { replace: true });
        }}
      />
    );
  }
  if (!session) return null;

  return (
    <div className="layout">
      <Header session={session} onLoggedOut={() => setSession(null)} pathname={pathname} />
      <main className="main">
        {pathname === '/dashboard' ? (
          <Suspense fallback={<div className="boot-message">{t('app.loading')}</div>}>
            <Dashboard />
          </Suspense>
        ) : pathname === '/segmentation' ? (
          <Suspense fallback={<div className="boot-message">{t('app.loading')}</div>}>
            <Segmentation session={session} />
          </Suspense>
        ) : pathname === '/prospects' ? (
          <Prospects />
        ) : pathname === '/import' ? (
          <Import />
        ) : pathname === '/jobs' ? (
          <Jobs />
        ) : pathname === '/exports' ? (
          <Exports />
        ) : pathname === '/' ? null : (
          <div className="not-found">
            <h1>{t('notFound.title')}</h1>
            <Link href="/prospects">{t('notFound.back')}</Link>
          </div>
        )}
      </main>
    </div>
  );
}

const NAV: readonly (readonly [string, MessageKey])[] = [
  ['/dashboard', 'nav.dashboard'],
  ['/prospects', 'nav.prospects'],
  ['/segmentation', 'nav.segmentation'],
  ['/import', 'nav.import'],
  ['/exports', 'nav.exports'],
  ['/jobs', 'nav.jobs'],
];

function Header({ session, onLoggedOut, pathname }: { session: Session; onLoggedOut: () => void; pathname: string }) {
  const lang = useLang();
  const logout = async () => {
    try {
      await api.logout();
    } catch {
      // The session is dropped locally either way.
    }
    onLoggedOut();
    navigate('/login', { replace: true });
  };
  return (
    <header className="header">
      <Link href={HOME} className="brand">
        {t('app.name')}
      </Link>
      <nav className="nav">
        {NAV.map(([href, label]) => (
          <Link key={href} href={href} className={pathname === href ? 'active' : ''} aria-current={pathname === href ? 'page' : undefined}>
            {t(label)}
          </Link>
        ))}
        <a href="/docs/index.html">{t('nav.api')}</a>
      </nav>
      <div className="header-right">
        <div className="lang-switch" role="group" aria-label={t('nav.language')}>
          {LANGS.map((l) => (
            <button key={l} type="button" className={l === lang ? 'active' : ''} aria-pressed={l === lang} onClick={() => setLang(l)}>
              {l.toUpperCase()}
            </button>
          ))}
        </div>
        <span className="user-email" data-testid="user-email">{session.user.email}</span>
        <button type="button" className="btn btn-ghost" onClick={logout}>
          {t('nav.logout')}
        </button>
      </div>
    </header>
  );
}
