// The playground's whole state, and its round trip through the URL hash.
//
// Every field has a default and a validator, so any hash — hand-edited, truncated, from an older
// version — parses to a usable state plus a list of what was ignored (shown to the user as a note).
// The hash is human-readable: `#dataset=spiral&hidden=8,8&activation=tanh&seed=123`.

import { parseRoute, routeHash } from '../../shared/router';

export type Problem = 'classification' | 'regression';
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'linear';
export type Regularization = 'none' | 'L1' | 'L2';
export type Optimizer = 'sgd' | 'momentum' | 'adam';
export type Loss = 'mse' | 'xent';
export type { DevicePref } from '../../shared/views/deviceView';
import type { DevicePref } from '../../shared/views/deviceView';
export type FeatureId = 'x1' | 'x2' | 'x1sq' | 'x2sq' | 'x1x2' | 'sinx1' | 'sinx2';

export interface DatasetInfo {
  id: string;
  name: string;
  problem: Problem;
  /** Number of classes (1 for regression). */
  classes: number;
}

export const DATASETS: DatasetInfo[] = [
  { id: 'circle', name: 'Circle', problem: 'classification', classes: 2 },
  { id: 'xor', name: 'Exclusive or', problem: 'classification', classes: 2 },
  { id: 'gauss', name: 'Two Gaussians', problem: 'classification', classes: 2 },
  { id: 'spiral', name: 'Spiral', problem: 'classification', classes: 2 },
  { id: 'moons', name: 'Two moons', problem: 'classification', classes: 2 },
  { id: 'spiral3', name: 'Three-arm spiral', problem: 'classification', classes: 3 },
  { id: 'checker', name: 'Checkerboard, 4 classes', problem: 'classification', classes: 4 },
  { id: 'plane', name: 'Plane', problem: 'regression', classes: 1 },
  { id: 'multigauss', name: 'Multi Gaussian', problem: 'regression', classes: 1 },
];

export const FEATURES: { id: FeatureId; label: string; f: (x1: number, x2: number) => number }[] = [
  { id: 'x1', label: 'X<sub>1</sub>', f: (x1) => x1 },
  { id: 'x2', label: 'X<sub>2</sub>', f: (_, x2) => x2 },
  { id: 'x1sq', label: 'X<sub>1</sub><sup>2</sup>', f: (x1) => x1 * x1 },
  { id: 'x2sq', label: 'X<sub>2</sub><sup>2</sup>', f: (_, x2) => x2 * x2 },
  { id: 'x1x2', label: 'X<sub>1</sub>X<sub>2</sub>', f: (x1, x2) => x1 * x2 },
  { id: 'sinx1', label: 'sin(X<sub>1</sub>)', f: (x1) => Math.sin(x1) },
  { id: 'sinx2', label: 'sin(X<sub>2</sub>)', f: (_, x2) => Math.sin(x2) },
];

export const ACTIVATIONS: Activation[] = ['relu', 'tanh', 'sigmoid', 'linear'];
export const REGULARIZATIONS: Regularization[] = ['none', 'L1', 'L2'];
export const OPTIMIZERS: Optimizer[] = ['sgd', 'momentum', 'adam'];
export const LOSSES: Loss[] = ['mse', 'xent'];
export const DEVICES: DevicePref[] = ['auto', 'webgpu', 'cpu'];
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const DROPOUT_RATES = [0, 0.1, 0.2, 0.3, 0.5];

/** Limits. TF Playground stops at 6 layers of 8 neurons; webgrad goes further. */
export const MAX_LAYERS = 10;
export const MAX_NEURONS = 32;
export const MAX_BATCH = 256;
export const SAMPLE_COUNTS = [100, 250, 500, 1000, 2000];

/** Controls that a teaching link can hide (`#hide=features,lr`). */
export const HIDEABLE = [
  'dataset', 'noise', 'ratio', 'batch', 'regenerate', 'features', 'layers', 'lr', 'activation',
  'regularization', 'regRate', 'problem', 'optimizer', 'loss', 'extras', 'device', 'metrics',
] as const;
export type Hideable = (typeof HIDEABLE)[number];

