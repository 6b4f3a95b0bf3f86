// The dashboard driven through Debian's Chromium (playwright-core, no downloaded browser); started by
// tests/cli_dashboard_browser.sh, which made the runs and started the servers.
//   node dashboard_browser_test.mjs URL TOKEN_URL RUNS_DIR REPORT_HTML PARETO_FRONT_SIZE [SCREENSHOT_DIR]
// Every check prints one line; any failed check, and any JavaScript console error on any page, fails the test.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {chromium} from 'playwright-core';

const [url, tokenUrl, runsDir, reportPath, paretoFrontSize, screenshotDir] = process.argv.slice(2);
const failures = [];
const consoleErrors = [];
function check(condition, what) {
  console.log((condition ? 'ok    ' : 'FAIL  ') + what);
  if (!condition) failures.push(what);
}

// A raw request (no URL normalization: "../" reaches the server as written).
function rawGet(address, requestPath, {method = 'GET', host} = {}) {
  const target = new URL(address);
  return new Promise((resolve, reject) => {
    const request = http.request({hostname: target.hostname, port: target.port, path: requestPath, method,
      headers: host ? {Host: host} : {}}, response => {
      let body = '';
      response.on('data', chunk => body += chunk);
      response.on('end', () => resolve({status: response.statusCode, body, headers: response.headers}));
    });
    request.on('error', reject);
    request.end();
  });
}

async function overviewOf(address) {
  return JSON.parse((await rawGet(address, '/api/overview')).body);
}

function watch(page) {
  page.on('console', message => {
    if (message.type() === 'error') consoleErrors.push(page.url() + ': ' + message.text());
  });
  page.on('pageerror', error => consoleErrors.push(page.url() + ': ' + error.message));
}

async function screenshot(page, name) {
  if (!screenshotDir) return;
  fs.mkdirSync(screenshotDir, {recursive: true});
  await page.screenshot({path: path.join(screenshotDir, `dashboard_${name}.png`), fullPage: true});
}

async function showView(page, view) {
  await page.evaluate(name => { location.hash = name; }, view);
  await page.waitForSelector(`#view-${view}:not([hidden])`);
}

async function selectRun(page, select, name) {
  await page.waitForFunction(([id, label]) => [...document.querySelectorAll(`#${id} option`)]
    .some(o => o.textContent === label), [select, name]);
  await page.selectOption('#' + select, {label: name});
}

const columnValues = (page, key) => page.evaluate(k => {
  const index = [...document.querySelectorAll('#trials-table th')].findIndex(th => th.dataset.key === k);
  return [...document.querySelectorAll('#trials-table tbody tr')].map(tr => tr.children[index].textContent);
}, key);

const isSorted = (values, direction) => values.every((v, k) => k === 0 ||
  (Number(values[k - 1]) - Number(v)) * direction <= 0);

