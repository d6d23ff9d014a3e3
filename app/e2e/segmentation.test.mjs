// Browser test of the Segmentation page against the real `mimicom` binary (see harness.mjs):
// three clearly different groups of prospects are planted through the API (by sector, region,
// company size and revenue); a run with 3 segments is started from the page, its progress bar
// shows, then one card per planted group with exactly its size; the charts are drawn; a
// renamed segment keeps its name after a reload; once the split is applied, "Voir ces
// prospects" opens the prospect list on exactly that group, with a chip naming the segment;
// an automatic run finds 3 segments and shows the silhouette per k tried; two runs compare
// side by side; a segment name that looks like HTML is shown as text; English labels; a
// phone-sized screen.
//
//   MIMICOM_BIN=/path/to/mimicom [MIMICOM_UI_DIR=app/dist] node --test app/e2e/segmentation.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as harness from './harness.mjs';
import { login, openBrowser, startServer, stopServer } from './harness.mjs';

const JOB_TIMEOUT_MS = 60_000;
const XSS_NAME = '<img src=x onerror="window.__xss=1">';
const FIELDS = ['sector', 'region', 'company_size', 'annual_revenue'];

// Three groups that differ on every chosen field; their sizes differ too, so that a card is
// matched to its group by its size. Revenues vary a little inside a group (k-means sees
// distinct points), far less than between groups.
const GROUPS = [
  { key: 'industrie', size: 30, sector: 'Industrie', region: 'Auvergne-Rhône-Alpes', company_size: '50-249', revenue: 5_000_000, employees: 120 },
  { key: 'sante', size: 20, sector: 'Santé', region: 'Bretagne', company_size: '1-9', revenue: 300_000, employees: 5 },
  { key: 'gros', size: 12, sector: 'Commerce de gros', region: 'Occitanie', company_size: '1000+', revenue: 200_000_000, employees: 2500 },
];
const TOTAL = GROUPS.reduce((n, g) => n + g.size, 0);
const PEOPLE = GROUPS.flatMap((g) =>
  Array.from({ length: g.size }, (_, i) => ({
    first_name: `Prénom${i}`,
    last_name: `${g.key}${i}`,
    email: `${g.key}.${i}@exemple-segments.fr`,
    company: `Société ${g.key} ${i}`,
    sector: g.sector,
    region: g.region,
    company_size: g.company_size,
    annual_revenue: Math.round(g.revenue * (1 + (i % 5) * 0.02)),
    employees: g.employees + (i % 3),
  })),
);
const groupOfEmail = (email) => GROUPS.find((g) => email.startsWith(`${g.key}.`));

let server;
let browser;
let page;
let dialogs;
let pageErrors;
let fixedRunId; // the run with k = 3
let autoRunId; // the automatic run
let progressSeen = 0; // runs whose progress bar was checked

const shot = (name) => harness.shot(page, `segmentation-${name}`);
const apiCall = (method, urlPath, body) => harness.apiCall(page, server.base, method, urlPath, body);
const norm = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
const fr = (n) => n.toLocaleString('fr-FR').replace(/\s/g, ' ');
const cards = () => page.getByTestId('segment-card');
const cardOfSize = (n) => cards().filter({ has: page.getByTestId('segment-size').filter({ hasText: new RegExp(`^${n} prospects$`) }) });
/** Every chart on the page has drawn its latest option and ended its animation. */
const chartsSettled = () =>
  page.waitForFunction(() => {
    const charts = [...document.querySelectorAll('.chart-canvas')];
    return charts.length > 0 && charts.every((el) => el.dataset.settled === 'true');
  });

/** The middle of the first bar of colour `rgb` on a chart's canvas, in page coordinates (read from its pixels). */
async function barPoint(testId, rgb) {
  const canvas = page.locator(`[data-testid="${testId}"] canvas`).first();
  await canvas.scrollIntoViewIfNeeded();
  const p = await canvas.evaluate((c, rgb) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const is = (x, y) => {
      const i = (y * c.width + x) * 4;
      return Math.abs(data[i] - rgb[0]) < 6 && Math.abs(data[i + 1] - rgb[1]) < 6 && Math.abs(data[i + 2] - rgb[2]) < 6;
    };
    const scale = c.width / c.getBoundingClientRect().width;
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        if (!is(x, y)) continue;
        const row = Math.min(c.height - 1, y + Math.round(6 * scale));
        let x0 = x;
        while (x0 < c.width && !is(x0, row)) x0++;
        let x1 = x0;
        while (x1 < c.width && is(x1, row)) x1++;
        return { x: (x0 + x1) / 2 / scale, y: row / scale };
      }
    }
    return null;
  }, rgb);
  assert.ok(p, `no bar of colour ${rgb} drawn in ${testId}`);
  const box = await canvas.boundingBox();
  return { x: box.x + p.x, y: box.y + p.y };
}

