// Page load and update time of the dashboard, measured in Debian's Chromium (bench/dashboard_load.sh).
//   node dashboard_load.mjs URL RUNS_DIR REPEATS OUT_JSON      prints a Markdown table
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {createRequire} from 'node:module';

// playwright-core lives with the browser tests (tests/browser/node_modules).
const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const {chromium} = require('playwright-core');

const [url, runsDir, repeatsText, outJson] = process.argv.slice(2);
const repeats = Number(repeatsText);

function get(requestPath) {
  const target = new URL(url);
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    http.get({hostname: target.hostname, port: target.port, path: requestPath}, response => {
      let bytes = 0;
      response.on('data', chunk => bytes += chunk.length);
      response.on('end', () => resolve({ms: Number(process.hrtime.bigint() - start) / 1e6, bytes}));
    }).on('error', reject);
  });
}

const median = values => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const overview = JSON.parse(await new Promise(resolve => http.get(url + 'api/overview', response => {
  let body = '';
  response.on('data', chunk => body += chunk);
  response.on('end', () => resolve(body));
})));
const total = overview.runs.reduce((sum, run) => sum + run.trials, 0);
const runs = overview.runs.length;
const browser = await chromium.launch({executablePath: process.env.TNAS_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox']});
const browserVersion = browser.version();
const measures = {load: [], trials_view: [], incumbent_view: [], update: [], overview_api: [], trials_api: []};
let payload = 0;
try {
  for (let repeat = 0; repeat < repeats; ++repeat) {
    const page = await browser.newPage({viewport: {width: 1280, height: 860}});
    await page.goto(url + '#overview');
    // From navigation start to every trial of every run held by the page and the overview drawn.
    await page.waitForFunction(n => Number(document.body.dataset.trials) === n &&
      document.querySelectorAll('#runs-table tbody tr').length > 0, total, {timeout: 60000});
    measures.load.push(await page.evaluate(() => performance.now()));
    // Switching views: from the click to the view drawn (all 1,250 rows of a run; 8 incumbent curves).
    for (const [view, ready, key] of [['trials', '#trials-table tbody tr', 'trials_view'],
      ['incumbent', '#incumbent-chart', 'incumbent_view']]) {
      await page.evaluate(() => { location.hash = 'overview'; });
      measures[key].push(await page.evaluate(async ([name, selector]) => {
        const start = performance.now();
        location.hash = name;
        while (!document.querySelector(`#view-${name}:not([hidden]) ${selector}`))
          await new Promise(resolve => requestAnimationFrame(resolve));
        await new Promise(resolve => requestAnimationFrame(resolve));  // the frame that shows it
        return performance.now() - start;
      }, [view, ready]));
    }
    // A trial appended to a run's trials.jsonl: until the page's trial table shows it.
    await page.evaluate(() => { location.hash = 'trials'; });
    const name = overview.runs[0].name;
    await page.selectOption('#trials-run', {label: name});
    const file = path.join(runsDir, name.split('/').slice(1).join('/'), 'trials.jsonl');
    const before = await page.$$eval('#trials-table tbody tr', trs => trs.length);
    const line = fs.readFileSync(file, 'utf8').trimEnd().split('\n').pop();
    const record = JSON.parse(line);
    record.trial += 1;
    const appended = Date.now();
    fs.appendFileSync(file, JSON.stringify(record) + '\n');
    await page.waitForFunction(n => document.querySelectorAll('#trials-table tbody tr').length === n + 1, before,
      {timeout: 10000});
    measures.update.push(Date.now() - appended);
    // Remove the appended line again (the page reads the shorter file afresh), so every repeat starts alike.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, -(JSON.stringify(record).length + 1)));
    await page.close();
    const api = await get('/api/overview');
    measures.overview_api.push(api.ms);
    let bytes = 0, ms = 0;
    for (let run = 0; run < runs; ++run) {
      const trials = await get(`/api/runs/${run}/trials?from=0`);
      bytes += trials.bytes;
      ms += trials.ms;
    }
    measures.trials_api.push(ms);
    payload = bytes + api.bytes;
  }
} finally {
  await browser.close();
}
const rows = [
  ['page load: navigation to every trial held and the overview drawn', 'load'],
  ['switch to the trial table (one run, all its rows)', 'trials_view'],
  ['switch to the incumbent chart (every run)', 'incumbent_view'],
  ['a trial appended to trials.jsonl until it shows in the table (polling every 1 s)', 'update'],
  ['server: /api/overview (re-reads every run)', 'overview_api'],
  ['server: every run\'s trials (/api/runs/N/trials, one after another)', 'trials_api'],
];
console.log(`${total} trials over ${runs} runs (${(payload / 1e6).toFixed(1)} MB of JSON at the first load); ` +
  `Chromium ${browserVersion} headless, ${repeats} repeats, times in ms\n`);
console.log('| measure | median | min | max |');
console.log('| --- | --- | --- | --- |');
for (const [title, key] of rows) {
  const values = measures[key];
  console.log(`| ${title} | ${median(values).toFixed(0)} | ${Math.min(...values).toFixed(0)} | ` +
    `${Math.max(...values).toFixed(0)} |`);
}
fs.writeFileSync(outJson, JSON.stringify({trials: total, runs, payload_bytes: payload, repeats, chromium: browserVersion,
  measures}, null, 1));
