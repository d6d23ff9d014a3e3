// Follows one job live: its state and progress, and (optionally) its log lines. While the job
// is queued or running it listens to the job's Server-Sent Events; if the stream fails (a
// proxy that buffers, a dropped connection) it polls GET /jobs/{id} and its logs instead.
// A job that has ended is read once.
import { useEffect, useRef, useState } from 'react';
import * as api from '../api';
import { isActive, type Job, type JobLog } from '../models/job';
import { describeError } from './errors';

const POLL_MS = 1500;

export interface LiveJob {
  job: Job | null;
  logs: JobLog[];
  /** Whether the log lines written so far have arrived (false while loading them). */
  logsLoaded: boolean;
  /** The last failure to reach the server; cleared by the next success. */
  error: string;
}

/**
 * `initial`: the job as already known (avoids a first request and tells whether it is
 * still active). `withLogs`: also collect the log lines. `onChange` is called with every
 * new state of the job (to measure its speed, or refresh a list when it ends).
 */
export function useLiveJob(id: number | null, opts: { initial?: Job | null; withLogs?: boolean; onChange?: (job: Job) => void } = {}): LiveJob {
  const { withLogs = false } = opts;
  const [job, setJob] = useState<Job | null>(opts.initial ?? null);
  const [logs, setLogs] = useState<JobLog[]>([]);
  const [logsLoaded, setLogsLoaded] = useState(false);
  const [error, setError] = useState('');
  const onChange = useRef(opts.onChange);
  useEffect(() => {
    onChange.current = opts.onChange;
  });
  // Whether the job was active when the hook was given it: decides between following and reading once.
  const initiallyActive = opts.initial ? isActive(opts.initial) : true;

  useEffect(() => {
    if (id === null) return;
    let stopped = false;
    let source: EventSource | null = null;
    let timer: number | undefined;
    let lastLog = 0;
    const ctrl = new AbortController();

    const gotJob = (j: Job) => {
      if (stopped) return;
      // Polling reads the log before the job, and the event stream sends the lines before the job.
      setLogsLoaded(true);
      setJob(j);
      setError('');
      onChange.current?.(j);
    };
    const gotLogs = (lines: JobLog[]) => {
      const fresh = lines.filter((l) => l.id > lastLog);
      if (!fresh.length || stopped) return;
      lastLog = fresh[fresh.length - 1].id;
      setLogs((old) => [...old, ...fresh]);
    };
    const readLogs = async () => {
      // A page holds at most 1000 lines: read until the end.
      for (;;) {
        const lines = await api.jobLogs(id, lastLog, ctrl.signal);
        gotLogs(lines);
        if (lines.length < 1000) return;
      }
    };

    // Polling: one round now, then again every POLL_MS while the job is active.
    const poll = async () => {
      try {
        const j = await api.getJob(id, ctrl.signal);
        if (withLogs) await readLogs();
        gotJob(j);
        if (isActive(j) && !stopped) timer = window.setTimeout(poll, POLL_MS);
      } catch (e) {
        if (stopped || ctrl.signal.aborted) return;
        setError(describeError(e));
        timer = window.setTimeout(poll, POLL_MS * 2);
      }
    };

    const follow = () => {
      if (typeof EventSource === 'undefined') {
        poll();
        return;
      }
      source = new EventSource(api.jobEventsUrl(id));
      source.addEventListener('job', (e) => {
        const j = JSON.parse((e as MessageEvent<string>).data) as Job;
        gotJob(j);
        // The server ends the stream after the job ends; without this the browser would reconnect.
        if (!isActive(j)) {
          source?.close();
          source = null;
          // A very long log can still have lines after the last event: catch up.
          if (withLogs) readLogs().catch(() => {});
        }
      });
      if (withLogs) source.addEventListener('log', (e) => gotLogs([JSON.parse((e as MessageEvent<string>).data) as JobLog]));
      source.onerror = () => {
        // Any failure of the stream: fall back to polling, which also catches up missed lines.
        source?.close();
        source = null;
        if (!stopped) poll();
      };
    };

    setLogs([]);
    setLogsLoaded(false);
    if (initiallyActive) follow();
    else poll();

    return () => {
      stopped = true;
      ctrl.abort();
      source?.close();
      window.clearTimeout(timer);
    };
    // `initial` only seeds the state; following restarts only for another job.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, withLogs]);

  return { job, logs, logsLoaded, error };
}
