// The tabular workbench (route `#/tabular`): a CSV in, several scikit-learn-style models trained
// in webgrad's worker, a leaderboard with a baseline, curves, a threshold with costs, and PCA.
// Everything computational is a call into the `webgrad` package; this file wires the page.
import * as wg from 'webgrad';
import { DeviceView } from '../../shared/views/deviceView';
import { parse, renderPreview, sampleText, SAMPLES } from './data';
import { renderDetail, renderLeaderboard, renderPca, type Row } from './results';
import { clearSession, loadSession, saveSession, saveSettings, type Settings } from './store';
import { baseline, DEFAULT_MODELS, MODELS, trainOne, type Prepared, type Task } from './train';
import page from './page.html?raw';
import './style.css';

document.querySelector('#workbench')!.innerHTML = page;
const tagline = document.querySelector('.tagline');
if (tagline) tagline.textContent = 'Tabular data: read a CSV, train several classic models and a small network side by side, and look past accuracy. It all runs on your machine; the data never leaves the page.';
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector(sel) as T;

const info = await wg.init({ device: 'cpu' });
const device = new DeviceView(() => {});
device.el.querySelector('select')?.setAttribute('hidden', '');
$('#device-slot').append(device.el);
device.update({ active: info.device, label: info.name, webgpuAvailable: info.webgpu.available }, 'cpu');

let frame: wg.data.DataFrame | null = null;
let settings: Settings | null = null;
let prepared: Prepared | null = null;
let rows: Row[] = [];
let selected: string | null = null;
let busy = false;

function error(msg: string | null, where: 'tab-error' | 'train-error' = 'tab-error') {
  const el = $(`#${where}`);
  el.hidden = msg === null;
  el.textContent = msg ?? '';
}

function defaults(f: wg.data.DataFrame): Settings {
  const target = f.columns[f.columns.length - 1].name;
  return {
    target, features: f.columns.filter((c) => c.name !== target && c.kind !== 'text').map((c) => c.name),
    impute: 'mean', scale: 'standard', oneHot: true, task: 'auto', testSize: 0.25, seed: 0, stratify: true,
    balanced: false, models: DEFAULT_MODELS, colorBy: 'class',
  };
}

/** Settings restored from storage, checked against this table's columns. */
function fit(s: Settings | null, f: wg.data.DataFrame): Settings {
  const d = defaults(f);
  if (!s) return d;
  const names = new Set(f.columnNames);
  const target = names.has(s.target) ? s.target : d.target;
  const features = s.features.filter((n) => names.has(n) && n !== target);
  return { ...d, ...s, target, features: features.length ? features : d.features };
}

function persist() {
  if (settings) void saveSettings(settings).catch(() => {});
}

// ---- loading ---------------------------------------------------------------------------------

async function load(input: string | Blob, name: string, restored?: Settings | null) {
  if (busy) return error(`Still busy (reading or training); load ${name} again when it is done.`);
  error(null);
  busy = true;
  try {
    const f = await parse(input, $('#progress'));
    frame?.dispose();
    frame = f;
    settings = fit(restored ?? null, f);
    error(null, 'train-error');
    $('#frame-info').textContent = `${name}: ${f.numRows} rows × ${f.columns.length} columns (delimiter “${f.delimiter === '\t' ? 'tab' : f.delimiter}”).`;
    resetResults();
    renderSetup();
    if (restored === undefined) {
      const text = typeof input === 'string' ? input : input.size < 64 * 2 ** 20 ? await input.text() : null;
      if (text !== null) await saveSession({ name, csv: text, settings }).catch(() => {});
    }
  } catch (e) {
    error(`Could not read ${name}: ${(e as Error).message}`);
  } finally {
    busy = false;
  }
}

function resetResults() {
  if (prepared) {
    const { x, y, split } = prepared;
    for (const t of [x, y, split.xTrain, split.xTest, split.yTrain, split.yTest]) t.dispose();
  }
  for (const r of rows) {
    r.result?.pred.dispose();
    r.result?.score?.dispose();
  }
  prepared = null;
  rows = [];
  selected = null;
  $('#results').hidden = true;
  $('#pca-panel').hidden = true;
}

const sample = $<HTMLSelectElement>('#sample');
for (const s of SAMPLES) sample.add(new Option(s.title, s.id));
sample.onchange = async () => {
  if (!sample.value) return;
  try {
    await load(await sampleText(sample.value), `${sample.value}.csv`);
  } catch (e) {
    error((e as Error).message);
  }
};
const fileInput = $<HTMLInputElement>('#file');
fileInput.onchange = () => {
  const f = fileInput.files?.[0];
  if (f) void load(f, f.name);
  fileInput.value = '';
};
const drop = $('#drop');
drop.ondragover = (e) => {
  e.preventDefault();
  drop.classList.add('over');
};
drop.onkeydown = (e) => {
  if (e.key === 'Enter' || e.key === ' ') fileInput.click();
};
drop.ondragleave = () => drop.classList.remove('over');
drop.ondrop = (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer?.files[0];
  if (f) void load(f, f.name);
};

