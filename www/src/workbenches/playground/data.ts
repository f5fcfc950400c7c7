// The 2-D data sets, generated from a seed so that a link reproduces the same points.
// Shapes follow TF Playground (circle, XOR, two Gaussians, spiral, plane, multi-Gaussian), plus
// two moons, a three-arm spiral and a four-class checkerboard. Points lie in [-6, 6]². The points
// come from webgrad's generators (`wg.datasets`), so a seed gives the same points there and here.

import * as wg from 'webgrad';
import type { Kind2d } from 'webgrad';
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

/** `n` draws in [0, 1) from webgrad's seeded generator: same seed → same draws. */
export function uniforms(n: number, seed: number): Float32Array {
  const t = wg.randomUniform([n], { seed: seed >>> 0 });
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

/** The playground's data set ids → webgrad's generators (crates/data, `wg.datasets`). */
const KINDS: Record<string, Kind2d> = {
  circle: 'circle', xor: 'xor', gauss: 'gaussian', spiral: 'spiral', moons: 'moons', spiral3: 'spiral3',
  checker: 'checkerboard4', plane: 'regress_plane', multigauss: 'regress_gaussian',
};

/** Points of data set `id`: `noise` in [0, 0.5]. Exactly `wg.datasets.synthetic2d(kind, { n, noise,
 *  seed })`'s points (the engine must be started: `wg.init`). */
export function generate(id: string, n: number, noise: number, seed: number): Point[] {
  const d = wg.datasets.synthetic2d(KINDS[id] ?? 'circle', { n, noise, seed, classes: true });
  try {
    const x = d.x.dataSync();
    const y = d.y.dataSync();
    const pts: Point[] = new Array(n);
    for (let i = 0; i < n; i++) pts[i] = { x1: x[2 * i], x2: x[2 * i + 1], label: y[i] };
    return pts;
  } finally {
    d.x.dispose();
    d.y.dispose();
  }
}

/** The state's data set, shuffled with its seed and split into train and test. */
export function makeSplit(s: State): Split {
  const pts = generate(s.dataset, s.samples, s.noise / 100, s.seed);
  // A seeded shuffle: order the points by one uniform draw each.
  const keys = uniforms(pts.length, s.seed ^ 0x9e3779b9);
  const order = pts.map((_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
  const shuffled = order.map((i) => pts[i]);
  const nTrain = Math.round((pts.length * s.ratio) / 100);
  return { train: shuffled.slice(0, nTrain), test: shuffled.slice(nTrain), classes: datasetInfo(s.dataset).classes };
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
