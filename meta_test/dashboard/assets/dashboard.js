// tnas dashboard: one script for the live page (polls the server's /api) and the static report (reads the
// data inlined in <script id="tnas-report-data">). Every value from a run directory reaches the page through
// textContent or escapeHtml: a run directory is data, never markup.
'use strict';

const POLL_MILLISECONDS = 1000;
const TABLE_ROW_LIMIT = 5000;
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
  '#bcbd22', '#17becf'];

const reportData = document.getElementById('tnas-report-data');
const token = new URLSearchParams(location.search).get('token');
const state = {
  runs: [],          // overviews, in the server's order
  artifacts: [],     // meta-datasets and checkpoint folders
  trials: [],        // per run: its trials as recorded
  generation: [],    // per run: how often its trials.jsonl was replaced
  hypervolume: [],   // per run: hypervolume per trial (multi-objective)
  version: 0,        // bumped whenever anything changed: views re-render only then
  rendered: {},      // view -> version it shows
  sort: {key: 'trial', direction: 1},
  selectedTrial: null,
  charts: {},
};

// ---------- small helpers ----------

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;',
    '\'': '&#39;'}[c]));
}

function formatNumber(value, digits = 4) {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(digits)).toString();
}

function formatSeconds(seconds) {
  if (!(seconds > 0)) return '0 s';
  if (seconds < 60) return formatNumber(seconds, 3) + ' s';
  if (seconds < 3600) return (seconds / 60).toFixed(1) + ' min';
  return (seconds / 3600).toFixed(2) + ' h';
}

function color(index) { return PALETTE[index % PALETTE.length]; }

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

// Makes (or updates in place) the chart on canvas `id`: updating keeps the page from flickering on polls.
function drawChart(id, config) {
  config.options = Object.assign({animation: false, maintainAspectRatio: false, responsive: true},
    config.options || {});
  const existing = state.charts[id];
  if (existing && existing.config.type === config.type) {
    existing.data = config.data;
    existing.options = config.options;
    existing.update('none');
    return existing;
  }
  if (existing) existing.destroy();
  state.charts[id] = new Chart(document.getElementById(id), config);
  return state.charts[id];
}

// ---------- what the trials say ----------

function trialValue(trial) { return typeof trial.accuracy === 'number' ? trial.accuracy : null; }
function trialCost(trial) {
  return typeof trial.cost_seconds === 'number' ? trial.cost_seconds : (trial.seconds || 0);
}
function trialFidelity(trial) { return trial.fidelity_epochs || 0; }
function isFeasible(trial) { return trial.feasible !== false; }

// The incumbent after every trial, as the search computes it (meta_test/search/run_directory.h): the best
// accuracy at the highest fidelity evaluated so far, never a failed or infeasible trial.
function incumbentSeries(trials) {
  let best = null, bestFidelity = -1, seconds = 0, epochs = 0;
  return trials.map((trial, index) => {
    seconds += trialCost(trial);
    epochs += trial.epochs || 0;
    const value = trialValue(trial);
    if (trial.ok && isFeasible(trial) && value !== null) {
      const fidelity = trialFidelity(trial);
      if (fidelity > bestFidelity || (fidelity === bestFidelity && value > best)) {
        best = value;
        bestFidelity = fidelity;
      }
    }
    return {evaluations: index + 1, seconds, epochs, value: best};
  });
}

function objectiveValue(trial, spec) {
  if (trial.objectives && typeof trial.objectives[spec.name] === 'number') return trial.objectives[spec.name];
  const metric = trial.metrics && trial.metrics[spec.metric];
  return typeof metric === 'number' ? metric : (typeof trial[spec.metric] === 'number' ? trial[spec.metric] : null);
}

// The non-dominated feasible trials of a multi-objective run over its first two objectives' directions (all).
function paretoFront(trials, specs) {
  const points = trials.filter(t => t.ok && isFeasible(t))
    .map(t => ({trial: t, values: specs.map(s => objectiveValue(t, s))}))
    .filter(p => p.values.every(v => v !== null));
  const better = (a, b, k) => specs[k].maximize ? a > b : a < b;
  const dominates = (a, b) => specs.every((s, k) => a.values[k] === b.values[k] || better(a.values[k],
    b.values[k], k)) && specs.some((s, k) => better(a.values[k], b.values[k], k));
  return {points, front: points.filter(p => !points.some(q => dominates(q, p)))};
}

