// Browser test of the CSV import journey and the Jobs page against the real `mimicom`
// binary (see harness.mjs): upload by drag and drop, what was detected, the proposed
// mapping and a change to it, a mapping refused by the API shown under its column, the live
// job, the report, the rejected rows download, and the job with its log on the Jobs page.
//
//   MIMICOM_BIN=/path/to/mimicom [MIMICOM_UI_DIR=app/dist] node --test app/e2e/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as harness from './harness.mjs';
import { login, openBrowser, startServer, stopServer } from './harness.mjs';

const RUN = randomBytes(3).toString('hex');
const FILE_NAME = `salon-${RUN}.csv`;
const XSS = '<script>window.__xss = 1</script>';
const JOB_TIMEOUT_MS = 30_000;

// Semicolons, a UTF-8 BOM, CRLF and French headers, as Excel writes them. Row 2 has an
// invalid e-mail (rejected); row 3 repeats row 1's e-mail in capitals (a duplicate in the file).
const CSV =
  '\uFEFF' +
  [
    'Prénom;Nom;Société;E-mail;Téléphone;Ville;Salon',
    `Jean;Dupont;Acme;jean.dupont.${RUN}@acme.fr;06 12 34 56 78;Lyon;salon-2026`,
    `Marie;Curie;${XSS};pas-un-email;;Paris;salon-2026`,
    `Jeanne;Durand;Globex;JEAN.DUPONT.${RUN}@ACME.FR;;Lyon;`,
    `Paul;Martin;Initech;paul.martin.${RUN}@initech.fr;06 98 76 54 32;Nantes;`,
  ].join('\r\n') +
  '\r\n';

let server;
let browser;
let page;
let dialogs;
let pageErrors;

const shot = (name) => harness.shot(page, name);
const apiCall = (method, urlPath, body) => harness.apiCall(page, server.base, method, urlPath, body);
const columnSelect = (column) => page.getByLabel(`Champ pour la colonne « ${column} »`, { exact: true });

/** Drops a file on the drop zone the way a browser does (a DataTransfer holding a File). */
async function dropFile(name, content, type = 'text/csv') {
  const dataTransfer = await page.evaluateHandle(
    ({ name, content, type }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([content], name, { type }));
      return dt;
    },
    { name, content, type },
  );
  const zone = page.getByTestId('drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

before(async () => {
  server = await startServer();
  ({ browser, page, dialogs, pageErrors } = await openBrowser());
  await login(page, server.base);
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stopServer(server);
  }
});

