// What every browser test file needs: the real `mimicom` binary started on a free
// 127.0.0.1 port with a fresh data folder and the built UI (app/dist: run `npm run build`
// first), Debian's Chromium driven by playwright-core, and the admin's login. The server is
// stopped by its PID, also on failure. Screenshots go to /tmp/mimicom-shots/ for a person to
// look at.
//
//   MIMICOM_BIN=/path/to/mimicom [MIMICOM_UI_DIR=app/dist] node --test app/e2e/
//
// Not a test file itself (its name matches no test pattern): the *.test.mjs files import it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = path.resolve(appDir, '..');
export const BIN = process.env.MIMICOM_BIN || path.join(repoDir, 'build', 'mimicom');
export const UI_DIR = process.env.MIMICOM_UI_DIR || path.join(appDir, 'dist');
export const SHOTS = '/tmp/mimicom-shots';
export const ADMIN_EMAIL = 'admin@mimicom.local';
/** A fresh admin password per test file (each file starts its own server). */
export const ADMIN_PASSWORD = randomBytes(12).toString('hex');
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `mimicom serve`; resolves to { proc, base, dataDir, output(), exited() } once it listens. */
export async function startServer() {
  assert.ok(existsSync(BIN), `backend binary not found at ${BIN} (build it, or set MIMICOM_BIN)`);
  assert.ok(existsSync(path.join(UI_DIR, 'index.html')), `${UI_DIR}/index.html is missing: run \`npm run build\` in app/ first`);
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mimicom-e2e-'));
  const proc = spawn(BIN, ['serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, '--ui-dir', UI_DIR], {
    env: { ...process.env, MIMICOM_ADMIN_PASSWORD: ADMIN_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  let exited = null;
  proc.once('exit', (code, signal) => {
    exited = { code, signal };
  });
  const s = { proc, base: `http://127.0.0.1:${port}`, dataDir, output: () => out, exited: () => exited };

  // Ready when the server says it listens (it prints "is running" then), or fail as soon as
  // it exits; bounded by READY_TIMEOUT_MS. Event-driven: no polling.
  await new Promise((resolve, reject) => {
    const done = (fn, arg) => {
      clearTimeout(timer);
      proc.stdout.off('data', onData);
      proc.off('exit', onExit);
      fn(arg);
    };
    const onData = () => {
      if (out.includes('is running')) done(resolve);
    };
    const onExit = () => done(reject, new Error(`mimicom exited early (${JSON.stringify(exited)}):\n${out}`));
    const timer = setTimeout(async () => {
      await stopServer(s);
      done(reject, new Error(`mimicom not ready after ${READY_TIMEOUT_MS} ms:\n${out}`));
    }, READY_TIMEOUT_MS);
    proc.stdout.on('data', onData);
    proc.once('exit', onExit);
    onData();
  });
  const res = await fetch(`${s.base}/api/v1/health`);
  assert.equal((await res.json())?.data?.status, 'ok');
  return s;
}

export async function stopServer(s) {
  if (!s) return;
  if (!s.exited()) {
    const gone = new Promise((r) => s.proc.once('exit', r));
    process.kill(s.proc.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (!s.exited()) process.kill(s.proc.pid, 'SIGKILL');
    }, STOP_TIMEOUT_MS);
    await gone;
    clearTimeout(timer);
  }
  rmSync(s.dataDir, { recursive: true, force: true });
}

/**
 * Launches Chromium and opens one page (desktop size, French). The page records every
 * alert/confirm/prompt it opens in `dialogs` (there must be none) and every uncaught
 * exception in `pageErrors`.
 */
export async function openBrowser() {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, locale: 'fr-FR', acceptDownloads: true });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const dialogs = [];
  const pageErrors = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return { browser, page, dialogs, pageErrors };
}

/** Logs in as the admin through the login form and waits for the app. */
export async function login(page, base) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Mot de passe').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByTestId('user-email').filter({ hasText: ADMIN_EMAIL }).waitFor();
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Calls the API with the browser's session cookie and CSRF token (to set up data fast). */
export async function apiCall(page, base, method, urlPath, body) {
  const me = await page.request.get(`${base}/api/v1/auth/me`);
  assert.equal(me.status(), 200, 'expected a logged-in session');
  const csrf = (await me.json()).data.csrf_token;
  const res = await page.request.fetch(`${base}/api/v1${urlPath}`, {
    method,
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status(), body: text ? JSON.parse(text) : null };
}