export interface State {
  problem: Problem;
  dataset: string;
  noise: number; // 0..50 (percent)
  ratio: number; // 10..90, % of points used for training
  batch: number; // 1..MAX_BATCH
  samples: number;
  features: FeatureId[];
  hidden: number[]; // neurons per hidden layer
  activation: Activation; // default for every hidden layer
  layerActivations: (Activation | null)[]; // per-layer override, null = use `activation`
  learningRate: number;
  regularization: Regularization;
  regRate: number;
  optimizer: Optimizer;
  loss: Loss;
  dropout: number;
  batchNorm: boolean;
  seed: number; // data and initialisation seed
  showTestData: boolean;
  discretize: boolean;
  device: DevicePref;
  hide: Hideable[];
}

export function defaultState(): State {
  return {
    problem: 'classification',
    dataset: 'circle',
    noise: 0,
    ratio: 50,
    batch: 10,
    samples: 500,
    features: ['x1', 'x2'],
    hidden: [4, 2],
    activation: 'tanh',
    layerActivations: [null, null],
    learningRate: 0.03,
    regularization: 'none',
    regRate: 0,
    optimizer: 'sgd',
    loss: 'mse',
    dropout: 0,
    batchNorm: false,
    seed: 1,
    showTestData: false,
    discretize: false,
    device: 'auto',
    hide: [],
  };
}

export function datasetInfo(id: string): DatasetInfo {
  return DATASETS.find((d) => d.id === id) ?? DATASETS[0];
}

/** Number of output units: one per class, or one for regression and binary MSE. */
export function outputUnits(s: State): number {
  const info = datasetInfo(s.dataset);
  if (info.problem === 'regression') return 1;
  return info.classes === 2 && s.loss === 'mse' ? 1 : info.classes;
}

/** The activation of hidden layer `i`. */
export function layerActivation(s: State, i: number): Activation {
  return s.layerActivations[i] ?? s.activation;
}

export function newSeed(): number {
  return Math.floor(Math.random() * 1e6);
}

// ---- URL hash ----------------------------------------------------------------------------------

/** How each field is written and read. `parse` returns undefined for a value it rejects. */
type Codec<T> = { write: (v: T) => string; parse: (s: string) => T | undefined };

const oneOf = <T extends string>(values: readonly T[]): Codec<T> => ({
  write: (v) => v,
  parse: (s) => (values as readonly string[]).includes(s) ? (s as T) : undefined,
});
const intIn = (lo: number, hi: number): Codec<number> => ({
  write: (v) => String(v),
  parse: (s) => {
    const n = Number(s) + 0; // + 0: "-0" reads as 0
    return /^-?\d+$/.test(s) && n >= lo && n <= hi ? n : undefined;
  },
});
const numIn = (values: readonly number[]): Codec<number> => ({
  write: (v) => String(v),
  parse: (s) => {
    const n = Number(s) + 0;
    return s !== '' && values.includes(n) ? n : undefined;
  },
});
const bool: Codec<boolean> = {
  write: (v) => (v ? '1' : '0'),
  parse: (s) => (s === '1' || s === 'true' ? true : s === '0' || s === 'false' ? false : undefined),
};
const listOf = <T>(item: Codec<T>, min: number, max: number): Codec<T[]> => ({
  write: (v) => v.map(item.write).join(','),
  parse: (s) => {
    const parts = s === '' ? [] : s.split(',');
    if (parts.length < min || parts.length > max) return undefined;
    const out = parts.map(item.parse);
    return out.some((x) => x === undefined) ? undefined : (out as T[]);
  },
});
const optional = <T>(item: Codec<T>): Codec<T | null> => ({
  write: (v) => (v === null ? '' : item.write(v)),
  parse: (s) => (s === '' ? null : item.parse(s)),
});

