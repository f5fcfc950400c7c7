// The 2-D playground workbench (route `#/playground`, the default): owns the state, the data and the model; views only draw and report clicks.

import * as wg from 'webgrad';
import { featureMatrix, gridPoints, makeSplit, type Point, type Split } from './data';
import {
  deviceInfo, engineMemory, initDevice, memoryReport, PlaygroundModel, specOf, type Snapshot, type Tensors, type TrainSet,
} from './engine';
import { autosave, clearAutosave, download, restore } from '../../shared/persist';
import {
  DATA_FIELDS, datasetInfo, DATASETS, differs, FEATURES, fromHash, HIDEABLE,
  MODEL_FIELDS, newSeed, normalize, outputUnits, toHash, type Hideable, type State,
} from './state';
import { Controls } from './views/controls';
import { DatasetPicker } from './views/datasetPicker';
import { DeviceView } from '../../shared/views/deviceView';
import { OutputHeatmap } from './views/heatmap';
import { LossChart } from '../../shared/views/lossChart';
import { confusion, MetricsView } from '../../shared/views/metrics';
import { fmt, NetworkView } from './views/network';
import page from './page.html?raw';
import './style.css';

// The workbench's page goes into the shell first: everything below looks its elements up.
document.querySelector('#workbench')!.innerHTML = page;

const RES = 80; // grid cells per side for every heatmap
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector(sel) as T;

// ---- state ---------------------------------------------------------------------------------------

const parsed = fromHash(location.hash);
// webgrad first: the data sets come from its generators (on this page), and models train in its
// worker on the device the link asks for.
const startup = await initDevice(parsed.state.device);
let state: State = parsed.state;
let split: Split = makeSplit(state);
let model: PlaygroundModel | null = null;
let modelGen = 0;
let epoch = 0;
let playing = false;
let busy = false;
let last: Snapshot | null = null;
let dirty = true; // something changed since the last autosave

const inputGrid = (() => {
  const pts = gridPoints(RES);
  const m = featureMatrix(pts, FEATURES.map((f) => f.id));
  const scale = FEATURES.map((_, j) => {
    let mx = 1e-6;
    for (let i = 0; i < pts.length; i++) mx = Math.max(mx, Math.abs(m[i * FEATURES.length + j]));
    return mx;
  });
  return { values: m, scale };
})();

// ---- views ---------------------------------------------------------------------------------------

const controls = new Controls({
  reset: () => rebuild(),
  togglePlay: () => setPlaying(!playing),
  step: () => {
    setPlaying(false);
    void trainEpochs(1);
  },
  set: (field, value) => change({ [field]: value } as Partial<State>),
  setProblem: (p) => {
    const first = DATASETS.find((d) => d.problem === p)!;
    change({ problem: p, dataset: first.id, loss: p === 'regression' ? 'mse' : state.loss });
  },
});
const picker = new DatasetPicker({
  pick: (id) => change({ dataset: id, problem: datasetInfo(id).problem }),
  set: (field, value) => change({ [field]: value } as Partial<State>),
  regenerate: () => change({ seed: newSeed() }),
});
const network = new NetworkView({
  toggleFeature: (id) => {
    const on = state.features.includes(id);
    if (on && state.features.length === 1) return note('At least one input feature is needed.');
    change({ features: on ? state.features.filter((f) => f !== id) : [...state.features, id] });
  },
  addLayer: () => change({ hidden: [...state.hidden, 2], layerActivations: [...state.layerActivations, null] }),
  removeLayer: () => change({ hidden: state.hidden.slice(0, -1), layerActivations: state.layerActivations.slice(0, -1) }),
  changeNeurons: (l, d) => {
    const hidden = [...state.hidden];
    hidden[l] = Math.max(1, hidden[l] + d);
    change({ hidden });
  },
  setLayerActivation: (l, act) => {
    const acts = [...state.layerActivations];
    acts[l] = act;
    change({ layerActivations: acts });
  },
  editWeight: async (l, from, to, v) => {
    await model?.setWeight(l, from, to, v);
    await refresh();
  },
  editBias: async (l, u, v) => {
    await model?.setBias(l, u, v);
    await refresh();
  },
});
const output = new OutputHeatmap(300);
const chart = new LossChart(300, 80);
const metrics = new MetricsView();
const device = new DeviceView(async (pref) => {
  state.device = pref;
  writeHash();
  await switchDevice();
});

$('#controls').append(controls.el);
$('#device-slot').append(device.el);
$('#data-column').append(picker.el);
$('#network-column').append(network.el);
$('#output-heatmap').append(output.el);
$('#loss-chart').append(chart.el);
$('#metrics').append(metrics.el);

