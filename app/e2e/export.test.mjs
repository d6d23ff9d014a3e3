// Browser test of the export journey against the real `mimicom` binary (see harness.mjs):
// the Exporter button of the Prospects page, its dialog (format, columns, BOM and separator),
// an export of the current filter and one of the ticked rows, the Exports page with the state
// of each and the download of the file.
//
//   MIMICOM_BIN=/path/to/mimicom [MIMICOM_UI_DIR=app/dist] node --test app/e2e/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as harness from './harness.mjs';
import { login, openBrowser, startServer, stopServer } from './harness.mjs';

const RUN = randomBytes(3).toString('hex');

let server;
let browser;
let page;
let dialogs;
let pageErrors;

const apiCall = (method, urlPath, body) => harness.apiCall(page, server.base, method, urlPath, body);

before(async () => {
  server = await startServer();
  ({ browser, page, dialogs, pageErrors } = await openBrowser());
  await login(page, server.base);
  for (const [first, city, company] of [
    ['Élodie', 'Lyon', 'Acme'],
    ['Jean', 'Lyon', '=HYPERLINK("http://x")'],
    ['Paul', 'Nantes', 'Initech'],
  ]) {
    const r = await apiCall('POST', '/prospects', {
      first_name: first,
      last_name: `Export${RUN}`,
      email: `${first.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')}.${RUN}@exemple.fr`,
      city,
      company,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stopServer(server);
  }
});

/** Waits until the newest export (first row) shows `state` on the Exports page. */
async function newestExportState(state) {
  await page.waitForURL((u) => u.pathname === '/exports');
  await page.getByTestId('exports-table').locator('tbody tr').first().getByTestId('export-state').filter({ hasText: state }).waitFor({ timeout: 30_000 });
}

test('the current filter exports as a CSV for Excel, downloaded from the Exports page', async () => {
  await page.goto(`${server.base}/prospects?city=Lyon`);
  await page.getByText('2 prospects').waitFor();
  await page.getByRole('button', { name: 'Exporter' }).click();
  const dialog = page.getByRole('dialog', { name: 'Exporter des prospects' });
  await dialog.getByTestId('export-scope').filter({ hasText: 'Prospects du filtre actuel : 2' }).waitFor();
  await dialog.getByRole('button', { name: 'Aucune' }).click();
  for (const c of ['first_name', 'email', 'company', 'city']) await dialog.getByLabel(c, { exact: true }).check();
  assert.equal(await dialog.getByLabel('BOM UTF-8 (pour Excel)').isChecked(), true);
  await dialog.getByLabel('Séparateur').selectOption(';');
  await dialog.getByRole('button', { name: 'Lancer l’export' }).click();
  await newestExportState('Prêt');
  await harness.shot(page, 'exports-ready');

  const download = page.waitForEvent('download');
  await page.getByTestId('exports-table').locator('tbody tr').first().getByRole('link', { name: 'Télécharger' }).click();
  const file = await download;
  assert.match(file.suggestedFilename(), /^prospects-\d{4}-\d{2}-\d{2}-\d+\.csv$/);
  const text = readFileSync(await file.path(), 'utf8');
  assert.ok(text.startsWith('\uFEFFfirst_name;email;company;city\r\n'), text);
  assert.match(text, new RegExp(`Élodie;elodie\\.${RUN}@exemple\\.fr;Acme;Lyon\\r\\n`));
  assert.match(text, /"'=HYPERLINK\(""http:\/\/x""\)"/, 'a formula is neutralised');
  assert.doesNotMatch(text, /Nantes/);
});

test('the ticked rows export as XLSX', async () => {
  await page.goto(`${server.base}/prospects?q=Export${RUN}`);
  await page.getByText('3 prospects').waitFor();
  const row = page.locator('tr', { hasText: 'Paul' });
  await row.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Exporter' }).click();
  const dialog = page.getByRole('dialog', { name: 'Exporter des prospects' });
  await dialog.getByTestId('export-scope').filter({ hasText: 'Prospects sélectionnés : 1' }).waitFor();
  await dialog.getByLabel('Format').selectOption('xlsx');
  assert.equal(await dialog.getByLabel('Séparateur').count(), 0, 'CSV options only for CSV');
  await dialog.getByRole('button', { name: 'Lancer l’export' }).click();
  await newestExportState('Prêt');
  const first = page.getByTestId('exports-table').locator('tbody tr').first();
  await first.getByRole('cell', { name: 'XLSX', exact: true }).waitFor();
  const link = await first.getByRole('link', { name: 'Télécharger' }).getAttribute('href');
  const res = await page.request.get(`${server.base}${link}`);
  assert.equal(res.status(), 200);
  const body = await res.body();
  assert.equal(body.subarray(0, 2).toString(), 'PK');
  const list = await apiCall('GET', '/exports');
  assert.equal(list.body.data[0].rows, 1);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(pageErrors, []);
});

test('the Exports page comes back by itself after the server did not answer', async () => {
  // The first request for the list is refused as by a server that is restarting; the page says
  // so, then reads the list again without a reload.
  let refused = 0;
  const pattern = (u) => u.pathname === '/api/v1/exports';
  await page.route(pattern, (route) => {
    if (route.request().method() === 'GET' && refused === 0) {
      refused++;
      return route.abort('connectionrefused');
    }
    return route.fallback();
  });
  try {
    await page.goto(`${server.base}/exports`);
    await page.getByRole('alert').filter({ hasText: 'Le serveur ne répond pas' }).filter({ hasText: 'Nouvel essai automatique' }).waitFor();
    await harness.shot(page, 'exports-server-not-answering');
    // The list (or, run alone, the line saying there is none) replaces the error.
    await page.locator('[data-testid="exports-table"], .exports-page p.empty').first().waitFor({ timeout: 20_000 });
    assert.equal(await page.getByRole('alert').count(), 0, 'the error is gone once the list is read');
    assert.equal(refused, 1);
  } finally {
    await page.unroute(pattern);
  }
});