$('#forget').onclick = async () => {
  if (busy) return;
  await clearSession().catch(() => {});
  resetResults();
  frame?.dispose();
  frame = null;
  settings = null;
  sample.value = '';
  $('#setup').hidden = true;
  $('#preview').innerHTML = '';
  $('#frame-info').textContent = 'Forgotten: nothing is stored in this browser now.';
};

// ---- setup -----------------------------------------------------------------------------------

function checkbox(parent: HTMLElement, label: string, test: string, checked: boolean, onChange: (on: boolean) => void) {
  const l = document.createElement('label');
  l.className = 'check';
  const i = document.createElement('input');
  i.type = 'checkbox';
  i.checked = checked;
  i.dataset.test = test;
  i.onchange = () => onChange(i.checked);
  l.append(i, label);
  parent.append(l);
}

function renderSetup() {
  const f = frame!, s = settings!;
  $('#setup').hidden = false;
  renderPreview($('#preview'), f, s.target);
  const target = $<HTMLSelectElement>('#target');
  target.replaceChildren(...f.columnNames.map((n) => new Option(n, n)));
  target.value = s.target;
  $<HTMLSelectElement>('#task').value = s.task;
  $<HTMLSelectElement>('#impute').value = s.impute;
  $<HTMLSelectElement>('#scale').value = s.scale;
  $<HTMLInputElement>('#onehot').checked = s.oneHot;
  $<HTMLInputElement>('#test-size').value = String(s.testSize);
  $('#test-size-value').textContent = `${Math.round(s.testSize * 100)} %`;
  $<HTMLInputElement>('#seed').value = String(s.seed);
  $<HTMLInputElement>('#stratify').checked = s.stratify;
  $<HTMLInputElement>('#balanced').checked = s.balanced;
  const feats = $('#features');
  feats.innerHTML = '';
  for (const c of f.columns) {
    if (c.name === s.target) continue;
    checkbox(feats, c.name, `feature-${c.name}`, s.features.includes(c.name), (on) => {
      s.features = on ? [...s.features, c.name] : s.features.filter((n) => n !== c.name);
      persist();
    });
  }
  void refreshTask();
  $<HTMLSelectElement>('#color-by').value = s.colorBy;
}

let taskToken = 0;

/** The task the package will use for this target (toTensors guesses it from the target column
 *  when the task is 'auto'; asked here with one feature only), then the models for it. */
async function refreshTask() {
  const f = frame!, s = settings!;
  const token = ++taskToken;
  const shown = $('#task-shown');
  delete shown.dataset.task;
  let task: Task = s.task === 'auto' ? 'classification' : s.task;
  let text = `Task: ${task} (chosen).`;
  if (s.task === 'auto') {
    const probe = f.columns.find((c) => c.name !== s.target && c.kind !== 'text');
    try {
      const t = await f.toTensors({ target: s.target, features: probe ? [probe.name] : [] });
      t.x.dispose();
      t.y.dispose();
      task = t.task;
      text = `Task: ${task} (guessed from the target${t.classes.length ? `: ${t.classes.length} classes` : ''}).`;
    } catch (e) {
      text = `Task: unknown — ${(e as Error).message}`;
    }
  }
  if (token !== taskToken) return;
  const models = $('#models');
  models.innerHTML = '';
  for (const m of MODELS.filter((x) => x.task === task)) {
    checkbox(models, m.title, `model-${m.id}`, s.models.includes(m.id), (on) => {
      s.models = on ? [...s.models, m.id] : s.models.filter((id) => id !== m.id);
      persist();
    });
  }
  $<HTMLInputElement>('#stratify').disabled = task === 'regression';
  shown.textContent = text;
  shown.dataset.task = task;
}

const bind = (sel: string, apply: (el: HTMLInputElement & HTMLSelectElement) => void, rerender = false) => {
  const el = $<HTMLInputElement & HTMLSelectElement>(sel);
  const kind: string = el.type;
  el.addEventListener(kind === 'range' || kind === 'number' ? 'input' : 'change', () => {
    if (!settings) return;
    apply(el);
    persist();
    if (rerender) renderSetup();
    else if (kind === 'range') $('#test-size-value').textContent = `${Math.round(settings.testSize * 100)} %`;
  });
};
bind('#target', (el) => {
  const s = settings!;
  const old = s.target;
  s.target = el.value;
  s.features = s.features.filter((n) => n !== el.value);
  if (frame!.columns.find((c) => c.name === old)?.kind !== 'text') s.features.push(old);
}, true);
bind('#task', (el) => (settings!.task = el.value as Settings['task']), true);
bind('#impute', (el) => (settings!.impute = el.value as Settings['impute']));
bind('#scale', (el) => (settings!.scale = el.value as Settings['scale']));
bind('#onehot', (el) => (settings!.oneHot = el.checked));
bind('#test-size', (el) => (settings!.testSize = Number(el.value)));
bind('#seed', (el) => (settings!.seed = Math.max(0, Math.floor(Number(el.value) || 0))));
bind('#stratify', (el) => (settings!.stratify = el.checked));
bind('#balanced', (el) => (settings!.balanced = el.checked));

