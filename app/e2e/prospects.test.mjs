// Browser test of the main prospect journeys against the real `mimicom` binary (see
// harness.mjs for how the server and the browser are started and stopped).
//
//   MIMICOM_BIN=/path/to/mimicom [MIMICOM_UI_DIR=app/dist] node --test app/e2e/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as harness from './harness.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, openBrowser, startServer, stopServer } from './harness.mjs';

// A suffix that makes this run's prospects findable by search, whatever else is stored.
const RUN = randomBytes(3).toString('hex');

let server; // { proc, base, dataDir, output() }
let browser;
let page;
let dialogs; // every alert/confirm/prompt the page opened: there must be none
let pageErrors; // uncaught exceptions in the page

const shot = (name) => harness.shot(page, name);
const apiCall = (method, urlPath, body) => harness.apiCall(page, server.base, method, urlPath, body);

const row = (text) => page.locator('tbody tr', { hasText: text });

async function search(text) {
  const box = page.getByRole('searchbox', { name: 'Rechercher' });
  await box.fill(text);
  await box.press('Enter');
  await page.waitForURL((u) => u.searchParams.get('q') === text);
}

before(async () => {
  server = await startServer();
  ({ browser, page, dialogs, pageErrors } = await openBrowser());
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stopServer(server);
  }
});

test('an unknown visitor is sent to the French login page; a wrong password is refused', async () => {
  await page.goto(`${server.base}/prospects?sector=Industrie`);
  await page.waitForURL((u) => u.pathname === '/login');
  await page.getByRole('heading', { name: 'Connexion' }).waitFor();
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Mot de passe').fill('not-the-password');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('alert').filter({ hasText: 'incorrect' }).waitFor();
  await shot('01-login-error');
});