// "round R bracket B rung G: ..." (the multi-fidelity methods' proposal notes).
function rungOf(trial) {
  const match = /bracket (\d+) rung (\d+): (.*)$/.exec(trial.proposal || '');
  return match ? {bracket: Number(match[1]), rung: Number(match[2]), promoted: /promoted/.test(match[3])} : null;
}

// ---------- data: the server, or the report's inlined snapshot ----------

async function api(path) {
  const url = path + (token ? (path.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : '');
  const response = await fetch(url, {cache: 'no-store'});
  if (!response.ok) throw new Error(url + ': ' + response.status);
  return response.json();
}

function acceptOverview(overview) {
  state.runs = overview.runs;
  state.artifacts = overview.artifacts;
}

async function poll() {
  try {
    const overview = await api('api/overview');
    let changed = JSON.stringify(overview) !== JSON.stringify({runs: state.runs, artifacts: state.artifacts});
    acceptOverview(overview);
    const requests = state.runs.map(async (run, index) => {  // the runs' new trials, fetched side by side
      if (state.generation[index] !== run.generation) {
        state.trials[index] = [];
        state.generation[index] = run.generation;
      }
      const have = state.trials[index].length;
      if (run.trials <= have) return false;
      const detail = await api(`api/runs/${index}/trials?from=${have}`);
      state.trials[index] = state.trials[index].concat(detail.trials);
      state.hypervolume[index] = detail.hypervolume;
      return true;
    });
    if ((await Promise.all(requests)).some(Boolean)) changed = true;
    if (changed) ++state.version;
    // How many trials the page holds (what tests and bench/dashboard_load.mjs wait for).
    document.body.dataset.trials = state.trials.reduce((sum, trials) => sum + trials.length, 0);
    document.getElementById('problem').textContent = '';
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (error) {
    document.getElementById('problem').textContent = 'cannot reach the dashboard server (' + error.message + ')';
  }
  render();
  setTimeout(poll, POLL_MILLISECONDS);
}

function loadReport() {
  const snapshot = JSON.parse(reportData.textContent);
  acceptOverview(snapshot);
  state.runs.forEach((run, index) => {
    state.trials[index] = run.detail.trials;
    state.hypervolume[index] = run.detail.hypervolume;
  });
  state.version = 1;
  document.body.dataset.trials = state.trials.reduce((sum, trials) => sum + trials.length, 0);
  document.getElementById('mode').textContent = 'static report';
  document.getElementById('updated').textContent = 'written ' + (snapshot.written || '');
  render();
}

// ---------- views ----------

function currentView() {
  const name = location.hash.replace('#', '') || 'overview';
  return document.getElementById('view-' + name) ? name : 'overview';
}

function render() {
  const view = currentView();
  for (const link of document.querySelectorAll('#tabs a'))
    link.classList.toggle('active', link.dataset.view === view);
  for (const section of document.querySelectorAll('main > section'))
    section.hidden = section.id !== 'view-' + view;
  fillRunSelectors();
  if (state.rendered[view] === state.version) return;
  state.rendered[view] = state.version;
  ({overview: renderOverview, incumbent: renderIncumbent, trials: renderTrials, pareto: renderPareto,
    fidelity: renderFidelity, workers: renderWorkers, meta: renderMeta})[view]();
}

function invalidate() {
  state.rendered = {};
  render();
}

// Each view's run selector lists the runs that view applies to.
const RUN_FILTERS = {
  'trials-run': () => true,
  'pareto-run': run => Array.isArray(run.objectives),
  'fidelity-run': (run, index) => state.trials[index].some(t => rungOf(t) || trialFidelity(t) > 0),
  'workers-run': (run, index) => state.trials[index].some(t => t.worker),
};

function fillRunSelectors() {
  for (const [id, applies] of Object.entries(RUN_FILTERS)) {
    const select = document.getElementById(id);
    const wanted = state.runs.map((run, index) => [run, index]).filter(([run, index]) =>
      state.trials[index] && applies(run, index));
    const signature = wanted.map(([run, index]) => index).join(',');
    if (select.dataset.signature === signature) continue;
    const previous = select.value;
    select.replaceChildren(...wanted.map(([run, index]) => {
      const option = document.createElement('option');
      option.value = index;
      option.textContent = run.name;
      return option;
    }));
    if (wanted.some(([run, index]) => String(index) === previous)) select.value = previous;
    select.dataset.signature = signature;
  }
}

function selectedRun(id) {
  const value = document.getElementById(id).value;
  return value === '' ? null : Number(value);
}

function renderOverview() {
  const table = document.getElementById('runs-table');
  document.getElementById('runs-empty').hidden = state.runs.length > 0;
  const header = ['run', 'space', 'method', 'objective', 'status', 'trials', 'failed', 'best', 'elapsed', 'cost'];
  const rows = state.runs.map(run => {
    const objective = Array.isArray(run.objectives)
      ? run.objectives.map(o => o.name + (o.maximize ? ' (max)' : ' (min)')).join(', ') : (run.objective || '');
    const status = run.status + (run.pid ? ' (pid ' + run.pid + ')' : '');
    const best = run.best ? formatNumber(run.best.value) + ' (trial ' + run.best.trial + ')' : '';
    const cost = formatSeconds(run.cost_seconds) + (run.cost_epochs ? ', ' + run.cost_epochs + ' epochs' : '');
    return `<tr><td>${escapeHtml(run.name)}${run.error ? ' <span class="failed">' + escapeHtml(run.error) +
      '</span>' : ''}</td><td>${escapeHtml(run.space || '')}</td><td>${escapeHtml(run.method || '')}</td>` +
      `<td>${escapeHtml(objective)}</td><td class="status-${escapeHtml(run.status)}">${escapeHtml(status)}</td>` +
      `<td class="num">${escapeHtml(progressText(run))}</td><td class="num">${run.failed}</td>` +
      `<td class="num">${escapeHtml(best)}</td><td class="num">${formatSeconds(run.elapsed_seconds)}</td>` +
      `<td class="num">${escapeHtml(cost)}</td></tr>`;
  });
  table.innerHTML = '<thead><tr>' + header.map(h => `<th>${h}</th>`).join('') + '</tr></thead><tbody>' +
    rows.join('') + '</tbody>';
}

// Trials done of the budget, and of a multi-fidelity search's epochs or a cost budget.
function progressText(run) {
  const limits = [];
  if (run.max_epochs) limits.push(`${run.cost_epochs} of ${run.max_epochs} epochs`);
  if (run.max_seconds) limits.push(`${formatSeconds(run.cost_seconds)} of ${formatSeconds(run.max_seconds)}`);
  return run.trials + (run.budget ? ' / ' + run.budget : '') + (limits.length ? ' (' + limits.join(', ') + ')' : '');
}

// Groups of runs that differ only by seed: one median line with a quartile band; a run alone is its own line.
function runGroups() {
  const groups = new Map();
  state.runs.forEach((run, index) => {
    const key = run.group || ('run ' + index);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(index);
  });
  return [...groups.values()];
}

function renderIncumbent() {
  const axis = document.getElementById('incumbent-axis').value;
  const datasets = [];
  runGroups().forEach((members, groupIndex) => {
    const series = members.map(index => incumbentSeries(state.trials[index] || []));
    const lineColor = color(groupIndex);
    if (members.length === 1) {
      datasets.push({label: state.runs[members[0]].name, data: series[0].map(p => ({x: p[axis], y: p.value})),
        borderColor: lineColor, backgroundColor: lineColor, stepped: true, pointRadius: 2, borderWidth: 1.5});
      return;
    }
    // Median and quartiles per evaluation (or, on a cost axis, at each run's own points' cost, taken at the
    // median cost of that evaluation across the runs).
    const length = Math.max(...series.map(s => s.length));
    const median = [], lower = [], upper = [];
    for (let k = 0; k < length; ++k) {
      const values = series.map(s => s[k] && s[k].value).filter(v => v !== null && v !== undefined).sort((a, b) => a - b);
      const xs = series.map(s => s[k] && s[k][axis]).filter(v => v !== undefined).sort((a, b) => a - b);
      const x = quantile(xs, 0.5);
      median.push({x, y: quantile(values, 0.5)});
      lower.push({x, y: quantile(values, 0.25)});
      upper.push({x, y: quantile(values, 0.75)});
    }
    const name = state.runs[members[0]].method + ' (' + members.length + ' seeds)';
    datasets.push({label: name + ' 25 %', data: lower, borderColor: 'transparent', pointRadius: 0, stepped: true});
    datasets.push({label: name + ' 75 %', data: upper, borderColor: 'transparent', pointRadius: 0, stepped: true,
      fill: '-1', backgroundColor: lineColor + '33'});
    datasets.push({label: name + ' median', data: median, borderColor: lineColor, backgroundColor: lineColor,
      pointRadius: 0, stepped: true, borderWidth: 2});
  });
  drawChart('incumbent-chart', {
    type: 'line', data: {datasets},
    options: {parsing: true, scales: {x: {type: 'linear', title: {display: true, text: axisTitle(axis)}},
      y: {title: {display: true, text: 'incumbent (accuracy %)'}}},
      plugins: {legend: {labels: {filter: item => !/ (25|75) %$/.test(item.text)}}}},
  });
}

function axisTitle(axis) {
  return {evaluations: 'evaluations', seconds: 'cost (seconds)', epochs: 'cost (epochs)'}[axis];
}

const TRIAL_COLUMNS = [
  {key: 'trial', title: 'trial', value: t => t.trial, numeric: true},
  {key: 'status', title: 'status', value: t => t.ok ? (isFeasible(t) ? 'ok' : 'infeasible') : 'failed: ' +
    (t.error || 'unknown')},
  {key: 'accuracy', title: 'accuracy', value: t => trialValue(t), numeric: true},
  {key: 'fidelity', title: 'fidelity', value: t => t.fidelity_epochs, numeric: true},
  {key: 'cost', title: 'cost (s)', value: t => trialCost(t), numeric: true},
  {key: 'epochs', title: 'epochs', value: t => t.epochs, numeric: true},
  {key: 'proposal', title: 'proposal', value: t => t.proposal || ''},
  {key: 'worker', title: 'worker', value: t => t.worker || ''},
  {key: 'arch', title: 'configuration', value: t => t.arch},
];

function renderTrials() {
  const run = selectedRun('trials-run');
  const table = document.getElementById('trials-table');
  const trials = run === null ? [] : state.trials[run];
  const filter = document.getElementById('trials-filter').value.trim().toLowerCase();
  const column = TRIAL_COLUMNS.find(c => c.key === state.sort.key) || TRIAL_COLUMNS[0];
  const rows = trials.map(t => ({trial: t, cells: TRIAL_COLUMNS.map(c => c.value(t))}))
    .filter(r => !filter || r.cells.some(v => v !== undefined && v !== null &&
      String(v).toLowerCase().includes(filter)));
  const index = TRIAL_COLUMNS.indexOf(column);
  rows.sort((a, b) => {
    const x = a.cells[index], y = b.cells[index];
    const missing = (x === undefined || x === null) - (y === undefined || y === null);
    if (missing) return missing;  // empty cells last in either direction
    return (column.numeric ? x - y : String(x).localeCompare(String(y))) * state.sort.direction;
  });
  const shown = rows.slice(0, TABLE_ROW_LIMIT);
  document.getElementById('trials-count').textContent = `${rows.length} of ${trials.length} trials` +
    (rows.length > shown.length ? ` (the first ${shown.length} shown: narrow the filter)` : '');
  const head = '<thead><tr>' + TRIAL_COLUMNS.map(c => `<th data-key="${c.key}"` +
    (c.key === state.sort.key ? ` data-dir="${state.sort.direction}"` : '') + `>${c.title}</th>`).join('') +
    '</tr></thead>';
  const body = shown.map(r => `<tr data-trial="${r.trial.trial}"` +
    (state.selectedTrial === r.trial.trial ? ' class="selected"' : '') + '>' + r.cells.map((v, k) => {
    const text = TRIAL_COLUMNS[k].numeric ? formatNumber(v) : escapeHtml(v === undefined ? '' : v);
    const css = TRIAL_COLUMNS[k].numeric ? 'num' : (TRIAL_COLUMNS[k].key === 'arch' ? 'arch' :
      (String(v).startsWith('failed') ? 'failed' : ''));
    return `<td class="${css}">${text}</td>`;
  }).join('') + '</tr>').join('');
  table.innerHTML = head + '<tbody>' + body + '</tbody>';
  renderTrialDetail(trials.find(t => t.trial === state.selectedTrial));
}

// An NB201 cell string "|op~0|+|op~0|op~1|+|op~0|op~1|op~2|" as its DAG: nodes 0..3, an edge j -> i per op.
function nb201Edges(arch) {
  const cell = arch.split(';')[0];
  if (!/^\|.*\|$/.test(cell)) return null;
  const edges = [];
  const nodes = cell.split('+');
  for (let target = 0; target < nodes.length; ++target) {
    for (const part of nodes[target].split('|').filter(Boolean)) {
      const [op, source] = part.split('~');
      if (source === undefined) return null;
      edges.push({source: Number(source), target: target + 1, op});
    }
  }
  return edges.length ? edges : null;
}

function cellGraphSvg(edges) {
  const width = 520, height = 220, y = 150, x = node => 50 + node * 140;
  const parts = [`<svg class="cell-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    'xmlns="http://www.w3.org/2000/svg">'];
  for (const edge of edges) {
    if (edge.op === 'none') continue;  // a zero edge carries nothing: not drawn
    const x1 = x(edge.source), x2 = x(edge.target), span = edge.target - edge.source;
    const lift = span * 30, middle = (x1 + x2) / 2;
    const edgeColor = edge.op.includes('conv') ? '#1f77b4' : (edge.op.includes('pool') ? '#2ca02c' : '#7f7f7f');
    parts.push(`<path d="M ${x1} ${y} Q ${middle} ${y - 2 * lift} ${x2} ${y}" fill="none" stroke="${edgeColor}" ` +
      'stroke-width="2"/>');
    parts.push(`<text x="${middle}" y="${y - lift - 4}" text-anchor="middle" fill="${edgeColor}">` +
      `${escapeHtml(edge.op)}</text>`);
  }
  for (let node = 0; node < 4; ++node) {
    parts.push(`<circle cx="${x(node)}" cy="${y}" r="16" fill="#fff" stroke="#243447" stroke-width="2"/>`);
    parts.push(`<text x="${x(node)}" y="${y + 4}" text-anchor="middle">${node}</text>`);
  }
  parts.push(`<text x="10" y="${height - 8}" fill="#5b6773">none edges omitted; node 0 is the input, ` +
    'node 3 the output</text></svg>');
  return parts.join('');
}

function keyValueTable(entries) {
  return '<table class="grid facts">' + entries.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th>` +
    `<td class="num">${escapeHtml(formatNumber(value))}</td></tr>`).join('') + '</table>';
}

// Numbers of a trial record worth showing (metrics, objectives, details, latency), flattened to "a.b" keys.
function trialMetrics(trial) {
  const out = [];
  const walk = (prefix, value) => {
    if (typeof value === 'number' || typeof value === 'boolean') out.push([prefix, value]);
    else if (value && typeof value === 'object' && !Array.isArray(value))
      for (const [key, inner] of Object.entries(value)) walk(prefix ? prefix + '.' + key : key, inner);
  };
  for (const [key, value] of Object.entries(trial))
    if (!['arch', 'proposal', 'worker', 'error'].includes(key)) walk(key, value);
  return out;
}

function renderTrialDetail(trial) {
  const box = document.getElementById('trial-detail');
  if (!trial) {
    box.innerHTML = '<p class="note">Click a trial to see its cell, metrics and learning curve.</p>';
    return;
  }
  const parts = [];
  const edges = nb201Edges(trial.arch);
  parts.push(`<div><h3>trial ${trial.trial}</h3><p class="arch">${escapeHtml(trial.arch)}</p>` +
    (edges ? cellGraphSvg(edges) : '') + (trial.error ? `<p class="failed">${escapeHtml(trial.error)}</p>` : '') +
    (trial.proposal ? `<p class="note">${escapeHtml(trial.proposal)}</p>` : '') + '</div>');
  const hyperparameters = trial.arch.split(';').slice(1).map(part => part.split('='));
  if (hyperparameters.length)
    parts.push('<div><h3>hyperparameters</h3>' + keyValueTable(hyperparameters) + '</div>');
  parts.push('<div><h3>metrics</h3>' + keyValueTable(trialMetrics(trial)) + '</div>');
  const curve = trial.details && Array.isArray(trial.details.curve) ? trial.details.curve : null;
  const run = selectedRun('trials-run');
  const sameCell = state.trials[run].filter(t => t.arch === trial.arch && t.ok && trialFidelity(t) > 0);
  if (curve || sameCell.length > 1)
    parts.push('<div style="flex:1"><h3>learning curve</h3><div class="chart small">' +
      '<canvas id="curve-chart"></canvas></div></div>');
  box.innerHTML = parts.join('');
  if (state.charts['curve-chart']) {
    state.charts['curve-chart'].destroy();
    delete state.charts['curve-chart'];
  }
  if (curve) {
    drawChart('curve-chart', {type: 'line', data: {datasets: [
      {label: 'validation accuracy', data: curve.map(e => ({x: e.epoch, y: e.valid_acc})), borderColor: color(0)},
      {label: 'test accuracy', data: curve.map(e => ({x: e.epoch, y: e.test_acc})), borderColor: color(1)}]},
      options: {scales: {x: {type: 'linear', title: {display: true, text: 'epoch'}}}}});
  } else if (sameCell.length > 1) {
    drawChart('curve-chart', {type: 'line', data: {datasets: [{label: 'accuracy at each fidelity evaluated',
      data: sameCell.map(t => ({x: trialFidelity(t), y: trialValue(t)})).sort((a, b) => a.x - b.x),
      borderColor: color(0)}]}, options: {scales: {x: {type: 'linear', title: {display: true, text: 'epochs'}}}}});
  }
}

function renderPareto() {
  const run = selectedRun('pareto-run');
  const note = document.getElementById('pareto-note');
  if (run === null) {
    note.textContent = 'No multi-objective run (meta_test search --objectives A,B).';
    return;
  }
  const specs = state.runs[run].objectives;
  const {points, front} = paretoFront(state.trials[run], specs);
  const name = s => s.name + (s.maximize ? ' (max)' : ' (min)');
  note.textContent = `${front.length} of ${points.length} feasible trials on the front` +
    (specs.length > 2 ? ` (drawn: ${specs[0].name} and ${specs[1].name} of ${specs.length} objectives)` : '');
  const xy = p => ({x: p.values[0], y: p.values[1], trial: p.trial.trial});
  drawChart('pareto-chart', {type: 'scatter', data: {datasets: [
    {label: 'Pareto front', data: front.map(xy).sort((a, b) => a.x - b.x), backgroundColor: color(1),
      borderColor: color(1), showLine: true, stepped: true, pointRadius: 4, order: 0},
    {label: 'all trials', data: points.map(xy), backgroundColor: '#9aa5b1', pointRadius: 2.5, order: 1}]},
  options: {scales: {x: {title: {display: true, text: name(specs[0])}},
    y: {title: {display: true, text: name(specs[1])}}},
  plugins: {tooltip: {callbacks: {label: item => `trial ${item.raw.trial}: ${formatNumber(item.raw.x)}, ` +
    formatNumber(item.raw.y)}}}}});
  const hypervolume = state.hypervolume[run] || [];
  drawChart('hypervolume-chart', {type: 'line', data: {datasets: [{label: 'hypervolume',
    data: hypervolume.map((v, k) => ({x: k + 1, y: v})), borderColor: color(0), pointRadius: 0, stepped: true}]},
  options: {scales: {x: {type: 'linear', title: {display: true, text: 'evaluations'}}}}});
}

function renderFidelity() {
  const run = selectedRun('fidelity-run');
  const note = document.getElementById('fidelity-note');
  const table = document.getElementById('rung-table');
  if (run === null) {
    note.textContent = 'No multi-fidelity run (sh, hyperband, bohb, tnas-hb).';
    table.innerHTML = '';
    return;
  }
  const trials = state.trials[run];
  const cells = new Map();  // "bracket/rung" -> {bracket, rung, trials, promoted, fidelity, best}
  for (const trial of trials) {
    const place = rungOf(trial) || {bracket: 0, rung: 0, promoted: false};
    const key = place.bracket + '/' + place.rung;
    if (!cells.has(key)) cells.set(key, {...place, trials: 0, promoted: 0, fidelities: new Set(), best: null});
    const cell = cells.get(key);
    ++cell.trials;
    cell.promoted += place.promoted ? 1 : 0;
    cell.fidelities.add(trialFidelity(trial));
    const value = trialValue(trial);
    if (trial.ok && value !== null && (cell.best === null || value > cell.best)) cell.best = value;
  }
  const rows = [...cells.values()].sort((a, b) => b.bracket - a.bracket || a.rung - b.rung);
  note.textContent = `${trials.length} trials in ${new Set(rows.map(r => r.bracket)).size} brackets; ` +
    `${rows.reduce((s, r) => s + r.promoted, 0)} promotions`;
  table.innerHTML = '<thead><tr><th>bracket</th><th>rung</th><th>epochs</th><th>trials</th><th>promoted into it' +
    '</th><th>best accuracy</th></tr></thead><tbody>' + rows.map(r => `<tr><td class="num">${r.bracket}</td>` +
    `<td class="num">${r.rung}</td><td class="num">${[...r.fidelities].join(', ')}</td>` +
    `<td class="num">${r.trials}</td><td class="num">${r.promoted}</td><td class="num">${formatNumber(r.best)}` +
    '</td></tr>').join('') + '</tbody>';
  const brackets = [...new Set(rows.map(r => r.bracket))].sort((a, b) => a - b);
  drawChart('fidelity-chart', {type: 'scatter', data: {datasets: brackets.map((bracket, k) => ({
    label: 'bracket ' + bracket, backgroundColor: color(k), pointRadius: 3,
    data: trials.filter(t => t.ok && (rungOf(t) || {bracket: 0}).bracket === bracket)
      .map(t => ({x: trialFidelity(t), y: trialValue(t)}))}))},
  options: {scales: {x: {type: 'logarithmic', title: {display: true, text: 'fidelity (epochs)'}},
    y: {title: {display: true, text: 'accuracy %'}}}}});
}

// A parallel search's workers over time: each trial a bar from its start to its end (finished_at minus its
// duration), one row per worker.
function renderWorkers() {
  const run = selectedRun('workers-run');
  const note = document.getElementById('workers-note');
  if (run === null) {
    note.textContent = 'No parallel run (meta_test search --workers N).';
    return;
  }
  const trials = state.trials[run].filter(t => t.worker && typeof t.finished_at === 'number');
  const start = Math.min(...trials.map(t => t.finished_at - trialCost(t)));
  const workers = [...new Set(trials.map(t => t.worker))].sort();
  note.textContent = `${trials.length} trials on ${workers.length} workers`;
  drawChart('workers-chart', {type: 'bar', data: {labels: workers, datasets: [{label: 'trial',
    data: trials.map(t => ({y: t.worker, x: [t.finished_at - trialCost(t) - start, t.finished_at - start],
      trial: t.trial})),
    backgroundColor: trials.map(t => t.ok ? color(workers.indexOf(t.worker)) : '#b3261e'),
    borderColor: '#fff', borderWidth: 1, borderSkipped: false}]},
  options: {indexAxis: 'y', scales: {x: {type: 'linear', title: {display: true, text: 'seconds since the first ' +
    'trial started'}}}, plugins: {legend: {display: false}, tooltip: {callbacks: {label: item =>
    `trial ${item.raw.trial}: ${formatNumber(item.raw.x[0], 3)} - ${formatNumber(item.raw.x[1], 3)} s`}}}}});
}

function renderMeta() {
  const list = document.getElementById('meta-list');
  document.getElementById('meta-empty').hidden = state.artifacts.length > 0;
  for (const id of Object.keys(state.charts).filter(id => id.startsWith('meta-'))) {
    state.charts[id].destroy();
    delete state.charts[id];
  }
  list.innerHTML = state.artifacts.map((artifact, index) => {
    const title = `<h3>${escapeHtml(artifact.kind === 'checkpoint' ? 'checkpoint' : 'meta-dataset')}: ` +
      `${escapeHtml(artifact.name)} <span class="note">${escapeHtml(artifact.status || '')}</span></h3>`;
    if (artifact.error) return `<div class="artifact">${title}<p class="failed">${escapeHtml(artifact.error)}</p></div>`;
    if (artifact.kind === 'meta_dataset') {
      return `<div class="artifact">${title}` + keyValueTable([['tasks', artifact.tasks], ['cells', artifact.archs],
        ['results', artifact.results], ['search space', artifact.search_space], ['protocol', artifact.protocol],
        ['created by', artifact.created_by]]) +
        '<table class="grid"><thead><tr><th>source</th><th>format</th><th>images</th><th>classes</th>' +
        '<th>protocol</th><th>tasks</th><th>results</th></tr></thead><tbody>' + artifact.sources.map(s =>
        `<tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.format)}</td><td class="num">${s.images}</td>` +
        `<td class="num">${s.classes}</td><td>${escapeHtml(s.protocol)}</td><td class="num">${s.tasks}</td>` +
        `<td class="num">${s.results}</td></tr>`).join('') + '</tbody></table>' +
        `<div class="chart small"><canvas id="meta-${index}"></canvas></div></div>`;
    }
    const manifest = artifact.manifest || {};
    const fit = manifest.fit || {};
    const facts = [['meta-dataset', fit.meta_dataset], ['epochs', fit.epochs], ['seed', fit.seed],
      ['search space', manifest.search_space], ['tnas', manifest.tnas_version]];
    const metrics = Object.entries(manifest.metrics || {}).filter(([k, v]) => typeof v === 'number');
    return `<div class="artifact">${title}` + keyValueTable(facts.filter(f => f[1] !== undefined)) +
      '<h3>selected epoch</h3>' + keyValueTable(metrics) +
      (artifact.history.length ? `<div class="chart small"><canvas id="meta-${index}"></canvas></div>` :
        '<p class="note">No per-epoch history (the folder keeps no resume state).</p>') + '</div>';
  }).join('');
  state.artifacts.forEach((artifact, index) => {
    if (artifact.error || !document.getElementById('meta-' + index)) return;
    if (artifact.kind === 'meta_dataset') {
      drawChart('meta-' + index, {type: 'bar', data: {labels: artifact.tasks_by_classes.map(p => p[0]),
        datasets: [{label: 'tasks by class count', data: artifact.tasks_by_classes.map(p => p[1]),
          backgroundColor: color(0)}]}, options: {scales: {x: {title: {display: true, text: 'classes'}}}}});
    } else {
      const history = artifact.history;
      const series = (key, k, axis) => ({label: key, data: history.map(h => ({x: h.epoch, y: h[key]})),
        borderColor: color(k), yAxisID: axis, pointRadius: 1});
      drawChart('meta-' + index, {type: 'line', data: {datasets: [series('loss', 0, 'loss'),
        series('task_spearman', 1, 'rank'), series('task_spearman_within', 2, 'rank'),
        series('pair_spearman', 3, 'rank')]}, options: {scales: {x: {type: 'linear', title: {display: true,
        text: 'epoch'}}, loss: {position: 'left', title: {display: true, text: 'loss'}},
      rank: {position: 'right', title: {display: true, text: 'held-out Spearman'}}}}});
    }
  });
}

// ---------- events ----------

window.addEventListener('hashchange', render);
document.getElementById('incumbent-axis').addEventListener('change', invalidate);
document.getElementById('trials-filter').addEventListener('input', invalidate);
for (const select of document.querySelectorAll('.run-select')) select.addEventListener('change', invalidate);
document.getElementById('trials-table').addEventListener('click', event => {
  const header = event.target.closest('th');
  if (header) {
    const key = header.dataset.key;
    state.sort = {key, direction: state.sort.key === key ? -state.sort.direction : 1};
    return invalidate();
  }
  const row = event.target.closest('tr[data-trial]');
  if (row) {
    state.selectedTrial = Number(row.dataset.trial);
    invalidate();
  }
});

if (reportData) {
  loadReport();
} else {
  document.getElementById('mode').textContent = 'live';
  poll();
}
