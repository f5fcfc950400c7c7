// The tabular workbench (route `#/tabular`): a CSV in, several scikit-learn-style models trained
// in webgrad's worker, a leaderboard with a baseline, curves, a threshold with costs, and PCA.
// Everything computational is a call into the `webgrad` package; this file wires the page.
import * as wg from 'webgrad';
import { DeviceView } from '../../shared/views/deviceView';
import { parse, sampleText, SAMPLES } from './data';
import { SetupPanel, settingsFor } from './setup';
import { renderDetail, renderLeaderboard, renderPca, type Row } from './results';
import { clearSession, loadSession, saveSession, saveSettings, type Settings } from './store';
import { baseline, MODELS, trainOne, type Prepared } from './train';
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

/** The last settings save, chained so that saves land in order. */
let saving: Promise<void> = Promise.resolve();
function persist() {
  const s = settings && structuredClone(settings);
  if (s) saving = saving.then(() => saveSettings(s)).catch(() => {});
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
    settings = settingsFor(restored ?? null, f);
    error(null, 'train-error');
    $('#frame-info').textContent = `${name}: ${f.numRows} rows × ${f.columns.length} columns (delimiter “${f.delimiter === '\t' ? 'tab' : f.delimiter}”).`;
    resetResults();
    setup.render();
    if (restored === undefined) {
      const text = typeof input === 'string' ? input : input.size < 64 * 2 ** 20 ? await input.text() : null;
      if (text !== null) {
        const session = { name, csv: text, settings: structuredClone(settings) };
        saving = saving.then(() => saveSession(session)).catch(() => {});
        await saving;
      } else {
        $('#frame-info').append(' It is too big to keep in this browser: a reload will not bring it back.');
      }
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
  if (busy) return error('Still busy (reading or training); forget the data when it is done.');
  error(null);
  saving = saving.then(() => clearSession()).catch(() => {});
  await saving;
  resetResults();
  frame?.dispose();
  frame = null;
  settings = null;
  sample.value = '';
  $('#setup').hidden = true;
  $('#preview').innerHTML = '';
  $('#frame-info').textContent = 'Forgotten: nothing is stored in this browser now.';
};

const setup = new SetupPanel({ frame: () => frame, settings: () => settings, changed: persist });

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
    /** Resolves when the settings are in IndexedDB. */
    saved: () => saving,
    get settings() { return settings; },
    get rows() { return rows.map((r) => ({ id: r.id, title: r.title, status: r.status, scores: r.result?.scores, ms: r.result?.ms })); },
  },
});

void start();
