// Data sets from the engine's webgrad-data crate, as tensors ready for `model.fit`.
import { engine } from './engine.js';
import { Tensor, intArg, seedArg } from './tensor.js';

export type Kind2d =
  | 'circle' | 'xor' | 'gaussian' | 'spiral' | 'regress_plane' | 'regress_gaussian' | 'moons' | 'checkerboard' | 'spiral3'
  | 'checkerboard4';

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

export interface Synthetic2dOptions {
  /** Number of points (default 500). */
  n?: number;
  /** Label noise on the Playground's scale, 0 to 0.5 (default 0). */
  noise?: number;
  seed?: number;
  /** Binary sets: class indices 0/1 (default, for softmax cross-entropy) or ±1 values (false). */
  classes?: boolean;
}

/** A TensorFlow-Playground-style 2-D data set. */
export function synthetic2d(kind: Kind2d, opts: Synthetic2dOptions = {}): Dataset {
  return toTensors(engine().Dataset.synthetic2d(kind, intArg(kind, 'n', opts.n ?? 500, 0), opts.noise ?? 0, seedArg(kind, opts.seed ?? 0), opts.classes ?? true));
}

/** The names `synthetic2d` accepts. */
export function kinds2d(): Kind2d[] {
  return engine().Dataset.kinds2d() as Kind2d[];
}

/** MNIST from the bytes of its IDX files (gzip or not): x [n, 1, 28, 28] in [0, 1], y classes 0–9. */
export function mnist(images: Uint8Array, labels: Uint8Array): Dataset {
  return toTensors(engine().Dataset.mnist(images, labels));
}

/** Shorthands for the 2-D sets. */
export const spiral = (o?: Synthetic2dOptions) => synthetic2d('spiral', o);
export const circle = (o?: Synthetic2dOptions) => synthetic2d('circle', o);
export const xor = (o?: Synthetic2dOptions) => synthetic2d('xor', o);
export const gaussian = (o?: Synthetic2dOptions) => synthetic2d('gaussian', o);
export const moons = (o?: Synthetic2dOptions) => synthetic2d('moons', o);
export const spiral3 = (o?: Synthetic2dOptions) => synthetic2d('spiral3', o);
export const checkerboard = (o?: Synthetic2dOptions) => synthetic2d('checkerboard', o);
/** Four classes on a 4×4 board over [-6, 6]², as the playground draws it. */
export const checkerboard4 = (o?: Synthetic2dOptions) => synthetic2d('checkerboard4', o);
export const regressPlane = (o?: Synthetic2dOptions) => synthetic2d('regress_plane', o);
export const regressGaussian = (o?: Synthetic2dOptions) => synthetic2d('regress_gaussian', o);
