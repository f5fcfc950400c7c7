// The 2-D data sets, generated from a seed so that a link reproduces the same points.
// Shapes follow TF Playground (circle, XOR, two Gaussians, spiral, plane, multi-Gaussian), plus
// two moons, a three-arm spiral and a four-class checkerboard. Points lie in [-6, 6]².

import { datasetInfo, FEATURES, type FeatureId, type State } from './state';

/** One point: coordinates and a label (class index, or a value in [-1, 1] for regression). */
export interface Point {
  x1: number;
  x2: number;
  label: number;
}

export interface Split {
  train: Point[];
  test: Point[];
  classes: number; // 1 for regression
}

/** mulberry32: small, fast, good enough for data and shuffles; same seed → same stream. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Gen = (n: number, noise: number, rand: () => number) => Point[];

const uniform = (rand: () => number, a: number, b: number) => a + (b - a) * rand();
function normal(rand: () => number, mean: number, variance: number): number {
  let v1: number, v2: number, s: number;
  do {
    v1 = 2 * rand() - 1;
    v2 = 2 * rand() - 1;
    s = v1 * v1 + v2 * v2;
  } while (s > 1 || s === 0);
  return mean + Math.sqrt(variance) * Math.sqrt((-2 * Math.log(s)) / s) * v1;
}

const circle: Gen = (n, noise, rand) => {
  const radius = 5;
  const label = (x: number, y: number) => (Math.hypot(x, y) < radius / 2 ? 1 : 0);
  const pts: Point[] = [];
  for (let i = 0; i < n; i++) {
    const inside = i < n / 2;
    const r = inside ? uniform(rand, 0, radius / 2) : uniform(rand, radius * 0.7, radius);
    const a = uniform(rand, 0, 2 * Math.PI);
    const x1 = r * Math.sin(a);
    const x2 = r * Math.cos(a);
    const nx = uniform(rand, -radius, radius) * noise;
    const ny = uniform(rand, -radius, radius) * noise;
    pts.push({ x1, x2, label: label(x1 + nx, x2 + ny) });
  }
  return pts;
};

const xor: Gen = (n, noise, rand) => {
  const pts: Point[] = [];
  const pad = (v: number) => v + (v > 0 ? 0.3 : -0.3);
  for (let i = 0; i < n; i++) {
    const x1 = pad(uniform(rand, -5, 5));
    const x2 = pad(uniform(rand, -5, 5));
    const nx = uniform(rand, -5, 5) * noise;
    const ny = uniform(rand, -5, 5) * noise;
    pts.push({ x1, x2, label: (x1 + nx) * (x2 + ny) >= 0 ? 1 : 0 });
  }
  return pts;
};

const gauss: Gen = (n, noise, rand) => {
  const variance = 0.5 + (noise / 0.5) * 3.5;
  const pts: Point[] = [];
  for (let i = 0; i < n; i++) {
    const c = i < n / 2 ? 2 : -2;
    pts.push({ x1: normal(rand, c, variance), x2: normal(rand, c, variance), label: c > 0 ? 1 : 0 });
  }
  return pts;
};

/** `arms` interleaved spiral arms; arm k is class k (for two arms: class 1 first, as in TFP). */
const spiralArms = (arms: number): Gen => (n, noise, rand) => {
  const pts: Point[] = [];
  const per = Math.floor(n / arms);
  for (let k = 0; k < arms; k++) {
    for (let i = 0; i < per; i++) {
      const r = (i / per) * 5;
      const t = ((1.75 * i) / per) * 2 * Math.PI + (k * 2 * Math.PI) / arms;
      pts.push({
        x1: r * Math.sin(t) + uniform(rand, -1, 1) * noise,
        x2: r * Math.cos(t) + uniform(rand, -1, 1) * noise,
        label: arms === 2 ? 1 - k : k,
      });
    }
  }
  return pts;
};

const moons: Gen = (n, noise, rand) => {
  const pts: Point[] = [];
  const scale = 3.3;
  for (let i = 0; i < n; i++) {
    const upper = i < n / 2;
    const t = uniform(rand, 0, Math.PI);
    const x = upper ? Math.cos(t) : 1 - Math.cos(t);
    const y = upper ? Math.sin(t) : 0.5 - Math.sin(t);
    pts.push({
      x1: (x - 0.5) * scale + normal(rand, 0, 1) * noise * 2,
      x2: (y - 0.25) * scale + normal(rand, 0, 1) * noise * 2,
      label: upper ? 1 : 0,
    });
  }
  return pts;
};