const showTest = $<HTMLInputElement>('#show-test');
const discretize = $<HTMLInputElement>('#discretize');
showTest.onchange = () => change({ showTestData: showTest.checked });
discretize.onchange = () => change({ discretize: discretize.checked });

// ---- state changes -------------------------------------------------------------------------------

function change(patch: Partial<State>) {
  const before = state;
  state = normalize({ ...state, ...patch });
  writeHash();
  const dataChanged = differs(before, state, DATA_FIELDS);
  if (dataChanged) split = makeSplit(state);
  if (dataChanged || differs(before, state, MODEL_FIELDS)) {
    void rebuild();
  } else {
    model?.setHyper({
      learningRate: state.learningRate, regularization: state.regularization,
      regRate: state.regRate, optimizer: state.optimizer,
    }).catch((e: Error) => note(`Could not change the settings: ${e.message}`));
    render();
    draw();
  }
  dirty = true;
}

function writeHash() {
  const h = toHash(state);
  if (h !== location.hash) history.replaceState(null, '', h);
}

/** Targets for the model: class index (cross-entropy), ±1 per unit (squared error), or values. */
function targets(pts: Point[], s: State): Float32Array {
  const info = datasetInfo(s.dataset);
  const units = outputUnits(s);
  if (info.problem === 'regression') return Float32Array.from(pts, (p) => p.label);
  if (s.loss === 'xent') return Float32Array.from(pts, (p) => p.label);
  if (units === 1) return Float32Array.from(pts, (p) => (p.label === 1 ? 1 : -1));
  const y = new Float32Array(pts.length * units).fill(-1);
  pts.forEach((p, i) => (y[i * units + p.label] = 1));
  return y;
}

function trainSet(s: State): TrainSet {
  return {
    trainX: featureMatrix(split.train, s.features),
    trainY: targets(split.train, s),
    trainN: split.train.length,
    testX: featureMatrix(split.test, s.features),
    testY: targets(split.test, s),
    testN: split.test.length,
  };
}

/** Weights to start a model from: a model file's bytes, or an old autosave's arrays. */
type Weights = { bytes?: Uint8Array; tensors?: Tensors };

/** New model from the current state (weights from `from` when given); epoch back to 0. */
async function rebuild(from?: Weights, keepEpoch = false) {
  const gen = ++modelGen;
  model?.dispose();
  model = null;
  try {
    const m = await PlaygroundModel.build(specOf(state), trainSet(state));
    if (gen !== modelGen) return m.dispose();
    try {
      if (from?.bytes) await m.load(from.bytes);
      else if (from?.tensors) await m.loadTensors(from.tensors);
    } catch (e) {
      m.dispose();
      throw e;
    }
    model = m;
  } catch (e) {
    setPlaying(false);
    note(`Could not build the model: ${(e as Error).message}`);
    return;
  }
  if (!keepEpoch) {
    epoch = 0;
    chart.reset();
  }
  dirty = true;
  render();
  await refresh();
  if (!keepEpoch && last) chart.push(0, last.trainLoss, last.testLoss);
}

/** The model moves with its weights and optimizer state: saved on the old device's worker,
 *  loaded on the new one's. */
async function switchDevice() {
  const m = model;
  model = null;
  modelGen++;
  let bytes: Uint8Array | undefined;
  try {
    bytes = await m?.save({});
  } catch {
    // the old worker is gone; the new model starts from its seed
  }
  m?.dispose();
  await startDevice();
  await rebuild({ bytes }, true);
}

async function startDevice() {
  try {
    const info = await initDevice(state.device);
    if (info.fallback) note(`${state.device === 'auto' ? 'WebGPU' : state.device} is not available here, so training runs on the CPU (${info.fallback}).`);
  } catch (e) {
    note(`The engine could not start: ${(e as Error).message}`, true);
  }
  device.update(deviceInfo(), state.device);
}

// ---- training loop -------------------------------------------------------------------------------

const gridX = () => featureMatrix(gridPoints(RES), state.features);
let gridCache: { key: string; x: Float32Array } = { key: '', x: new Float32Array() };
function grid(): Float32Array {
  const key = state.features.join();
  if (gridCache.key !== key) gridCache = { key, x: gridX() };
  return gridCache.x;
}

/** Speed and smoothness, read by the device indicator and by the tests. */
const perf = { steps: 0, since: performance.now(), stepsPerSec: 0, frames: [] as number[], lastFrame: 0 };

