// A minimal History-API router: the URL is the state. The backend answers index.html for
// any non-API path, so /prospects?sector=Industrie can be opened directly.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const EVENT = 'mimicom:navigate';

function subscribe(l: () => void): () => void {
  window.addEventListener('popstate', l);
  window.addEventListener(EVENT, l);
  return () => {
    window.removeEventListener('popstate', l);
    window.removeEventListener(EVENT, l);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** Re-renders on every navigation; returns pathname + search. */
export function useLocation(): { pathname: string; search: string } {
  useSyncExternalStore(subscribe, snapshot);
  return { pathname: window.location.pathname, search: window.location.search };
}

/** Goes to `to` (a path with an optional query string) without reloading the page. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(EVENT));
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