/** 4×4 cells of width 3 over [-6, 6]²; the class is the cell's (column parity, row parity). */
const checker: Gen = (n, noise, rand) => {
  const pts: Point[] = [];
  const cls = (x: number, y: number) => {
    const i = Math.floor((Math.min(Math.max(x, -5.99), 5.99) + 6) / 3);
    const j = Math.floor((Math.min(Math.max(y, -5.99), 5.99) + 6) / 3);
    return (i % 2) + 2 * (j % 2);
  };
  for (let k = 0; k < n; k++) {
    const x1 = uniform(rand, -5.8, 5.8);
    const x2 = uniform(rand, -5.8, 5.8);
    const nx = uniform(rand, -3, 3) * noise;
    const ny = uniform(rand, -3, 3) * noise;
    pts.push({ x1, x2, label: cls(x1 + nx, x2 + ny) });
  }
  return pts;
};

const plane: Gen = (n, noise, rand) => {
  const pts: Point[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = uniform(rand, -6, 6);
    const x2 = uniform(rand, -6, 6);
    const nx = uniform(rand, -6, 6) * noise;
    const ny = uniform(rand, -6, 6) * noise;
    pts.push({ x1, x2, label: (x1 + nx + x2 + ny) / 10 });
  }
  return pts;
};

const multigauss: Gen = (n, noise, rand) => {
  const centers = [
    [-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
    [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1],
  ];
  const label = (x: number, y: number) => {
    let best = 0;
    for (const [cx, cy, sign] of centers) {
      const v = sign * Math.max(0, 1 - Math.hypot(x - cx, y - cy) / 2);
      if (Math.abs(v) > Math.abs(best)) best = v;
    }
    return best;
  };
  const pts: Point[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = uniform(rand, -6, 6);
    const x2 = uniform(rand, -6, 6);
    const nx = uniform(rand, -6, 6) * noise;
    const ny = uniform(rand, -6, 6) * noise;
    pts.push({ x1, x2, label: label(x1 + nx, x2 + ny) });
  }
  return pts;
};

const GENERATORS: Record<string, Gen> = {
  circle, xor, gauss, spiral: spiralArms(2), moons, spiral3: spiralArms(3), checker, plane,
  multigauss,
};

/** Points of data set `id`: `noise` in [0, 0.5]. */
export function generate(id: string, n: number, noise: number, seed: number): Point[] {
  return (GENERATORS[id] ?? circle)(n, noise, rng(seed));
}

/** The state's data set, shuffled with its seed and split into train and test. */
export function makeSplit(s: State): Split {
  const rand = rng(s.seed ^ 0x9e3779b9);
  const pts = generate(s.dataset, s.samples, s.noise / 100, s.seed);
  for (let i = pts.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [pts[i], pts[j]] = [pts[j], pts[i]];
  }
  const nTrain = Math.round((pts.length * s.ratio) / 100);
  return { train: pts.slice(0, nTrain), test: pts.slice(nTrain), classes: datasetInfo(s.dataset).classes };
}

/** Feature matrix (row-major, rows × features) for points. */
export function featureMatrix(pts: { x1: number; x2: number }[], features: FeatureId[]): Float32Array {
  const fs = features.map((id) => FEATURES.find((f) => f.id === id)!.f);
  const out = new Float32Array(pts.length * fs.length);
  pts.forEach((p, i) => fs.forEach((f, j) => (out[i * fs.length + j] = f(p.x1, p.x2))));
  return out;
}

/** Domain of every picture: the square [-6, 6]². */
export const DOMAIN = 6;

/** Grid points over [-6, 6]², row 0 at the top (x2 = +6), `res` × `res` cell centres. */
export function gridPoints(res: number): { x1: number; x2: number }[] {
  const pts: { x1: number; x2: number }[] = [];
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      pts.push({
        x1: -DOMAIN + ((c + 0.5) * 2 * DOMAIN) / res,
        x2: DOMAIN - ((r + 0.5) * 2 * DOMAIN) / res,
      });
    }
  }
  return pts;
}