// ---- training --------------------------------------------------------------------------------

function draw() {
  if (!prepared) return;
  renderLeaderboard($<HTMLTableElement>('#leaderboard'), prepared, rows, selected, pick);
}

function pick(id: string) {
  selected = id;
  draw();
  const r = rows.find((x) => x.id === id)?.result;
  if (r && prepared) renderDetail($('#detail'), prepared, r);
}

async function prepare(): Promise<Prepared> {
  const f = frame!, s = settings!;
  const t = await f.toTensors({
    target: s.target, features: s.features, impute: s.impute, scale: s.scale, oneHot: s.oneHot,
    task: s.task === 'auto' ? undefined : s.task,
  });
  const stratify = s.stratify && t.task === 'classification';
  const split = wg.data.trainTestSplit(t.x, t.y, { testSize: s.testSize, seed: s.seed, stratify });
  $('#notes').textContent = [`${t.featureNames.length} features after encoding; ${split.yTrain.shape[0]} training rows, ${split.yTest.shape[0]} test rows.`, ...t.notes].join(' ');
  return { task: t.task, classes: t.classes, featureNames: t.featureNames, split, x: t.x, y: t.y };
}

async function train() {
  if (busy || !frame || !settings) return;
  error(null, 'train-error');
  const s = settings;
  if (!s.features.length) return error('Pick at least one feature.', 'train-error');
  busy = true;
  const button = $<HTMLButtonElement>('#train');
  button.disabled = true;
  try {
    resetResults();
    const p = await prepare();
    prepared = p;
    const defs = MODELS.filter((m) => m.task === p.task && s.models.includes(m.id));
    // The majority class is the target column's most frequent value (the package's stats).
    const top = frame.columns.find((c) => c.name === s.target)?.stats.top[0]?.[0];
    const majority = Math.max(0, p.classes.indexOf(String(top)));
    rows = [...defs.map((d) => ({ id: d.id, title: d.title, status: 'queued' })), { id: 'baseline', title: 'Baseline', status: '' }];
    const base = rows[rows.length - 1];
    base.result = baseline(p, majority);
    base.title = base.result.title;
    base.status = 'constant';
    $('#results').hidden = false;
    draw();
    const pca = showPca();
    for (const [i, d] of defs.entries()) {
      const row = rows[i];
      row.status = 'training…';
      row.fraction = d.id.startsWith('net') ? 0 : undefined;
      draw();
      try {
        row.result = await trainOne(p, d, { seed: s.seed, balanced: s.balanced, onProgress: (fr) => { row.fraction = fr; draw(); } });
        row.status = 'done';
      } catch (e) {
        row.status = (e as Error).message;
        row.error = true;
      }
      draw();
      if (!selected && row.result) pick(row.id);
    }
    await pca;
  } catch (e) {
    error((e as Error).message, 'train-error');
  } finally {
    busy = false;
    button.disabled = false;
  }
}
$('#train').onclick = () => void train();

async function showPca() {
  if (!prepared || !settings) return;
  $('#pca-panel').hidden = false;
  try {
    await renderPca($<HTMLCanvasElement>('#pca'), $('#pca-legend'), $('#pca-info'), prepared, settings.colorBy, settings.seed);
  } catch (e) {
    $('#pca-info').textContent = `PCA: ${(e as Error).message}`;
  }
}
$<HTMLSelectElement>('#color-by').onchange = (e) => {
  if (!settings) return;
  settings.colorBy = (e.target as HTMLSelectElement).value as Settings['colorBy'];
  persist();
  void showPca();
};

// ---- start -----------------------------------------------------------------------------------

async function start() {
  const saved = await loadSession();
  if (saved) {
    const match = SAMPLES.find((x) => `${x.id}.csv` === saved.name);
    if (match) sample.value = match.id;
    await load(saved.csv, saved.name, saved.settings);
  }
  document.body.dataset.ready = 'true';
}

// For tests and the curious.
Object.assign(window, {
  tabular: {
    get busy() { return busy; },
    get settings() { return settings; },
    get rows() { return rows.map((r) => ({ id: r.id, title: r.title, status: r.status, scores: r.result?.scores, ms: r.result?.ms })); },
  },
});

void start();