/** Records whether a run's progress bar was ever in the page (the job can end before a poll sees it running). */
async function watchProgress() {
  await page.evaluate(() => {
    window.__sawProgress = false;
    const seen = () => {
      if (document.querySelector('[data-testid="run-progress"] [role="progressbar"]')) window.__sawProgress = true;
    };
    window.__progressObserver?.disconnect();
    window.__progressObserver = new MutationObserver(seen);
    window.__progressObserver.observe(document.body, { subtree: true, childList: true });
    seen();
  });
}

/** Fills the new-run form: the planted fields only, then k (a number, or 'auto'), and starts it. */
async function startRun({ k, name }) {
  await page.goto(`${server.base}/segmentation`);
  const form = page.getByTestId('new-run');
  await form.waitFor();
  await page.getByTestId('matching').filter({ hasText: `${fr(TOTAL)} prospects` }).waitFor();
  const boxes = form.locator('input[type="checkbox"][data-field]');
  await boxes.first().waitFor();
  for (const box of await boxes.all()) {
    const field = await box.getAttribute('data-field');
    await box.setChecked(FIELDS.includes(field));
  }
  if (k === 'auto') {
    await form.getByLabel('Automatique (recommandé)').check();
  } else {
    await form.getByLabel('Nombre choisi').check();
    await form.getByLabel('Nombre de segments').fill(String(k));
  }
  await form.getByLabel('Nom de la segmentation').fill(name);
  await watchProgress();
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/segmentations');
  await form.getByRole('button', { name: 'Lancer la segmentation' }).click();
  const job = (await (await answer).json()).data.job;
  await page.waitForURL((u) => u.pathname === '/segmentation' && u.searchParams.has('run'));
  const id = Number(new URL(page.url()).searchParams.get('run'));
  await page.getByTestId('run-result').waitFor({ timeout: JOB_TIMEOUT_MS });
  // The result shows once the fit is saved; the job then still writes each prospect's segment.
  await page.getByTestId('apply-help').filter({ hasText: 'Découpage appliqué le' }).waitFor({ timeout: JOB_TIMEOUT_MS });
  // The page shows the run as the API answered, so the bar shows unless the job had already ended.
  if (job.state === 'queued' || job.state === 'running') {
    assert.equal(await page.evaluate(() => window.__sawProgress), true, 'the progress bar of the run showed');
    progressSeen++;
  }
  return id;
}

before(async () => {
  server = await startServer();
  ({ browser, page, dialogs, pageErrors } = await openBrowser());
  await login(page, server.base);
  for (const p of PEOPLE) {
    const res = await apiCall('POST', '/prospects', p);
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await stopServer(server);
  }
});

