/**
 * `wg.datasets` (also `wg.data.datasets`): the engine's data sets as tensors ready for `fit`.
 *
 * @module
 */
// Data sets from the engine's webgrad-data crate, as tensors ready for `model.fit`.
import { engine } from './engine.js';
import { intArg, seedArg } from './args.js';
import { Tensor } from './tensor.js';

/**
 * The 2-D data sets by name: TensorFlow Playground's six, plus moons, a 3-arm spiral and a
 * 4-class checkerboard.
 *
 * @example
 * ```ts
 * const kind: wg.Kind2d = 'spiral3';
 * const { x, y, numClasses } = wg.datasets.synthetic2d(kind, { n: 300 }); // numClasses 3
 * ```
 */
export type Kind2d =
  | 'circle' | 'xor' | 'gaussian' | 'spiral' | 'regress_plane' | 'regress_gaussian' | 'moons' | 'checkerboard' | 'spiral3'
  | 'checkerboard4';

/**
 * A data set as tensors ready for `model.fit`.
 *
 * @example
 * ```ts
 * const { x, y, numClasses } = wg.datasets.circle({ n: 200, seed: 1 });
 * x.shape;    // [200, 2]
 * numClasses; // 2
 * ```
 */
export interface Dataset {
  /** Features [n, ...featureShape] (float32). */
  x: Tensor;
  /** Class indices [n] (int32), or values [n, width] (float32) for regression sets. */
  y: Tensor;
  /** Number of classes, 0 for real-valued targets. */
  numClasses: number;
}

type RawDataset = ReturnType<ReturnType<typeof engine>['Dataset']['mnist']>;

function toTensors(d: RawDataset): Dataset {
  const e = engine();
  const n = d.length;
  const x = new Tensor(e.Tensor.fromF32(d.features(), Uint32Array.from([n, ...d.featureShape])));
  const classes = d.classLabels();
  const y = classes
    ? new Tensor(e.Tensor.fromI32(classes, Uint32Array.from([n])))
    : new Tensor(e.Tensor.fromF32(d.valueLabels()!, Uint32Array.from([n, d.labelWidth])));
  const numClasses = d.numClasses;
  d.free();
  return { x, y, numClasses };
}

/**
 * Options of the 2-D data sets.
 *
 * @example
 * ```ts
 * const opts: wg.Synthetic2dOptions = { n: 400, noise: 0.2, seed: 7, classes: false }; // ±1 targets
 * wg.datasets.xor(opts);
 * ```
 */
export interface Synthetic2dOptions {
  /** Number of points (default 500). */
  n?: number;
  /** Label noise on the Playground's scale, 0 to 0.5 (default 0). */
  noise?: number;
  seed?: number;
  /** Binary sets: class indices 0/1 (default, for softmax cross-entropy) or ±1 values (false). */
  classes?: boolean;
}

/**
 * A TensorFlow-Playground-style 2-D data set (the same seed gives the same points as the
 * engine's own generators).
 *
 * @example
 * ```ts
 * const { x, y } = wg.datasets.synthetic2d('gaussian', { n: 500, noise: 0.1, seed: 1 });
 * ```
 */
export function synthetic2d(kind: Kind2d, opts: Synthetic2dOptions = {}): Dataset {
  return toTensors(engine().Dataset.synthetic2d(kind, intArg(kind, 'n', opts.n ?? 500, 0), opts.noise ?? 0, seedArg(kind, opts.seed ?? 0), opts.classes ?? true));
}

/**
 * The names `synthetic2d` accepts.
 *
 * @example
 * ```ts
 * wg.datasets.kinds2d(); // ['circle', 'xor', 'gaussian', 'spiral', …]
 * ```
 */
export function kinds2d(): Kind2d[] {
  return engine().Dataset.kinds2d() as Kind2d[];
}

