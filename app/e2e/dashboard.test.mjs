// Browser test of the dashboard against the real `mimicom` binary (see harness.mjs): a known
// set of prospects is created through the API, and every number the page shows is checked
// against counts computed here from that set; a click on a sector bar (on the canvas, and
// through the chart's table) opens the prospect list on exactly those prospects; the
// dashboard's own filters change the numbers and follow into the links; errors, the
// week/month switch, English, and narrow screens.
//
//   MIMICOM_BIN=/path/to/mimicom [MIMICOM_UI_DIR=app/dist] node --test app/e2e/dashboard.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as harness from './harness.mjs';
import { login, openBrowser, startServer, stopServer } from './harness.mjs';

const STAGES = ['new', 'contacted', 'qualified', 'meeting', 'won'];
const STATUS_FR = { new: 'Nouveau', contacted: 'Contacté', qualified: 'Qualifié', meeting: 'Rendez-vous', won: 'Gagné', lost: 'Perdu' };
const SIZES = ['1-9', '10-49', '50-249', '250-999', '1000+'];
const XSS_SECTOR = '<img src=x onerror="window.__xss=1">';

// 36 prospects: 15 in Industrie, 10 in Commerce de gros, 6 in Santé, 1 in a sector that looks
// like HTML, 4 without a sector; every status (all but "new" contacted now); two regions; some
// without email, phone or company.
const NOW = `${new Date().toISOString().slice(0, 19)}Z`;
const PEOPLE = Array.from({ length: 36 }, (_, i) => {
  const sector = i < 15 ? 'Industrie' : i < 25 ? 'Commerce de gros' : i < 31 ? 'Santé' : i === 31 ? XSS_SECTOR : null;
  const hasEmail = i % 5 !== 0;
  return {
    first_name: `Prénom${i}`,
    last_name: `Nom${i}`,
    email: hasEmail ? `p${i}@exemple-dashboard.fr` : null,
    // A prospect needs an email or a phone.
    phone: !hasEmail || i % 3 === 0 ? `+336100001${String(i).padStart(2, '0')}` : null,
    company: i % 4 !== 0 ? `Société ${i}` : null,
    sector,
    region: i % 3 === 0 ? 'Bretagne' : 'Occitanie',
    company_size: SIZES[i % 5],
    owner: i % 2 === 0 ? 'alice@exemple.fr' : 'bruno@exemple.fr',
    source: i % 4 === 1 ? 'Salon' : 'Site web',
    status: ['new', 'new', 'contacted', 'contacted', 'qualified', 'meeting', 'won', 'lost'][i % 8],
    tags: i % 4 === 0 ? ['chaud'] : [],
  };
}).map((p) => ({ ...p, last_contact_at: p.status === 'new' ? null : NOW }));

/** What the dashboard must show for the prospects matching `keep`. */
function expected(keep = () => true) {
  const ps = PEOPLE.filter(keep);
  const count = (f) => ps.filter(f).length;
  const reached = Object.fromEntries(STAGES.map((s, i) => [s, count((p) => STAGES.indexOf(p.status) >= i)]));
  return {
    total: ps.length,
    count: (f) => count(f),
    status: (s) => count((p) => p.status === s),
    reached,
    lost: count((p) => p.status === 'lost'),
    sector: (v) => count((p) => p.sector === v),
    withEmail: count((p) => p.email),
    withPhone: count((p) => p.phone),
    withCompany: count((p) => p.company),
  };
}

const fr = (n) => n.toLocaleString('fr-FR');
const pct = (x) => new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 0 }).format(x);
// French numbers use (narrow) no-break spaces: compare with plain ones.
const norm = (s) => s.replace(/\s+/g, ' ').trim();

let server;
let browser;
let page;
let dialogs;
let pageErrors;

const shot = (name) => harness.shot(page, name);
/** Every chart has drawn its latest numbers and ended its animation (before a screenshot). */
const chartsSettled = () =>
  page.waitForFunction(() => [...document.querySelectorAll('.chart-canvas')].every((el) => el.dataset.settled === 'true'));
const apiCall = (method, urlPath, body) => harness.apiCall(page, server.base, method, urlPath, body);
const card = (id) => page.locator(`section[data-chart="${id}"]`);
const text = async (locator) => norm(await locator.textContent());

async function kpi(id) {
  return text(page.getByTestId(`kpi-${id}`));
}

/** Waits until the total card shows `n` (the page re-fetches after each filter change). */
async function waitTotal(n) {
  await page.getByTestId('kpi-total').filter({ hasText: new RegExp(`^${fr(n).replace(/\s/g, '\\s')}$`) }).waitFor();
  await page.locator('.dashboard-page[aria-busy="false"]').waitFor();
}