test('an empty file is refused with the reason, picked with the "Choisir un fichier" button', async () => {
  await page.getByRole('link', { name: 'Import', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/import');
  await page.getByRole('heading', { name: 'Importer des prospects' }).waitFor();
  await page.getByText('Aucun import pour le moment.').waitFor();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choisir un fichier' }).click();
  await (await chooser).setFiles({ name: 'vide.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
  await page.getByRole('alert').filter({ hasText: 'le fichier est vide' }).waitFor();
  assert.equal(new URL(page.url()).search, '', 'a refused file leaves the page on its first step');
});

test('a dropped CSV shows what was detected, a preview and the proposed mapping', async () => {
  await dropFile(FILE_NAME, CSV);
  await page.waitForURL((u) => u.pathname === '/import' && /^\d+$/.test(u.searchParams.get('id') ?? ''));
  await page.getByTestId('file-name').filter({ hasText: FILE_NAME }).waitFor();
  assert.match(await page.getByTestId('separator').textContent(), /point-virgule/);
  assert.equal((await page.getByTestId('encoding').textContent()).trim(), 'UTF-8 (BOM)');

  // The proposed mapping, from the French headers.
  assert.equal(await columnSelect('Prénom').inputValue(), 'first_name');
  assert.equal(await columnSelect('Nom').inputValue(), 'last_name');
  assert.equal(await columnSelect('Société').inputValue(), 'company');
  assert.equal(await columnSelect('E-mail').inputValue(), 'email');
  assert.equal(await columnSelect('Téléphone').inputValue(), 'phone');
  assert.equal(await columnSelect('Ville').inputValue(), 'city');
  assert.equal(await columnSelect('Salon').inputValue(), 'custom:Salon');
  assert.equal(await columnSelect('E-mail').locator('option:checked').textContent(), 'E-mail');

  // The preview: every data row, cells as in the file.
  const rows = page.locator('.mapping-table tbody tr');
  assert.equal(await rows.count(), 4);
  assert.match(await rows.nth(0).textContent(), new RegExp(`jean\\.dupont\\.${RUN}@acme\\.fr`));
  assert.equal(await page.locator('[data-testid="problem"]').count(), 0);
});

test('a cell holding a <script> is shown as text in the preview, never run', async () => {
  const cell = page.locator('.mapping-table tbody td', { hasText: XSS });
  assert.equal(await cell.count(), 1);
  assert.equal((await cell.textContent()).trim(), XSS);
  assert.equal(await page.locator('.mapping-table script').count(), 0, 'no <script> element may come from the data');
  assert.equal(await page.evaluate(() => window.__xss), undefined);
});

test('a mapping the API refuses (422) is explained under the right column', async () => {
  await columnSelect('Nom').selectOption('email');
  // Already told before sending: two columns for one field.
  const nomHead = page.locator('.mapping-row th[data-column="Nom"]');
  await nomHead.locator('.field-error').filter({ hasText: 'E-mail' }).waitFor();
  const answered = page.waitForResponse((r) => /\/imports\/\d+\/start$/.test(r.url()));
  await page.getByRole('button', { name: "Lancer l'import" }).click();
  assert.equal((await answered).status(), 422);
  await nomHead.getByRole('alert').filter({ hasText: 'déjà rempli par la colonne « E-mail »' }).waitFor();
  assert.equal(await columnSelect('Nom').getAttribute('aria-invalid'), 'true');
  await page.getByRole('alert').filter({ hasText: 'La correspondance des colonnes est à corriger.' }).waitFor();
  // The other column of the pair is only flagged by the page, not by the API.
  const emailHead = page.locator('.mapping-row th[data-column="E-mail"]');
  await emailHead.locator('.field-error').filter({ hasText: 'Même champ que la colonne « Nom »' }).waitFor();
  assert.equal(await emailHead.getByRole('alert').count(), 0);
  await shot('20-import-mapping-422');
  // Choosing again clears the column's error.
  await columnSelect('Nom').selectOption('last_name');
  assert.equal(await nomHead.locator('.field-error').count(), 0);
  assert.equal(await emailHead.locator('.field-error').count(), 0);
});

let importId;

test('the import runs with the mapping changed and reports its counts', async () => {
  importId = Number(new URL(page.url()).searchParams.get('id'));
  await columnSelect('Salon').selectOption('tags');
  await page.getByLabel('Compléter les champs vides').check();
  await shot('21-import-mapping');
  const sent = page.waitForRequest((r) => /\/imports\/\d+\/start$/.test(r.url()) && r.method() === 'POST');
  await page.getByRole('button', { name: "Lancer l'import" }).click();
  const body = JSON.parse((await sent).postData());
  assert.equal(body.on_duplicate, 'fill_empty');
  assert.equal(body.mapping.Salon, 'tags');
  assert.equal(body.mapping['E-mail'], 'email');

  const job = page.locator('[data-testid="import-job"][data-state="succeeded"]');
  await job.waitFor({ timeout: JOB_TIMEOUT_MS });
  await job.getByRole('heading', { name: 'Import terminé' }).waitFor();
  const count = async (key) => (await page.getByTestId(`report-${key}`).locator('dd').textContent()).trim();
  assert.equal(await count('rows'), '4');
  assert.equal(await count('inserted'), '2');
  assert.equal(await count('updated'), '0');
  assert.equal(await count('duplicates_in_file'), '1');
  assert.equal(await count('duplicates_existing'), '0');
  assert.equal(await count('rejected'), '1');
  assert.equal(await page.getByTestId('report-inserted').locator('dt').textContent(), 'Ajoutés');
  await job.getByRole('link', { name: 'Voir les prospects' }).waitFor();
  await shot('22-import-report');

  // The changed column went where asked.
  const found = await apiCall('GET', `/prospects?q=${encodeURIComponent(`jean.dupont.${RUN}`)}`);
  assert.equal(found.body.meta.total, 1);
  assert.deepEqual(found.body.data[0].tags, ['salon-2026']);
  assert.equal(found.body.data[0].custom_fields?.Salon, undefined);
});

test('the rejected rows download as a CSV giving the bad row and its reason', async () => {
  const link = page.getByRole('link', { name: 'Télécharger les lignes rejetées (CSV)' });
  assert.equal(await link.getAttribute('href'), `/api/v1/imports/${importId}/rejected.csv`);
  const download = page.waitForEvent('download');
  await link.click();
  const file = await (await download).path();
  const text = readFileSync(file, 'utf8');
  const lines = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines.length, 2, text);
  assert.match(lines[0], /^ligne;motif;Prénom;Nom/);
  assert.match(lines[1], /^3;/, 'the line of the file where the bad row is');
  assert.match(lines[1], /e-mail invalide/);
  assert.match(lines[1], /pas-un-email/);
});

test('the recent imports list the finished import', async () => {
  const row = page.getByTestId('recent-imports').locator(`tr[data-import-id="${importId}"]`);
  await row.getByText('Terminée').waitFor();
  assert.match(await row.textContent(), new RegExp(FILE_NAME.replace('.', '\\.')));
});

test('the Jobs page lists the import job as finished, with its log', async () => {
  await page.getByRole('link', { name: 'Tâches', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/jobs');
  const row = page.locator('tbody tr[data-job-id]', { hasText: `Import de « ${FILE_NAME} »` });
  await row.waitFor();
  assert.equal((await row.getByTestId('job-state').textContent()).trim(), 'Terminée');
  assert.match(await row.getByRole('progressbar').getAttribute('aria-valuenow'), /^100$/);
  await row.getByRole('button', { name: 'Journal' }).click();
  const log = page.getByRole('list', { name: /^Journal de la tâche/ });
  await log.getByText(/terminé : 4 lignes lues, 2 ajoutées/).waitFor();
  await page.getByRole('link', { name: "Voir l'import" }).waitFor();
  await shot('23-jobs-log');
  await row.getByRole('button', { name: 'Masquer le journal' }).click();
  await log.waitFor({ state: 'detached' });

  // Filters: the job is among the finished ones, not among the failed ones.
  await page.getByLabel('État').selectOption('failed');
  await page.waitForURL((u) => u.searchParams.get('state') === 'failed');
  await page.getByText('Aucune tâche ne correspond à ces critères.').waitFor();
  await page.getByLabel('État').selectOption('succeeded');
  await row.waitFor();
});

test('a job started elsewhere shows on the Jobs page and finishes there without a reload', async () => {
  await page.getByLabel('État').selectOption('');
  await page.waitForURL((u) => u.search === '');
  const total = await page.getByTestId('total').textContent();
  // Upload and start through the API, as another tab or a script would.
  const me = await page.request.get(`${server.base}/api/v1/auth/me`);
  const csrf = (await me.json()).data.csrf_token;
  const name = `autre-${RUN}.csv`;
  const up = await page.request.post(`${server.base}/api/v1/imports?filename=${name}`, {
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/octet-stream' },
    data: Buffer.from(`email;nom\r\nautre.${RUN}@exemple.fr;Autre\r\n`),
  });
  assert.equal(up.status(), 201);
  const started = await apiCall('POST', `/imports/${(await up.json()).data.id}/start`, {});
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const row = page.locator('tbody tr[data-job-id]', { hasText: `Import de « ${name} »` });
  await row.getByTestId('job-state').filter({ hasText: 'Terminée' }).waitFor({ timeout: JOB_TIMEOUT_MS });
  assert.notEqual(await page.getByTestId('total').textContent(), total);
  assert.deepEqual(dialogs, [], 'no alert/confirm dialog may fire');
  assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
});