const CODECS: { [K in keyof State]: Codec<State[K]> } = {
  problem: oneOf(['classification', 'regression'] as const),
  dataset: oneOf(DATASETS.map((d) => d.id)),
  noise: intIn(0, 50),
  ratio: intIn(10, 90),
  batch: intIn(1, MAX_BATCH),
  samples: numIn(SAMPLE_COUNTS),
  features: listOf(oneOf(FEATURES.map((f) => f.id)), 0, FEATURES.length),
  hidden: listOf(intIn(1, MAX_NEURONS), 0, MAX_LAYERS),
  activation: oneOf(ACTIVATIONS),
  layerActivations: listOf(optional(oneOf(ACTIVATIONS)), 0, MAX_LAYERS),
  learningRate: numIn(LEARNING_RATES),
  regularization: oneOf(REGULARIZATIONS),
  regRate: numIn(REG_RATES),
  optimizer: oneOf(OPTIMIZERS),
  loss: oneOf(LOSSES),
  dropout: numIn(DROPOUT_RATES),
  batchNorm: bool,
  seed: intIn(0, 2 ** 31 - 1),
  showTestData: bool,
  discretize: bool,
  device: oneOf(DEVICES),
  hide: listOf(oneOf(HIDEABLE), 0, HIDEABLE.length),
};

/** Short names in the hash for the longer fields. */
const KEYS: { [K in keyof State]: string } = {
  problem: 'problem', dataset: 'dataset', noise: 'noise', ratio: 'ratio', batch: 'batch',
  samples: 'samples', features: 'features', hidden: 'hidden', activation: 'activation',
  layerActivations: 'layerAct', learningRate: 'lr', regularization: 'reg', regRate: 'regRate',
  optimizer: 'opt', loss: 'loss', dropout: 'dropout', batchNorm: 'bn', seed: 'seed',
  showTestData: 'showTest', discretize: 'discretize', device: 'device', hide: 'hide',
};

/** The playground's route (see `router.ts`): `#/playground?dataset=…&…`. */
export const ROUTE = 'playground';

export function toHash(s: State): string {
  const parts: string[] = [];
  for (const k of Object.keys(KEYS) as (keyof State)[]) {
    const codec = CODECS[k] as Codec<unknown>;
    parts.push(`${KEYS[k]}=${encodeURIComponent(codec.write(s[k])).replace(/%2C/g, ',')}`);
  }
  return routeHash(ROUTE, parts.join('&'));
}

// ---- TensorFlow Playground links ----------------------------------------------------------------
// TF Playground writes every setting under its own names
// (`#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&…&x=true&y=true`);
// a link with any of its own keys is read as one and translated to ours, so it opens the same
// experiment. Its seed is a string (`0.12345`); a non-integer seed is hashed to one of ours.

const TF_ONLY = [
  'learningRate', 'regularization', 'regularizationRate', 'regDataset', 'networkShape', 'batchSize',
  'percTrainData', 'showTestData', 'x', 'y', 'xTimesY', 'xSquared', 'ySquared', 'sinX', 'sinY',
  'cosX', 'cosY', 'collectStats', 'initZero', 'hideText', 'tutorial',
];
/** TF Playground key → ours (same value syntax). */
const TF_KEYS: Record<string, string> = {
  learningRate: 'lr', regularization: 'reg', regularizationRate: 'regRate', networkShape: 'hidden',
  batchSize: 'batch', percTrainData: 'ratio', showTestData: 'showTest', activation: 'activation',
  noise: 'noise', discretize: 'discretize', problem: 'problem',
};
const TF_FEATURES: Record<string, FeatureId> = {
  x: 'x1', y: 'x2', xSquared: 'x1sq', ySquared: 'x2sq', xTimesY: 'x1x2', sinX: 'sinx1', sinY: 'sinx2',
};
const TF_REG_DATASETS: Record<string, string> = { 'reg-plane': 'plane', 'reg-gauss': 'multigauss' };
/** Settings TF Playground writes that change nothing here. */
const TF_IGNORED = ['collectStats', 'hideText', 'tutorial', 'dataset', 'regDataset', 'seed'];

/** A seed string as one of ours: an integer stays, anything else (TF's `0.12345`) is hashed (FNV-1a). */
export function seedFromString(s: string): number {
  if (/^\d+$/.test(s) && Number(s) <= 2 ** 31 - 1) return Number(s);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h & 0x7fffffff;
}

/** Is this key/value list a TensorFlow Playground link? */
export function isTfPlaygroundLink(pairs: [string, string][]): boolean {
  return pairs.some(([k]) => TF_ONLY.includes(k));
}