async function expectNumbers(e) {
  assert.equal(await kpi('total'), norm(fr(e.total)));
  assert.equal(await kpi('won'), fr(e.status('won')));
  assert.equal(await kpi('lost'), fr(e.lost));
  assert.equal(await kpi('contacted'), fr(e.reached.contacted));
  assert.equal(await kpi('conversion'), norm(e.reached.contacted ? pct(e.reached.won / e.reached.contacted) : '—'));
  for (const s of STAGES) {
    const row = card('funnel').locator(`tr[data-status="${s}"]`);
    assert.equal(await text(row.locator('[data-col="count"]')), fr(e.status(s)), `funnel count of ${s}`);
    assert.equal(await text(row.locator('[data-col="reached"]')), fr(e.reached[s]), `funnel reached of ${s}`);
  }
  const funnelSummary = await text(page.getByTestId('summary-funnel'));
  for (const s of STAGES) assert.ok(funnelSummary.includes(`${STATUS_FR[s]} ${fr(e.reached[s])}`), funnelSummary);
  for (const sector of ['Industrie', 'Commerce de gros', 'Santé']) {
    const n = e.sector(sector);
    const row = card('sector').locator(`tr[data-value="${sector}"]`);
    if (n === 0) assert.equal(await row.count(), 0);
    else assert.equal(await text(row.locator('[data-col="count"]')), fr(n), `sector ${sector}`);
  }
  const contacted = card('contacted').locator('tbody tr').first();
  assert.equal(await text(contacted.locator('[data-col="count"]')), fr(e.count((p) => p.last_contact_at)), 'contacted this week');
  const quality = await text(page.getByTestId('summary-quality'));
  assert.ok(quality.includes(`Avec email : ${e.withEmail} sur ${e.total}`), quality);
  assert.ok(quality.includes(`Avec téléphone : ${e.withPhone} sur ${e.total}`), quality);
  assert.ok(quality.includes(`Avec entreprise : ${e.withCompany} sur ${e.total}`), quality);
}

/**
 * Where to click on a horizontal bar chart to hit its first (top) bar: the canvas is read
 * for the topmost pixels of the bar colour, and the middle of that bar is returned in page
 * coordinates.
 */