/** Epochs per picture: one, as in TF Playground, or more when an epoch takes under ~40 ms, so
 *  that a fast engine is not held back by the pictures. */
const pace = { epochs: 1 };

async function trainEpochs(n: number) {
  if (!model || busy) return;
  busy = true;
  const m = model;
  try {
    const batches = Math.max(1, Math.ceil(split.train.length / state.batch));
    const t0 = performance.now();
    await m.train(n, state.batch, epoch);
    const perEpoch = (performance.now() - t0) / n;
    pace.epochs = Math.max(1, Math.min(20, Math.round(40 / Math.max(perEpoch, 1))));
    if (m !== model) return;
    epoch += n;
    perf.steps += batches * n;
    await refresh();
    chart.push(epoch, last!.trainLoss, last!.testLoss);
    dirty = true;
  } catch (e) {
    if (m !== model) return; // the model was replaced (reset, new device) while it trained
    setPlaying(false);
    note(`Training stopped: ${(e as Error).message}`);
  } finally {
    busy = false;
  }
}

async function refresh() {
  const m = model;
  if (!m) return;
  const snap = await m.snapshot(grid(), RES * RES);
  if (m !== model) return;
  last = snap;
  draw();
}

function frame(t: number) {
  if (perf.lastFrame) {
    perf.frames.push(t - perf.lastFrame);
    if (perf.frames.length > 240) perf.frames.shift();
  }
  perf.lastFrame = t;
  const dt = (t - perf.since) / 1000;
  if (dt > 0.5) {
    perf.stepsPerSec = playing ? perf.steps / dt : 0;
    perf.steps = 0;
    perf.since = t;
    const sorted = [...perf.frames].sort((a, b) => a - b);
    device.setSpeed(perf.stepsPerSec, sorted[Math.floor(sorted.length / 2)] ?? 0);
  }
  if (playing && !busy) void trainEpochs(pace.epochs);
  requestAnimationFrame(frame);
}

function setPlaying(p: boolean) {
  playing = p;
  controls.setPlaying(p);
  network.setPlaying(p);
  document.body.classList.toggle('is-playing', p);
}

// ---- drawing -------------------------------------------------------------------------------------

function render() {
  controls.update(state);
  picker.update(state);
  network.render(state, outputUnits(state));
  device.update(deviceInfo(), state.device);
  showTest.checked = state.showTestData;
  discretize.checked = state.discretize;
  const hidden = new Set<string>(state.hide);
  document.querySelectorAll<HTMLElement>('[data-hide]').forEach((el) => el.classList.toggle('is-hidden', hidden.has(el.dataset.hide!)));
  document.querySelectorAll<HTMLInputElement>('#hide-panel input').forEach((c) => (c.checked = hidden.has(c.value)));
  $('#legend').classList.toggle('multiclass', split.classes > 2);
}

function draw() {
  controls.setEpoch(epoch);
  const units = outputUnits(state);
  const classes = split.classes;
  output.points(split.train, state.showTestData ? split.test : null, classes);
  if (!last) return;
  const outGrid = last.grid[last.grid.length - 1];
  if (outGrid && outGrid.length === RES * RES * units) {
    output.paint(RES, displayOutput(outGrid, units), units, state.discretize, classes === 2);
  }
  network.update({
    res: RES, inputs: inputGrid.values, inputScale: inputGrid.scale, grid: last.grid,
    weights: last.weights, biases: last.biases, discretize: state.discretize,
  });
  $('#test-loss').textContent = fmt(last.testLoss);
  $('#train-loss').textContent = fmt(last.trainLoss);
  if (classes > 1) {
    const tr = confusion(split.train, last.trainOut, units, classes);
    const te = confusion(split.test, last.testOut, units, classes);
    metrics.update(tr, te);
  } else metrics.update(null, null);
}

/** Multi-unit squared-error outputs (tanh, ±1 targets) → non-negative weights summing to 1. */
function displayOutput(g: Float32Array, units: number): Float32Array {
  if (units === 1 || state.loss === 'xent') return g;
  const out = new Float32Array(g.length);
  for (let i = 0; i < g.length; i += units) {
    let sum = 0;
    for (let k = 0; k < units; k++) sum += out[i + k] = Math.max(0, (g[i + k] + 1) / 2);
    for (let k = 0; k < units; k++) out[i + k] /= sum || 1;
  }
  return out;
}

function note(msg: string, sticky = false) {
  const n = $('#note');
  n.querySelector('.note-text')!.textContent = msg;
  n.hidden = false;
  n.dataset.sticky = String(sticky);
}
$('#note-close').onclick = () => ($('#note').hidden = true);