test('the page is in the header; the form explains the automatic rule and counts the prospects', async () => {
  await page.goto(`${server.base}/prospects`);
  await page.getByRole('link', { name: 'Segmentation', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/segmentation');
  await page.getByRole('heading', { name: 'Segmentation', level: 1 }).waitFor();
  await page.getByText('Aucune segmentation pour le moment.').waitFor();
  await page.getByTestId('matching').filter({ hasText: `${fr(TOTAL)} prospects` }).waitFor();
  const form = norm(await page.getByTestId('new-run').textContent());
  assert.ok(form.includes('essaie de 2 à 12 segments') && form.includes('silhouette'), form);
  await shot('form');
});

test('a run with 3 segments finds the planted groups: one card each, with its size and its traits', async () => {
  fixedRunId = await startRun({ k: 3, name: 'Trois groupes' });
  assert.equal(await cards().count(), 3);
  for (const g of GROUPS) {
    const card = cardOfSize(g.size);
    assert.equal(await card.count(), 1, `one card of ${g.size} prospects`);
    const text = norm(await card.textContent());
    assert.ok(text.includes(`Secteur : ${g.sector}`), text);
    assert.ok(text.includes(`Région : ${g.region}`), text);
  }
  // The planted groups are far apart: a clear split.
  await page.getByTestId('quality').locator('[data-quality="good"]').filter({ hasText: 'Bonne' }).waitFor();
  assert.match(norm(await page.getByTestId('run-rows').textContent()), new RegExp(`^${fr(TOTAL)}$`));
  // The map, the sizes; a fixed k has no silhouette per k.
  assert.equal(await page.getByTestId('chart-kscores').count(), 0);
  await chartsSettled();
  for (const id of ['chart-map', 'chart-sizes']) assert.equal(await page.getByTestId(id).getAttribute('data-settled'), 'true', id);
  // The sizes' table (for screen readers) holds the same counts.
  const sizes = await page.locator('section[data-chart="sizes"] td[data-col="size"]').allTextContents();
  assert.deepEqual(sizes.map(Number).sort((a, b) => a - b), GROUPS.map((g) => g.size).sort((a, b) => a - b));
  await shot('result');
});

test('a renamed and described segment keeps its name after a reload', async () => {
  const card = cardOfSize(20);
  await card.getByRole('button', { name: 'Renommer ou décrire' }).click();
  await card.getByLabel('Nom du segment').fill('Santé bretonne');
  await card.getByLabel('Description').fill('Petits cabinets de santé en Bretagne.');
  await card.getByRole('button', { name: 'Enregistrer' }).click();
  await card.getByTestId('segment-name').filter({ hasText: 'Santé bretonne' }).waitFor();
  await page.reload();
  await page.getByTestId('run-result').waitFor();
  const again = cardOfSize(20);
  assert.equal(norm(await again.getByTestId('segment-name').textContent()), 'Santé bretonne');
  assert.equal(norm(await again.getByTestId('segment-description').textContent()), 'Petits cabinets de santé en Bretagne.');
  // The generated name is still told.
  assert.ok(norm(await again.textContent()).includes('Nom proposé :'));
});

test('a finished run is applied: "Voir ces prospects" opens the list on exactly that segment, named in a chip', async () => {
  // The fit writes each prospect's segment when it ends: the newest run is the applied one.
  await page.getByTestId('apply-help').filter({ hasText: 'Découpage appliqué le' }).waitFor();
  assert.ok(norm(await page.getByTestId('run').locator('.seg-run-title').textContent()).includes('Appliquée'));
  const segmentId = Number(await cardOfSize(20).getAttribute('data-segment-id'));
  await cardOfSize(20).getByRole('link', { name: 'Voir ces prospects' }).click();
  await page.waitForURL((u) => u.pathname === '/prospects' && u.searchParams.get('segment') === String(segmentId));
  await page.getByTestId('total').filter({ hasText: /^20 prospects$/ }).waitFor();
  const emails = await page.locator('tr[data-prospect-id] td[data-col="email"]').allTextContents();
  assert.equal(emails.length, 20);
  assert.ok(emails.every((e) => groupOfEmail(e)?.key === 'sante'), emails.join(', '));
  await page.getByTestId('segment-chip-name').filter({ hasText: 'Santé bretonne' }).waitFor();
  // The API says the same: the prospects carry the segment id.
  const res = await apiCall('GET', `/prospects?segment=${segmentId}&per_page=100`);
  assert.equal(res.body.meta.total, 20);
  assert.ok(res.body.data.every((p) => p.segment_id === segmentId));
  await shot('prospects-of-segment');
  // Removing the chip shows every prospect again.
  await page.getByRole('button', { name: 'Retirer le filtre « Santé bretonne »' }).click();
  await page.getByTestId('total').filter({ hasText: new RegExp(`^${TOTAL} prospects$`) }).waitFor();
  assert.equal(new URL(page.url()).searchParams.has('segment'), false);
});

test('an automatic run finds 3 segments and shows the silhouette of each k tried', async () => {
  autoRunId = await startRun({ k: 'auto', name: 'Automatique' });
  // Eleven trial fits cannot end before the API answers: this run's progress bar was seen.
  assert.ok(progressSeen > 0, 'a progress bar was checked');
  assert.equal(await cards().count(), 3);
  for (const g of GROUPS) assert.equal(await cardOfSize(g.size).count(), 1, `one card of ${g.size} prospects`);
  const rule = norm(await page.getByTestId('auto-k').textContent());
  assert.ok(rule.includes('choisi automatiquement : 3'), rule);
  await page.getByTestId('chart-kscores').waitFor();
  const ks = (await page.locator('section[data-chart="kscores"] tr[data-k]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.k))));
  assert.ok(ks.includes(2) && ks.includes(3) && ks.length >= 2 && ks.every((k) => k >= 2 && k <= 12), ks.join(','));
  assert.match(norm(await page.locator('section[data-chart="kscores"] tr.seg-kept th').textContent()), /^3 \(retenu\)$/);
  await chartsSettled();
  await shot('automatic');
});

test('an earlier run applied again becomes the applied one, with a progress bar', async () => {
  await page.goto(`${server.base}/segmentation?run=${fixedRunId}`);
  await page.getByTestId('run-result').waitFor();
  // The automatic run, newer, replaced it.
  assert.equal(await page.getByRole('link', { name: 'Voir ces prospects' }).count(), 0);
  await watchProgress();
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/segmentations/${fixedRunId}/apply`));
  await page.getByTestId('apply').filter({ hasText: 'Appliquer ce découpage' }).click();
  const job = (await (await answer).json()).data.job;
  await page.getByTestId('apply-help').filter({ hasText: 'Découpage appliqué le' }).waitFor({ timeout: JOB_TIMEOUT_MS });
  // Writing 62 segment ids can end before the API even answers: the bar shows when the job was still at work.
  if (job.state === 'queued' || job.state === 'running') {
    assert.equal(await page.evaluate(() => window.__sawProgress), true, 'the progress bar of the apply showed');
  }
  assert.equal(await page.getByRole('link', { name: 'Voir ces prospects' }).count(), 3);
  const run = await apiCall('GET', `/segmentations/${fixedRunId}`);
  assert.equal(run.body.data.applied, true);
  assert.equal((await apiCall('GET', `/segmentations/${autoRunId}`)).body.data.applied, false);
});

test('two runs compare side by side: settings, k, quality, segment names and sizes', async () => {
  await page.goto(`${server.base}/segmentation`);
  const runs = page.getByTestId('runs');
  await runs.locator(`tr[data-run-id="${fixedRunId}"]`).waitFor();
  await runs.locator(`tr[data-run-id="${autoRunId}"]`).waitFor();
  // The applied run says so in the list.
  assert.ok(norm(await runs.locator(`tr[data-run-id="${fixedRunId}"]`).textContent()).includes('Appliquée'));
  await page.getByLabel('Comparer « Trois groupes »').check();
  await page.getByLabel('Comparer « Automatique »').check();
  await page.getByRole('button', { name: 'Comparer les deux segmentations cochées' }).click();
  await page.waitForURL((u) => u.searchParams.has('compare'));
  const table = page.locator('.seg-compare-table');
  await table.waitFor();
  const head = await table.locator('thead th a').allTextContents();
  assert.deepEqual(head.map(norm).sort(), ['Automatique', 'Trois groupes']);
  const cells = async (row) => (await table.locator(`tr[data-row="${row}"] td`).allTextContents()).map(norm);
  assert.deepEqual(await cells('k'), ['3', '3']);
  const asked = await cells('k-asked');
  assert.ok(asked.some((c) => c.startsWith('automatique')) && asked.some((c) => c.startsWith('3 demandés')), asked.join(' | '));
  const names = await table.locator('tr[data-row="segments"] td').first().textContent();
  const sizes = await table.locator('tr[data-row="segments"] [data-col="size"]').allTextContents();
  assert.deepEqual(sizes.map((s) => Number(norm(s).split(' ')[0])).sort((a, b) => a - b), [12, 12, 20, 20, 30, 30]);
  assert.ok(norm(await table.textContent()).includes('Santé bretonne'), names);
  await shot('compare');
});

test('a segment name that looks like HTML is shown as text', async () => {
  await page.goto(`${server.base}/segmentation?run=${fixedRunId}`);
  await page.getByTestId('run-result').waitFor();
  const card = cardOfSize(12);
  await card.getByRole('button', { name: 'Renommer ou décrire' }).click();
  await card.getByLabel('Nom du segment').fill(XSS_NAME);
  await card.getByRole('button', { name: 'Enregistrer' }).click();
  await card.getByTestId('segment-name').filter({ hasText: XSS_NAME }).waitFor();
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element made from the name');
  // In the legend and the sizes' table too, as text.
  assert.ok((await page.locator('.seg-legend').textContent()).includes(XSS_NAME));
  await page.reload();
  await page.getByTestId('run-result').waitFor();
  await chartsSettled();
  // Hovering the bar of that segment (drawn in its colour) shows its tooltip, the name escaped.
  const rgb = await cardOfSize(12).evaluate((el) => getComputedStyle(el).borderTopColor.match(/\d+/g).slice(0, 3).map(Number));
  const at = await barPoint('chart-sizes', rgb);
  await page.mouse.move(at.x, at.y);
  await page.locator('[data-testid="chart-sizes"] strong', { hasText: XSS_NAME }).waitFor();
  await shot('tooltip');
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.goto(`${server.base}/prospects?segment=${await cardOfSize(12).getAttribute('data-segment-id')}`);
  await page.getByTestId('segment-chip-name').filter({ hasText: XSS_NAME }).waitFor();
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
});

test('"Nouvelle segmentation avec ces paramètres" fills the form with the run\'s prospects, criteria and k', async () => {
  await page.goto(`${server.base}/segmentation?run=${fixedRunId}`);
  await page.getByTestId('run-result').waitFor();
  await page.getByRole('link', { name: 'Nouvelle segmentation avec ces paramètres' }).click();
  await page.waitForURL((u) => u.searchParams.get('from') === String(fixedRunId));
  const form = page.getByTestId('new-run');
  await form.getByText('repris de « Trois groupes »').waitFor();
  await form.getByLabel('Nombre de segments').waitFor();
  assert.equal(await form.getByLabel('Nombre de segments').inputValue(), '3');
  const ticked = await form.locator('input[type="checkbox"][data-field]:checked').evaluateAll((els) => els.map((e) => e.dataset.field));
  assert.deepEqual(ticked.sort(), [...FIELDS].sort());
  await page.getByTestId('matching').filter({ hasText: `${fr(TOTAL)} prospects` }).waitFor();
});

test('a segment no run holds shows as its number in the chip', async () => {
  await page.goto(`${server.base}/prospects?segment=987654`);
  await page.getByTestId('segment-chip-name').filter({ hasText: 'Segment n° 987654' }).waitFor();
  await page.getByTestId('total').filter({ hasText: /^0 prospect$/ }).waitFor();
});

test('English labels', async () => {
  await page.goto(`${server.base}/segmentation?run=${fixedRunId}`);
  await page.getByTestId('run-result').waitFor();
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  await page.getByRole('heading', { name: 'Quality of the split' }).waitFor();
  await page.getByTestId('quality').getByText('Good', { exact: true }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'See these prospects' }).count(), 3);
  await page.getByRole('button', { name: 'Apply again' }).waitFor();
  assert.ok(norm(await cardOfSize(30).textContent()).includes('What sets it apart'));
  await page.goto(`${server.base}/segmentation`);
  await page.getByRole('button', { name: 'Start the segmentation' }).waitFor();
  await page.getByText('Previous segmentations').waitFor();
  await shot('english');
  await page.getByRole('button', { name: 'FR', exact: true }).click();
  await page.getByRole('button', { name: 'Lancer la segmentation' }).waitFor();
});

test('on a phone-sized screen the result fits the width', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${server.base}/segmentation?run=${autoRunId}`);
  await page.getByTestId('run-result').waitFor();
  await chartsSettled();
  // Nothing wider than the screen, charts included.
  const widest = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(widest <= 390, `page is ${widest} px wide`);
  await shot('phone');
  await page.setViewportSize({ width: 1400, height: 860 });
});

test('the Jobs page names segmentation jobs', async () => {
  await page.goto(`${server.base}/jobs?type=segmentation`);
  await page.locator('tr[data-job-id]').first().waitFor();
  assert.ok(norm(await page.locator('tr[data-job-id]').first().textContent()).includes('Segmentation'));
});

test('no dialog, no page error', () => {
  assert.deepEqual(dialogs, []);
  assert.deepEqual(pageErrors, []);
});