/** Translates TF Playground's pairs to ours; what has no counterpart goes to `problems`. */
export function fromTfPlayground(pairs: [string, string][], problems: string[]): [string, string][] {
  const get = (k: string) => pairs.find(([key]) => key === k)?.[1];
  const out: [string, string][] = [];
  const features: FeatureId[] = [];
  let anyFeature = false;
  for (const [k, v] of pairs) {
    if (k in TF_KEYS) out.push([TF_KEYS[k], v]);
    else if (k in TF_FEATURES) {
      anyFeature = true;
      if (v === 'true') features.push(TF_FEATURES[k]);
    } else if (k === 'cosX' || k === 'cosY') {
      if (v === 'true') problems.push(`the feature “${k}” is not available here`);
    } else if (k === 'initZero') {
      if (v === 'true') problems.push('“initZero” is not available here');
    } else if (TF_IGNORED.includes(k)) continue;
    else out.push([k, v]); // one of ours (`opt=adam`), or unknown: said so by `fromHash`
  }
  if (anyFeature) out.push(['features', features.join(',')]);
  const regression = get('problem') === 'regression';
  const dataset = regression ? TF_REG_DATASETS[get('regDataset') ?? 'reg-plane'] : get('dataset');
  if (regression && !dataset) problems.push(`“regDataset=${get('regDataset')}” is out of range`);
  else if (dataset !== undefined) out.push(['dataset', dataset]);
  const seed = get('seed');
  if (seed !== undefined && seed !== '') out.push(['seed', String(seedFromString(seed))]);
  return out;
}

export interface Parsed {
  state: State;
  /** Human-readable notes on what was ignored; empty when the hash was clean. */
  problems: string[];
}

export function fromHash(hash: string): Parsed {
  const state = defaultState();
  const problems: string[] = [];
  const body = parseRoute(hash).query;
  if (body.trim() === '') return { state, problems };
  const byKey = new Map<string, keyof State>();
  for (const k of Object.keys(KEYS) as (keyof State)[]) byKey.set(KEYS[k], k);
  let pairs: [string, string][] = [];
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    try {
      pairs.push([key, eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1))]);
    } catch {
      problems.push(`“${key}” is not valid URL text`);
    }
  }
  if (isTfPlaygroundLink(pairs)) pairs = fromTfPlayground(pairs, problems);
  for (const [key, raw] of pairs) {
    const field = byKey.get(key);
    if (!field) {
      problems.push(`unknown setting “${key}”`);
      continue;
    }
    const v = (CODECS[field] as Codec<unknown>).parse(raw);
    if (v === undefined) problems.push(`“${key}=${raw.slice(0, 40)}” is out of range`);
    else (state as unknown as Record<string, unknown>)[field] = v;
  }
  return { state: normalize(state, problems), problems };
}

/** Makes the fields agree with each other (problem ↔ dataset, per-layer lists ↔ layers). */
export function normalize(s: State, problems: string[] = []): State {
  const info = datasetInfo(s.dataset);
  if (info.problem !== s.problem) {
    // The dataset decides; a URL asking for regression on a classification set is contradictory.
    problems.push(`data set “${info.id}” is for ${info.problem}`);
    s.problem = info.problem;
  }
  if (s.problem === 'regression' && s.loss === 'xent') s.loss = 'mse';
  if (s.features.length === 0) {
    problems.push('at least one input feature is needed');
    s.features = ['x1', 'x2'];
  }
  s.features = FEATURES.map((f) => f.id).filter((id) => s.features.includes(id));
  const acts = s.layerActivations.slice(0, s.hidden.length);
  while (acts.length < s.hidden.length) acts.push(null);
  s.layerActivations = acts;
  s.hide = [...new Set(s.hide)];
  return s;
}

/** Fields whose change invalidates the trained model (the rest are display or data settings). */
export const MODEL_FIELDS: (keyof State)[] = [
  'features', 'hidden', 'activation', 'layerActivations', 'dataset', 'loss', 'dropout',
  'batchNorm', 'problem',
];
/** Fields whose change regenerates the data. */
export const DATA_FIELDS: (keyof State)[] = ['dataset', 'noise', 'ratio', 'samples', 'seed'];

export function differs(a: State, b: State, fields: (keyof State)[]): boolean {
  return fields.some((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
}