/**
 * MNIST from the bytes of its IDX files (gzip or not): x [n, 1, 28, 28] in [0, 1], y classes 0–9.
 *
 * @example
 * ```ts
 * const [images, labels] = await Promise.all(['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']
 *   .map(async (f) => new Uint8Array(await (await fetch(f)).arrayBuffer())));
 * const { x, y } = wg.datasets.mnist(images!, labels!); // x [60000, 1, 28, 28]
 * ```
 */
export function mnist(images: Uint8Array, labels: Uint8Array): Dataset {
  return toTensors(engine().Dataset.mnist(images, labels));
}

/**
 * Two interleaved spirals (Playground's "spiral"): `synthetic2d('spiral', o)`.
 *
 * @example
 * ```ts
 * const { x, y } = wg.datasets.spiral({ n: 400, noise: 0.1 });
 * ```
 */
export const spiral = (o?: Synthetic2dOptions) => synthetic2d('spiral', o);
/**
 * A disc of one class inside a ring of the other (Playground's "circle"): `synthetic2d('circle', o)`.
 *
 * @example
 * ```ts
 * const { x, y } = wg.datasets.circle({ n: 400 });
 * ```
 */
export const circle = (o?: Synthetic2dOptions) => synthetic2d('circle', o);
/**
 * The class is the sign of x·y (Playground's "xor"): `synthetic2d('xor', o)`.
 *
 * @example
 * ```ts
 * const { x, y } = wg.datasets.xor({ n: 400 });
 * ```
 */
export const xor = (o?: Synthetic2dOptions) => synthetic2d('xor', o);
/**
 * Two Gaussian blobs at (2, 2) and (-2, -2) (Playground's "gaussian"): `synthetic2d('gaussian', o)`.
 *
 * @example
 * ```ts
 * const { x, y } = wg.datasets.gaussian({ n: 400 });
 * ```
 */
export const gaussian = (o?: Synthetic2dOptions) => synthetic2d('gaussian', o);
/**
 * Two interleaved half-moons (scikit-learn's `make_moons`): `synthetic2d('moons', o)`.
 *
 * @example
 * ```ts
 * const { x, y } = wg.datasets.moons({ n: 500, noise: 0.1, seed: 1 });
 * ```
 */
export const moons = (o?: Synthetic2dOptions) => synthetic2d('moons', o);
/**
 * Three spiral arms, three classes: `synthetic2d('spiral3', o)`.
 *
 * @example
 * ```ts
 * const { x, y, numClasses } = wg.datasets.spiral3({ n: 600 }); // numClasses 3
 * ```
 */
export const spiral3 = (o?: Synthetic2dOptions) => synthetic2d('spiral3', o);
/**
 * A two-class checkerboard: `synthetic2d('checkerboard', o)`.
 *
 * @example
 * ```ts
 * const { x, y } = wg.datasets.checkerboard({ n: 800 });
 * ```
 */
export const checkerboard = (o?: Synthetic2dOptions) => synthetic2d('checkerboard', o);
/**
 * Four classes on a 4×4 board over [-6, 6]², as the playground draws it.
 *
 * @example
 * ```ts
 * const { x, y, numClasses } = wg.datasets.checkerboard4({ n: 800 }); // numClasses 4
 * ```
 */
export const checkerboard4 = (o?: Synthetic2dOptions) => synthetic2d('checkerboard4', o);
/**
 * Regression: the target (x + y) / 10 over [-6, 6]² (Playground's "plane"): `synthetic2d('regress_plane', o)`.
 *
 * @example
 * ```ts
 * const { x, y } = wg.datasets.regressPlane({ n: 400 }); // y [400, 1] float32
 * ```
 */
export const regressPlane = (o?: Synthetic2dOptions) => synthetic2d('regress_plane', o);
/**
 * Regression: six signed bumps on a 3×2 grid (Playground's "multi gaussian"):
 * `synthetic2d('regress_gaussian', o)`.
 *
 * @example
 * ```ts
 * const { x, y } = wg.datasets.regressGaussian({ n: 400 });
 * ```
 */
export const regressGaussian = (o?: Synthetic2dOptions) => synthetic2d('regress_gaussian', o);