test('the admin logs in and lands back on the page asked for', async () => {
  await page.getByLabel('Mot de passe').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((u) => u.pathname === '/prospects' && u.searchParams.get('sector') === 'Industrie');
  await page.getByTestId('user-email').filter({ hasText: ADMIN_EMAIL }).waitFor();
  await page.getByRole('button', { name: 'Ajouter un prospect' }).waitFor();
  // The home page of a logged-in user is the dashboard.
  await page.goto(`${server.base}/`);
  await page.waitForURL((u) => u.pathname === '/dashboard' && u.search === '');
  await page.getByRole('link', { name: 'Prospects', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/prospects' && u.search === '');
  await page.getByRole('button', { name: 'Ajouter un prospect' }).waitFor();
});

test('the form shows the API per-field error (422) under the field', async () => {
  await page.getByRole('button', { name: 'Ajouter un prospect' }).click();
  const dialog = page.getByRole('dialog', { name: 'Ajouter un prospect' });
  await dialog.getByLabel('Prénom', { exact: true }).fill('Invalide');
  await dialog.getByLabel('Email', { exact: true }).fill('pas-un-email');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/prospects') && r.request().method() === 'POST');
  await dialog.getByRole('button', { name: 'Enregistrer' }).click();
  const res = await answered;
  assert.equal(res.status(), 422, 'an invalid email must be answered 422');
  const fieldError = dialog.locator('[data-field="email"] .field-error');
  await fieldError.waitFor();
  assert.notEqual((await fieldError.textContent()).trim(), '');
  assert.equal(await dialog.getByLabel('Email', { exact: true }).getAttribute('aria-invalid'), 'true');
  await shot('02-form-422');
  await dialog.getByRole('button', { name: 'Annuler' }).click();
  await dialog.waitFor({ state: 'detached' });
});

const firstName = `Élodie${RUN}`;

test('a prospect created through the form is found by search', async () => {
  await page.getByRole('button', { name: 'Ajouter un prospect' }).click();
  const dialog = page.getByRole('dialog', { name: 'Ajouter un prospect' });
  await dialog.getByLabel('Prénom', { exact: true }).fill(firstName);
  await dialog.getByLabel('Nom', { exact: true }).fill('Martin');
  await dialog.getByLabel('Poste', { exact: true }).fill('Directrice achats');
  await dialog.getByLabel('Email', { exact: true }).fill(`e.martin.${RUN}@acme.fr`);
  await dialog.getByLabel('Téléphone', { exact: true }).fill('+33612345678');
  await dialog.getByLabel('Entreprise', { exact: true }).fill('Acme SAS');
  await dialog.getByLabel('Secteur', { exact: true }).fill('Industrie');
  await dialog.getByLabel("Taille d'entreprise", { exact: true }).selectOption('10-49');
  await dialog.getByLabel('Ville', { exact: true }).fill('Lyon');
  await dialog.getByLabel('Région', { exact: true }).fill('Auvergne-Rhône-Alpes');
  const tags = dialog.getByLabel('Tags', { exact: true });
  await tags.fill('salon-2026');
  await tags.press('Enter');
  await dialog.getByRole('button', { name: 'Enregistrer' }).click();
  await dialog.waitFor({ state: 'detached' });

  await search(firstName);
  await row(firstName).filter({ hasText: 'Acme SAS' }).waitFor();
  assert.equal(await page.locator('tbody tr').count(), 1);
  await page.getByTestId('total').filter({ hasText: '1 prospect' }).waitFor();
  assert.match(await row(firstName).textContent(), /salon-2026/);
  await shot('03-search-result');
});

test('editing the company and the status shows the change in the grid', async () => {
  await row(firstName).getByRole('button', { name: 'Modifier' }).click();
  const dialog = page.getByRole('dialog', { name: 'Modifier le prospect' });
  assert.equal(await dialog.getByLabel('Prénom', { exact: true }).inputValue(), firstName);
  await dialog.getByLabel('Entreprise', { exact: true }).fill('Globex France');
  await dialog.getByLabel('Statut', { exact: true }).selectOption('qualified');
  await shot('04-edit-form');
  const patched = page.waitForRequest((r) => r.method() === 'PATCH');
  await dialog.getByRole('button', { name: 'Enregistrer' }).click();
  // Only the changed fields are sent.
  assert.deepEqual(JSON.parse((await patched).postData()), { company: 'Globex France', status: 'qualified' });
  await dialog.waitFor({ state: 'detached' });
  const r = row(firstName);
  await r.filter({ hasText: 'Globex France' }).waitFor();
  assert.equal((await r.locator('[data-col="status"] .badge').first().textContent()).trim(), 'Qualifié');
});

test('deleting asks for confirmation, then the prospect is gone', async () => {
  await row(firstName).getByRole('button', { name: 'Supprimer' }).click();
  const confirm = page.getByRole('dialog', { name: 'Supprimer ce prospect ?' });
  await confirm.getByText(firstName).waitFor();
  await shot('05-delete-confirm');
  await confirm.getByRole('button', { name: 'Supprimer' }).click();
  await confirm.waitFor({ state: 'detached' });
  await row(firstName).waitFor({ state: 'detached' });
  await page.getByText('Aucun prospect ne correspond à ces critères.').waitFor();
  const left = await apiCall('GET', `/prospects?q=${encodeURIComponent(firstName)}`);
  assert.equal(left.body.meta.total, 0);
});

test('a name that looks like HTML is shown as text, never run', async () => {
  const payload = '<img src=x onerror=alert(1)>';
  const created = await apiCall('POST', '/prospects', { first_name: payload, last_name: `Xss${RUN}`, email: `xss.${RUN}@exemple.fr` });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await search(`Xss${RUN}`);
  const r = row(`Xss${RUN}`);
  await r.waitFor();
  assert.equal((await r.locator('[data-col="name"]').textContent()).trim(), `${payload} Xss${RUN}`);
  await r.getByText(payload).waitFor();
  assert.equal(await page.locator('img').count(), 0, 'no <img> element may come from the data');
  // The edit form shows it as a plain input value too.
  await r.getByRole('button', { name: 'Modifier' }).click();
  const dialog = page.getByRole('dialog', { name: 'Modifier le prospect' });
  assert.equal(await dialog.getByLabel('Prénom', { exact: true }).inputValue(), payload);
  assert.equal(await page.locator('img').count(), 0);
  await shot('06-xss-as-text');
  await dialog.getByRole('button', { name: 'Annuler' }).click();
  assert.deepEqual(dialogs, [], 'no alert/confirm dialog may fire');
});

test('a linked filter (?sector=…) and a bulk status change on the whole selection', async () => {
  const sector = `Secteur${RUN}`;
  for (const n of [1, 2, 3]) {
    const res = await apiCall('POST', '/prospects', { first_name: `Bulk${n}`, last_name: RUN, phone: `+3361000000${n}`, sector });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  await page.goto(`${server.base}/prospects?sector=${encodeURIComponent(sector)}`);
  await page.getByTestId('total').filter({ hasText: '3 prospects' }).waitFor();
  assert.equal(await page.locator('tbody tr').count(), 3);
  await page.getByLabel('Sélectionner toute la page').check();
  await page.getByTestId('selection-count').filter({ hasText: '3 sélectionnés' }).waitFor();
  await page.getByRole('combobox', { name: 'Action groupée' }).selectOption('set_status');
  await page.getByRole('region', { name: 'Action groupée' }).getByRole('combobox', { name: 'Statut' }).selectOption('won');
  await shot('07-bulk-bar');
  await page.getByRole('button', { name: 'Appliquer' }).click();
  await page.getByRole('status').filter({ hasText: '3 prospects modifiés' }).waitFor();
  await page.locator('tbody [data-col="status"] .badge', { hasText: 'Gagné' }).nth(2).waitFor();
  assert.equal(await page.locator('tbody [data-col="status"] .badge', { hasText: 'Gagné' }).count(), 3);
  await shot('08-prospects-grid');
});

test('the language switch turns the labels to English and is remembered', async () => {
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  await page.getByRole('button', { name: 'Add a prospect' }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  await shot('09-english');
  await page.getByRole('button', { name: 'FR', exact: true }).click();
  await page.getByRole('button', { name: 'Déconnexion' }).waitFor();
});

test('/docs shows the interactive API documentation', async () => {
  await page.goto(`${server.base}/docs`);
  await page.locator('.swagger-ui .info .title').waitFor();
  await shot('10-docs');
});

test('logging out returns to the login page', async () => {
  await page.goto(`${server.base}/prospects`);
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await page.waitForURL((u) => u.pathname === '/login');
  const me = await page.request.get(`${server.base}/api/v1/auth/me`);
  assert.equal(me.status(), 401);
  assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
});

test('repeated wrong passwords are slowed down with a "try again in N s" message (429)', async () => {
  // The server lets a few failures through, then answers 429 with Retry-After.
  const MAX_ATTEMPTS = 15;
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Mot de passe').fill('still-not-the-password');
  const submit = page.getByRole('button', { name: 'Se connecter' });
  for (let i = 1; ; i++) {
    assert.ok(i <= MAX_ATTEMPTS, `no 429 after ${MAX_ATTEMPTS} wrong passwords`);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
    await submit.click(); // waits until the button is enabled again
    const res = await answered;
    if (res.status() === 429) {
      assert.match(res.headers()['retry-after'] ?? '', /^\d+$/, 'a 429 carries Retry-After');
      await page.getByRole('alert').filter({ hasText: /Trop de tentatives, réessayez dans \d+ s/ }).waitFor();
      await shot('11-login-429');
      break;
    }
    assert.equal(res.status(), 401);
  }
});