async function testServer(page, overview) {
  const names = overview.runs.map(r => r.name);
  const index = name => names.indexOf(name);
  const run = name => overview.runs[index(name)];

  // Overview: every run, with its trials and status.
  await page.goto(url + '#overview');
  await page.waitForFunction(n => document.querySelectorAll('#runs-table tbody tr').length === n, names.length);
  const rows = await page.$$eval('#runs-table tbody tr', trs => trs.map(tr => [...tr.children].map(td =>
    td.textContent)));
  check(rows.length === names.length && rows.every((r, k) => r[0] === names[k]),
    `overview lists the ${names.length} runs by name`);
  check(rows.every((r, k) => !overview.runs[k].budget ||
    r[5] === `${overview.runs[k].trials} / ${overview.runs[k].budget}`), 'overview: trials done of the budget per run');
  const hyperband = run('runs/hyperband');
  check(rows[index('runs/hyperband')][5] === `${hyperband.trials} (${hyperband.cost_epochs} of ${hyperband.max_epochs} ` +
    'epochs)', `overview: a multi-fidelity search's epochs of its budget (${rows[index('runs/hyperband')][5]})`);
  check(/^running \(pid \d+\)$/.test(rows[index('runs/live')][4]), 'overview: the live search is running ' +
    `with its lock's pid (${rows[index('runs/live')][4]})`);
  check(rows[index('runs/local')][4] === 'finished', 'overview: a search at its budget is finished');
  await screenshot(page, 'overview');

  // The incumbent: one point per trial; the three seeds as one median with a band.
  await showView(page, 'incumbent');
  const incumbent = await page.evaluate(() => Chart.getChart('incumbent-chart').data.datasets.map(d =>
    ({label: d.label, points: d.data.length, last: d.data.length ? d.data[d.data.length - 1].y : null})));
  const local = incumbent.find(d => d.label === 'runs/local');
  check(local && local.points === run('runs/local').trials,
    `incumbent chart: one point per trial (${local && local.points} of ${run('runs/local').trials})`);
  check(local && Math.abs(local.last - run('runs/local').best.value) < 1e-9,
    'incumbent chart ends at the run\'s answer');
  check(incumbent.some(d => d.label === 'random (3 seeds) median'),
    'incumbent chart: runs differing only by seed drawn as a median with quartiles');
  await page.selectOption('#incumbent-axis', 'seconds');
  const costAxis = await page.evaluate(() => Chart.getChart('incumbent-chart').options.scales.x.title.text);
  check(costAxis === 'cost (seconds)', 'incumbent chart against cost');
  await screenshot(page, 'incumbent');

  // The trial table: every trial, sorting both ways, a trial's details.
  await showView(page, 'trials');
  await selectRun(page, 'trials-run', 'runs/hyperband');
  const trialCount = run('runs/hyperband').trials;
  await page.waitForFunction(n => document.querySelectorAll('#trials-table tbody tr').length === n, trialCount);
  check(true, `trial table has every trial (${trialCount})`);
  await page.click('#trials-table th[data-key="accuracy"]');
  const ascending = await columnValues(page, 'accuracy');
  await page.click('#trials-table th[data-key="accuracy"]');
  const descending = await columnValues(page, 'accuracy');
  check(ascending.length === trialCount && isSorted(ascending, 1), 'trial table sorts by accuracy, ascending');
  check(isSorted(descending, -1) && descending[0] === ascending[ascending.length - 1], '... and descending');
  await page.fill('#trials-filter', 'promoted');
  const promoted = await page.$$eval('#trials-table tbody tr', trs => trs.length);
  check(promoted > 0 && promoted < trialCount, `trial table filters (${promoted} promoted trials)`);
  await page.fill('#trials-filter', '');
  await page.click('#trials-table tbody tr:first-child');
  await page.waitForSelector('#trial-detail svg.cell-graph');
  check((await page.$$('#trial-detail svg.cell-graph path')).length > 0, 'a trial\'s details: its cell drawn as a graph');
  await screenshot(page, 'trials');

  // A trial appended to a running search's trials.jsonl shows within 2 s, without a reload.
  await selectRun(page, 'trials-run', 'runs/live');
  await page.evaluate(() => { window.notReloaded = true; });
  const before = await page.$$eval('#trials-table tbody tr', trs => trs.length);
  const line = JSON.stringify({trial: 1, arch: '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|' +
    'nor_conv_3x3~1|nor_conv_3x3~2|', ok: true, accuracy: 42.5, seconds: 1, propose_seconds: 0}) + '\n';
  const appended = Date.now();
  fs.appendFileSync(path.join(runsDir, 'live', 'trials.jsonl'), line);
  let shown = true;
  try {
    await page.waitForFunction(n => document.querySelectorAll('#trials-table tbody tr').length === n + 1, before,
      {timeout: 2000});
  } catch (error) {
    shown = false;
  }
  const seconds = (Date.now() - appended) / 1000;
  check(shown && await page.evaluate(() => window.notReloaded === true),
    `an appended trial shows in ${seconds.toFixed(2)} s without a reload`);

  // The Pareto view: the front meta_test pareto computes.
  await showView(page, 'pareto');
  await selectRun(page, 'pareto-run', 'runs/nsga2');
  await page.waitForFunction(() => Chart.getChart('pareto-chart') !== undefined);
  const pareto = await page.evaluate(() => Chart.getChart('pareto-chart').data.datasets.map(d => d.data.length));
  check(pareto[0] === Number(paretoFrontSize) && pareto[1] === run('runs/nsga2').trials,
    `Pareto view: the front (${pareto[0]} trials; meta_test pareto: ${paretoFrontSize}) among ${pareto[1]} points`);
  const hypervolume = await page.evaluate(() => Chart.getChart('hypervolume-chart').data.datasets[0].data.length);
  check(hypervolume === run('runs/nsga2').trials, 'hypervolume over time, one value per trial');
  await screenshot(page, 'pareto');

  // Multi-fidelity: brackets, rungs, promotions.
  await showView(page, 'fidelity');
  await selectRun(page, 'fidelity-run', 'runs/hyperband');
  const rungRows = await page.$$eval('#rung-table tbody tr', trs => trs.length);
  const note = await page.textContent('#fidelity-note');
  check(rungRows > 3 && /\d+ promotions/.test(note) && !/ 0 promotions/.test(note),
    `fidelity view: ${rungRows} bracket/rung rows, ${note}`);
  await screenshot(page, 'fidelity');

  // Parallel: a timeline bar per trial on its worker.
  await showView(page, 'workers');
  await selectRun(page, 'workers-run', 'runs/parallel');
  await page.waitForFunction(() => Chart.getChart('workers-chart') !== undefined);
  const timeline = await page.evaluate(() => ({bars: Chart.getChart('workers-chart').data.datasets[0].data.length,
    workers: Chart.getChart('workers-chart').data.labels}));
  const parallelTrials = JSON.parse((await rawGet(url, `/api/runs/${index('runs/parallel')}/trials`)).body).trials;
  const workers = [...new Set(parallelTrials.map(t => t.worker))].sort();  // which ran trials depends on timing
  check(timeline.bars === run('runs/parallel').trials && JSON.stringify(timeline.workers) === JSON.stringify(workers),
    `workers view: ${timeline.bars} trials on ${timeline.workers.join(', ')}`);
  await screenshot(page, 'workers');

  // meta_train outputs.
  await showView(page, 'meta');
  const meta = await page.textContent('#meta-list');
  check(overview.artifacts.length === 3 && meta.includes('1800') && meta.includes('task_spearman_within'),
    'meta-training view: the meta-dataset (1800 results) and the checkpoints\' metrics');
  const fit = overview.artifacts.findIndex(a => a.name === 'fit');
  const epochs = await page.evaluate(k => Chart.getChart('meta-' + k).data.datasets.map(d => d.data.length), fit);
  check(epochs.length === 4 && epochs.every(n => n === 3), `a fit's losses and held-out metrics per epoch (${epochs})`);
  await screenshot(page, 'meta');
  return rows;
}