async function firstBarPoint(testId, rgb) {
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
  assert.ok(p, `no bar drawn in ${testId}`);
  const box = await canvas.boundingBox();
  return { x: box.x + p.x, y: box.y + p.y };
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

test('after logging in, the user lands on the dashboard; with no prospect it says so', async () => {
  await login(page, server.base);
  await page.waitForURL((u) => u.pathname === '/dashboard');
  await page.getByRole('heading', { name: 'Tableau de bord', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Tableau de bord' }).and(page.locator('[aria-current="page"]')).waitFor();
  await waitTotal(0);
  await page.getByText('Aucun prospect pour le moment').waitFor();
  await page.getByRole('link', { name: 'Importer des prospects' }).waitFor();
  await shot('dashboard-00-empty');
});

test('the numbers shown are the counts of the prospects created', async () => {
  for (const p of PEOPLE) {
    const res = await apiCall('POST', '/prospects', p);
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  await page.reload();
  await waitTotal(PEOPLE.length);
  await expectNumbers(expected());
  const sectorSummary = await text(page.getByTestId('summary-sector'));
  assert.ok(sectorSummary.includes('4 valeurs ; en tête : Industrie avec 15 prospects'), sectorSummary);
  // The sector without value is counted apart; the HTML-looking one is plain text.
  await card('sector').getByText('Non renseigné : 4').waitFor();
  assert.equal(await text(card('sector').locator('tbody tr', { hasText: 'onerror' }).locator('th')), norm(XSS_SECTOR));
  await chartsSettled();
  await shot('dashboard-01-desktop');
});

test('a click on the first sector bar of the canvas opens the prospects of that sector', async () => {
  const at = await firstBarPoint('chart-sector', [0x2f, 0x5b, 0xd3]);
  await page.mouse.move(at.x, at.y);
  // The tooltip, with the sector's name escaped.
  await page.locator('[data-testid="chart-sector"] strong', { hasText: 'Industrie' }).waitFor();
  await shot('dashboard-02-tooltip');
  await page.mouse.click(at.x, at.y);
  await page.waitForURL((u) => u.pathname === '/prospects' && u.searchParams.get('sector') === 'Industrie');
  await page.getByTestId('total').filter({ hasText: `${expected().sector('Industrie')} prospects` }).waitFor();
  assert.equal(await page.locator('tbody tr').count(), 15);
  await shot('dashboard-03-prospects-from-bar');
  await page.goBack();
  await waitTotal(PEOPLE.length);
});

test('the chart tables: a sector and a funnel stage open the prospect list on what they count', async () => {
  const link = card('sector').getByRole('link', { name: 'Commerce de gros' });
  // Beside the chart, the table is for screen readers: its links are out of the Tab order.
  assert.equal(await link.getAttribute('tabindex'), '-1');
  await card('sector').getByRole('button', { name: 'Voir le tableau' }).click();
  await link.waitFor();
  assert.equal(await link.getAttribute('tabindex'), null);
  await shot('dashboard-04-sector-table');
  await link.click();
  await page.waitForURL((u) => u.pathname === '/prospects' && u.searchParams.get('sector') === 'Commerce de gros');
  await page.getByTestId('total').filter({ hasText: '10 prospects' }).waitFor();
  await page.goBack();
  await waitTotal(PEOPLE.length);

  // "Qualifié" reached: the prospects at that stage or a later one.
  const e = expected();
  await card('funnel').getByRole('button', { name: 'Voir le tableau' }).click();
  await card('funnel').locator('tr[data-status="qualified"] [data-col="reached"] a').click();
  await page.waitForURL((u) => u.pathname === '/prospects' && u.searchParams.get('status') === 'qualified,meeting,won');
  await page.getByTestId('total').filter({ hasText: `${e.reached.qualified} prospects` }).waitFor();
  await page.goBack();
  await waitTotal(PEOPLE.length);

  // A week of "contacted per week": the prospects whose last contact falls in it, with the
  // contact date filters shown on the list.
  await card('contacted').getByRole('button', { name: 'Voir le tableau' }).click();
  const week = card('contacted').locator('tbody tr').first();
  const start = await week.getAttribute('data-start');
  await week.getByRole('link').click();
  await page.waitForURL((u) => u.pathname === '/prospects' && u.searchParams.get('contacted_from') === start);
  await page.getByTestId('total').filter({ hasText: `${e.count((p) => p.last_contact_at)} prospects` }).waitFor();
  assert.equal(await page.locator('[data-filter="contacted_from"] input').inputValue(), start);
  await page.goBack();
  await waitTotal(PEOPLE.length);
});

test('a dashboard filter changes the numbers, stays in the URL and follows into the links', async () => {
  const inBretagne = (p) => p.region === 'Bretagne';
  const e = expected(inBretagne);
  assert.notEqual(e.total, PEOPLE.length);
  const kpisCalled = page.waitForRequest((r) => r.url().includes('/api/v1/kpis?') && new URL(r.url()).searchParams.get('region') === 'Bretagne');
  await page.locator('[data-filter="region"] .facet-button').click();
  await page.getByRole('group', { name: 'Région' }).getByLabel('Bretagne').check();
  await kpisCalled;
  await page.keyboard.press('Escape');
  await page.waitForURL((u) => u.pathname === '/dashboard' && u.searchParams.get('region') === 'Bretagne');
  await waitTotal(e.total);
  await expectNumbers(e);
  await chartsSettled();
  await shot('dashboard-05-filtered');

  // The total card opens the list with the dashboard's filters.
  await page.getByRole('link', { name: /Prospects\s+\d+\s+correspondant/ }).click();
  await page.waitForURL((u) => u.pathname === '/prospects' && u.searchParams.get('region') === 'Bretagne');
  await page.getByTestId('total').filter({ hasText: `${e.total} prospects` }).waitFor();
  await page.goBack();
  await waitTotal(e.total);

  // A sector of the filtered dashboard: both filters.
  await card('sector').getByRole('button', { name: 'Voir le tableau' }).click();
  await card('sector').getByRole('link', { name: 'Industrie' }).click();
  await page.waitForURL((u) => u.searchParams.get('region') === 'Bretagne' && u.searchParams.get('sector') === 'Industrie');
  const both = expected((p) => inBretagne(p) && p.sector === 'Industrie').total;
  await page.getByTestId('total').filter({ hasText: new RegExp(`^${both} prospects?$`) }).waitFor();
  await page.goBack();
  await waitTotal(e.total);
  await page.getByRole('button', { name: 'Effacer les filtres' }).click();
  await page.waitForURL((u) => u.pathname === '/dashboard' && u.search === '');
  await waitTotal(PEOPLE.length);
});

test('the creation date filters: before today (excluded) is empty, from today is everything', async () => {
  const today = new Date().toISOString().slice(0, 10);
  await page.locator('[data-filter="created_to"] input').fill(today);
  await page.waitForURL((u) => u.searchParams.get('created_to') === today);
  await waitTotal(0);
  await page.getByText('Aucun prospect ne correspond à ces filtres.').waitFor();
  await page.locator('[data-filter="created_to"] input').fill('');
  await page.locator('[data-filter="created_from"] input').fill(today);
  await page.waitForURL((u) => u.searchParams.get('created_from') === today && !u.searchParams.has('created_to'));
  await waitTotal(PEOPLE.length);
  // A week bar opens the prospects created that week, within the dashboard's dates.
  const week = card('new').locator('tbody tr').first();
  assert.equal(await text(week.locator('[data-col="count"]')), fr(PEOPLE.length));
  await card('new').getByRole('button', { name: 'Voir le tableau' }).click();
  await week.getByRole('link').click();
  await page.waitForURL((u) => u.pathname === '/prospects' && u.searchParams.get('created_from') === today && u.searchParams.has('created_to'));
  await page.getByTestId('total').filter({ hasText: `${PEOPLE.length} prospects` }).waitFor();
  assert.equal(await page.locator('[data-filter="created_from"] input').inputValue(), today, 'the list shows its date filter');
  await page.goBack();
  await waitTotal(PEOPLE.length);
});

test('new prospects per month: the switch is kept in the URL', async () => {
  await page.getByRole('button', { name: 'Par mois' }).click();
  await page.waitForURL((u) => u.searchParams.get('period') === 'month');
  assert.equal(await page.getByRole('button', { name: 'Par mois' }).getAttribute('aria-pressed'), 'true');
  const month = `${new Date().toISOString().slice(0, 7)}-01`;
  await card('new').locator(`tr[data-start="${month}"]`).waitFor();
  assert.equal(await text(card('new').locator(`tr[data-start="${month}"] [data-col="count"]`)), fr(PEOPLE.length));
  await page.getByRole('button', { name: 'Par semaine' }).click();
  await page.waitForURL((u) => !u.searchParams.has('period'));
});

const isKpis = (url) => url.pathname === '/api/v1/kpis';

test('while the numbers are computed, the page says so', async () => {
  let release;
  const held = new Promise((r) => {
    release = r;
  });
  await page.route(isKpis, async (route) => {
    await held;
    await route.fallback();
  });
  await page.reload();
  await page.getByRole('status').filter({ hasText: 'Calcul des indicateurs…' }).waitFor();
  assert.equal(await page.locator('.dashboard-page').getAttribute('aria-busy'), 'true');
  release();
  await waitTotal(PEOPLE.length);
  await page.unroute(isKpis);
});

test('an API error is shown with a retry button', async () => {
  await page.route(isKpis, (route) =>
    route.fulfill({
      status: 422,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'invalid', message: 'Filtre invalide', fields: [{ field: 'created_from', message: 'date attendue' }] } }),
    }),
  );
  await page.reload();
  const alert = page.getByRole('alert').filter({ hasText: 'Filtre invalide' });
  await alert.waitFor();
  assert.match(await alert.textContent(), /created_from : date attendue/);
  await shot('dashboard-06-error');
  await page.unroute(isKpis);
  await alert.getByRole('button', { name: 'Réessayer' }).click();
  await alert.waitFor({ state: 'detached' });
  await waitTotal(PEOPLE.length);
});

test('in English, the labels change', async () => {
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Sales funnel' }).waitFor();
  await page.getByRole('heading', { name: 'Prospects by sector' }).waitFor();
  await card('sector').getByRole('button', { name: 'Show table' }).waitFor();
  assert.equal(await kpi('total'), PEOPLE.length.toLocaleString('en-GB'));
  assert.match(await text(page.getByTestId('summary-sector')), /4 values; first: Industrie with 15 prospects/);
  await chartsSettled();
  await shot('dashboard-07-english');
  await page.getByRole('button', { name: 'FR', exact: true }).click();
  await page.getByRole('heading', { name: 'Tableau de bord', level: 1 }).waitFor();
});

test('on a narrow screen the charts shrink with the window', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  // The charts follow their boxes (a ResizeObserver): wait until every canvas fits.
  await page.waitForFunction(() =>
    ['chart-funnel', 'chart-sector', 'chart-new'].every((id) => {
      const r = document.querySelector(`[data-testid="${id}"] canvas`)?.getBoundingClientRect();
      return r && r.x >= 0 && r.x + r.width <= 390;
    }),
  );
  await chartsSettled();
  for (const id of ['chart-funnel', 'chart-sector', 'chart-new']) {
    const box = await page.locator(`[data-testid="${id}"] canvas`).first().boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `${id} fits the screen (${JSON.stringify(box)})`);
  }
  await shot('dashboard-08-narrow');
  await page.setViewportSize({ width: 1400, height: 860 });
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no data may run as code');
  assert.deepEqual(dialogs, []);
  assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
});