// Space runs / pauses, as on a media player (not while typing in a field).
addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement;
  if (e.code !== 'Space' || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(t.tagName)) return;
  e.preventDefault();
  setPlaying(!playing);
});

// ---- save / load ---------------------------------------------------------------------------------

$('#save-model').onclick = async () => {
  if (!model) return;
  try {
    // webgrad's own file (its spec rebuilds the model with `wg.loadModel`), plus the experiment.
    const bytes = await model.save({
      application: 'webgrad-playground',
      spec: JSON.stringify(specOf(state)),
      state: toHash(state),
      epoch: String(epoch),
    });
    download(bytes, `webgrad-${state.dataset}-epoch${epoch}.safetensors`);
  } catch (e) {
    note(`Could not save the model: ${(e as Error).message}`);
  }
};
const fileInput = $<HTMLInputElement>('#load-file');
$('#load-model').onclick = () => fileInput.click();
fileInput.onchange = async () => {
  const file = fileInput.files?.[0];
  fileInput.value = '';
  if (!file) return;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { metadata } = wg.io.loadSafetensors(bytes);
    if (metadata.state) {
      const p = fromHash(metadata.state);
      state = p.state;
      split = makeSplit(state);
      writeHash();
    }
    setPlaying(false);
    await rebuild({ bytes });
    epoch = Number(metadata.epoch ?? 0) || 0;
    draw();
    note(`Loaded ${file.name}.`);
  } catch (e) {
    note(`Could not load ${file.name}: ${(e as Error).message}`);
  }
};

// ---- hide controls (teaching links) ------------------------------------------------------------

const hidePanel = $('#hide-panel');
for (const h of HIDEABLE) {
  const l = document.createElement('label');
  const c = document.createElement('input');
  c.type = 'checkbox';
  c.value = h;
  c.onchange = () => {
    const set = new Set(state.hide);
    if (c.checked) set.add(h);
    else set.delete(h);
    change({ hide: HIDEABLE.filter((x) => set.has(x)) as Hideable[] });
  };
  l.append(c, ` ${h}`);
  hidePanel.append(l);
}
$('#customize').onclick = () => (hidePanel.hidden = !hidePanel.hidden);

// ---- autosave ------------------------------------------------------------------------------------

async function save() {
  if (!dirty || !model || busy) return;
  dirty = false;
  try {
    await autosave({ hash: toHash(state), epoch, history: chart.history, model: await model.save({}), savedAt: Date.now() });
  } catch {
    // Private windows may refuse IndexedDB; the URL still holds the settings.
  }
}
setInterval(() => void save(), 2000);
addEventListener('pagehide', () => void save());
addEventListener('hashchange', () => {
  const p = fromHash(location.hash);
  if (p.problems.length) note(`Some settings in the link were ignored: ${p.problems.join('; ')}.`, true);
  if (toHash(p.state) !== toHash(state)) {
    const dataChanged = differs(state, p.state, DATA_FIELDS);
    state = p.state;
    if (dataChanged) split = makeSplit(state);
    void rebuild();
  }
});

// ---- start ---------------------------------------------------------------------------------------

async function start() {
  const saved = await restore();
  const fresh = location.hash.replace(/^#/, '') === '';
  let weights: Weights | undefined;
  if (saved && (fresh || toHash(fromHash(saved.hash).state) === toHash(state))) {
    state = fromHash(saved.hash).state;
    split = makeSplit(state);
    weights = { bytes: saved.model, tensors: saved.tensors };
  }
  if (parsed.problems.length) {
    note(`Some settings in the link were not understood and were reset to their defaults: ${parsed.problems.join('; ')}.`, true);
  }
  writeHash();
  if (startup.fallback) note(`${parsed.state.device === 'auto' ? 'WebGPU' : parsed.state.device} is not available here, so training runs on the CPU (${startup.fallback}).`);
  await startDevice();
  render();
  await rebuild(weights);
  if (weights && saved) {
    epoch = saved.epoch;
    chart.set(saved.history);
    draw();
  }
  requestAnimationFrame(frame);
  document.body.dataset.ready = 'true';
}

// For tests and the curious: `playground.state`, `playground.epoch`, frame times.
Object.assign(window, {
  playground: {
    get state() { return state; },
    get epoch() { return epoch; },
    /** True while a training burst or snapshot is in flight. */
    get busy() { return busy; },
    get perf() { return perf; },
    get device() { return deviceInfo(); },
    engineMemory,
    memoryReport,
    clearAutosave,
  },
});

void start();
