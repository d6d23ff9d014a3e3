// Reads something from the server and keeps it fresh: one request at a time, the next planned
// once the last has answered. After an answer, `again` says in how many milliseconds to read
// again (null: not until `deps` change, e.g. nothing is running any more); after a failed
// request, `retryMs` does (the server may be restarting), so a page never stays on an old
// state or an old error. The lists of jobs, imports, exports and segmentations use it.
import { type DependencyList, useEffect, useRef, useState } from 'react';
import { describeError } from './errors';

export interface Polled<T> {
  /** The last answer (kept while the next one loads, so a page does not blink). */
  data: T | null;
  /** The last failure to read, in words; cleared by the next answer. */
  error: string;
  /** Whether a read started by a change of `deps` has not answered yet. */
  loading: boolean;
}

export interface PollingOptions<T> {
  again?: (value: T) => number | null;
  /** Delay after a failure, or a function of the failure (null: do not try again). */
  retryMs: number | ((error: unknown) => number | null);
}

export function usePolling<T>(read: (signal: AbortSignal) => Promise<T>, opts: PollingOptions<T>, deps: DependencyList): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(true);
  // The latest functions, so that the callers need not memoise them (as useLiveJob's onChange).
  const latest = useRef({ read, opts });
  useEffect(() => {
    latest.current = { read, opts };
  });

  useEffect(() => {
    const ctrl = new AbortController();
    let timer: number | undefined;
    const load = () => {
      latest.current.read(ctrl.signal).then(
        (value) => {
          if (ctrl.signal.aborted) return;
          setData(value);
          setError('');
          setLoading(false);
          const ms = latest.current.opts.again?.(value) ?? null;
          if (ms !== null) timer = window.setTimeout(load, ms);
        },
        (e: unknown) => {
          if (ctrl.signal.aborted) return;
          setError(describeError(e));
          setLoading(false);
          const retry = latest.current.opts.retryMs;
          const ms = typeof retry === 'number' ? retry : retry(e);
          if (ms !== null) timer = window.setTimeout(load, ms);
        },
      );
    };
    setLoading(true);
    load();
    return () => {
      ctrl.abort();
      window.clearTimeout(timer);
    };
    // The caller lists what the read depends on, as for useEffect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return { data, error, loading };
}