async function testReport(browser, liveRows, overview) {
  const context = await browser.newContext();
  const external = [];
  await context.route('**/*', route => {
    if (route.request().url().startsWith('file:')) return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
  await context.setOffline(true);
  const page = await context.newPage();
  watch(page);
  await page.goto('file://' + path.resolve(reportPath) + '#overview');
  await page.waitForSelector('#runs-table tbody tr');
  const rows = await page.$$eval('#runs-table tbody tr', trs => trs.map(tr => [...tr.children].map(td =>
    td.textContent)));
  const finished = liveRows.map((r, k) => [r, rows[k]]).filter(([r]) => r[0] !== 'runs/live');
  check(rows.length === liveRows.length && finished.every(([a, b]) => JSON.stringify(a) === JSON.stringify(b)),
    'the static report shows the same overview numbers as the live page');
  await page.evaluate(() => { location.hash = 'incumbent'; });
  const points = await page.evaluate(() => Chart.getChart('incumbent-chart').data.datasets
    .find(d => d.label === 'runs/local').data.length);
  const local = overview.runs.find(r => r.name === 'runs/local');
  check(points === local.trials, 'the report\'s incumbent chart has one point per trial');
  check(external.length === 0, `the report makes no network request (${external.length}: ${external.join(' ')})`);
  await context.close();
}

async function testSecurity(overview) {
  const local = overview.runs.findIndex(r => r.name === 'runs/local');
  const file = p => `/api/runs/${local}/files/${p}`;
  check((await rawGet(url, file('config.json'))).status === 200, 'a run directory\'s file is served');
  for (const bad of ['../../../../etc/passwd', '%2e%2e/%2e%2e/%2e%2e/etc/passwd', 'link_out',
    '..%2f..%2f..%2fetc%2fpasswd', '/etc/passwd'])
    check((await rawGet(url, file(bad))).status === 404, `refused: ${bad}`);
  check((await rawGet(url, '/etc/passwd')).status === 404, 'refused: an unknown route');
  check((await rawGet(url, '/api/runs/99/trials')).status === 404, 'refused: an unknown run');
  check((await rawGet(url, '/api/overview', {method: 'POST'})).status === 405, 'refused: a POST (read-only)');
  check((await rawGet(url, '/api/overview', {host: 'evil.example:8050'})).status === 403,
    'refused: a Host header naming another machine (DNS rebinding)');
  const page = await rawGet(url, '/');
  check(/script-src 'self'/.test(page.headers['content-security-policy'] || ''),
    'the page is served with a Content-Security-Policy');
  const withToken = new URL(tokenUrl);
  const token = withToken.searchParams.get('token');
  check(token === 's3cret token', 'the printed address carries the token, URL-encoded');
  check((await rawGet(tokenUrl, '/api/overview')).status === 401, 'refused: a data request without the token');
  check((await rawGet(tokenUrl, '/api/overview?token=wrong')).status === 401, 'refused: a wrong token');
  check((await rawGet(tokenUrl, '/api/overview?token=' + encodeURIComponent(token))).status === 200,
    'served: a data request with the token');
}

const browser = await chromium.launch({executablePath: process.env.TNAS_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox']});
try {
  const overview = await overviewOf(url);
  const page = await browser.newPage({viewport: {width: 1280, height: 860}});
  watch(page);
  const liveRows = await testServer(page, overview);
  await testReport(browser, liveRows, overview);
  await testSecurity(overview);
} finally {
  await browser.close();
}
check(consoleErrors.length === 0, `no JavaScript console error (${consoleErrors.join(' | ')})`);
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all dashboard checks passed');
