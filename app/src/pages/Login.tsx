import { useEffect, useState, type FormEvent } from 'react';
import * as api from '../api';
import { ApiError, type Session } from '../api';
import { LANGS, setLang, t, useLang } from '../i18n';
import { describeError } from '../components/errors';

export function Login({ session, onLoggedIn }: { session: Session | null; onLoggedIn: (s: Session) => void }) {
  const lang = useLang();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // Seconds left before the server accepts another attempt (after a 429).
  const [wait, setWait] = useState(0);

  useEffect(() => {
    if (session) onLoggedIn(session);
  }, [session, onLoggedIn]);

  useEffect(() => {
    if (wait <= 0) return;
    const id = window.setTimeout(() => setWait((w) => w - 1), 1000);
    return () => window.clearTimeout(id);
  }, [wait]);

  // Once the wait is over, the "try again in N s" message has served its purpose.
  useEffect(() => {
    if (wait === 0 && error?.status === 429 && error.retryAfter) setError(null);
  }, [wait, error]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await api.login(email.trim(), password));
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
      setError(apiErr);
      if (apiErr.status === 429) setWait(apiErr.retryAfter ?? 0);
    } finally {
      setBusy(false);
    }
  };

  let message = '';
  if (error) {
    if (error.status === 429) message = t('login.tooMany', { n: wait > 0 ? wait : (error.retryAfter ?? 1) });
    else if (error.status === 401) message = t('login.badCredentials');
    else message = describeError(error);
  }
  const fieldError = (name: string) => error?.fields.find((f) => f.field === name)?.message;

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={submit} noValidate>
        <div className="login-head">
          <div className="brand brand-big">{t('app.name')}</div>
          <div className="lang-switch" role="group" aria-label={t('nav.language')}>
            {LANGS.map((l) => (
              <button key={l} type="button" className={l === lang ? 'active' : ''} aria-pressed={l === lang} onClick={() => setLang(l)}>
                {l.toUpperCase()}
              </button>
            ))}
          </div>
        </div>
        <h1>{t('login.title')}</h1>
        <p className="muted">{t('login.subtitle')}</p>
        {message && (
          <div className="alert alert-error" role="alert">
            {message}
          </div>
        )}
        <label className="field">
          <span>{t('login.email')}</span>
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
          {fieldError('email') && <span className="field-error">{fieldError('email')}</span>}
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          {fieldError('password') && <span className="field-error">{fieldError('password')}</span>}
        </label>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || wait > 0}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
