// Keras-shaped builders for the engine's model spec (crates/nn/src/spec.rs, serde JSON with
// snake_case names and a `type` tag). Nothing here touches the engine: these functions only
// build plain objects, so a spec can be stored, sent to a worker or edited by hand.

/**
 * Activations by their Keras names (camelCase) or the spec's own (snake_case).
 *
 * @example
 * ```ts
 * wg.dense({ units: 8, activation: 'leakyRelu' });
 * ```
 */
export type ActivationName = 'linear' | 'relu' | 'leakyRelu' | 'leaky_relu' | 'tanh' | 'sigmoid' | 'gelu' | 'softmax';
/**
 * Weight initialisers by their Keras names or the spec's own.
 *
 * @example
 * ```ts
 * wg.dense({ units: 8, kernelInitializer: 'heNormal' });
 * ```
 */
export type InitializerName =
  | 'zeros' | 'ones' | 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'lecunUniform' | 'lecunNormal'
  | 'glorot_uniform' | 'glorot_normal' | 'he_uniform' | 'he_normal' | 'lecun_uniform' | 'lecun_normal';
/**
 * A named initialiser, or a normal / uniform one with its scale.
 *
 * @example
 * ```ts
 * wg.dense({ units: 8, kernelInitializer: { normal: { std: 0.02 } } });
 * ```
 */
export type Initializer = InitializerName | { normal: { std: number } } | { uniform: { limit: number } };

// The spec's types are generated from crates/nn by ts-rs (src/generated/spec.ts, checked by
// crates/nn/tests/ts_types.rs); the builders below only add Keras-shaped names.
import type { LayerSpec, LossSpec, ModelSpec, OptimizerSpec } from './generated/spec.js';
export type {
  Activation, Init, LayerSpec, LossSpec, ModelSpec, OptimizerSpec, Regularization, Schedule,
} from './generated/spec.js';

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function activation(a: ActivationName | undefined): string | undefined {
  return a === undefined ? undefined : snake(a);
}

function initializer(i: Initializer | undefined): unknown {
  return typeof i === 'string' ? snake(i) : i;
}

/** Drop undefined fields so the engine's defaults apply. */
function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * Options every layer takes: `inputShape` (no batch axis) on the first layer fixes the model's input.
 *
 * @example
 * ```ts
 * wg.sequential([wg.dense({ units: 4, inputShape: [2] }), wg.dense({ units: 1 })]);
 * ```
 */
export interface LayerOptions {
  inputShape?: number[];
}
/**
 * A layer spec plus, on the first layer, the input shape: what the layer builders return and
 * `sequential()` takes. Plain data: it can be stored, sent or edited.
 *
 * @example
 * ```ts
 * const l: wg.Layer = wg.dense({ units: 3 });
 * l.type; // 'dense'
 * ```
 */
export type Layer = LayerSpec & { inputShape?: number[] };

function layer(type: string, fields: Record<string, unknown>, opts: LayerOptions = {}): Layer {
  const l = clean({ type, ...fields }) as unknown as Layer;
  if (opts.inputShape) Object.defineProperty(l, 'inputShape', { value: [...opts.inputShape], enumerable: false });
  return l;
}

function squareOf(v: number | [number, number] | undefined, what: string): number | undefined {
  if (Array.isArray(v)) {
    if (v[0] !== v[1]) throw new Error(`webgrad: ${what} must be square, got [${v}]`);
    return v[0];
  }
  return v;
}

/**
 * The layer builders, Keras' names and options (the common ones are also at the top level:
 * `wg.dense`, `wg.conv2d`, …).
 *
 * @example
 * ```ts
 * const { layers } = wg;
 * wg.sequential([layers.embedding({ inputDim: 100, outputDim: 16 }), layers.flatten(), layers.dense({ units: 2 })]);
 * ```
 */
export const layers = {
  /** Fully connected over the last axis. */
  dense(o: LayerOptions & { units: number; activation?: ActivationName; useBias?: boolean; kernelInitializer?: Initializer }): Layer {
    return layer('dense', { units: o.units, activation: activation(o.activation), use_bias: o.useBias, init: initializer(o.kernelInitializer) }, o);
  },
  /** 2-D convolution over [C, H, W] inputs; `padding: 'same'` keeps the size for odd kernels and stride 1. */
  conv2d(o: LayerOptions & {
    filters: number; kernelSize: number | [number, number]; strides?: number | [number, number];
    padding?: 'valid' | 'same' | number; activation?: ActivationName; useBias?: boolean; kernelInitializer?: Initializer;
  }): Layer {
    const k = squareOf(o.kernelSize, 'kernelSize')!;
    const padding = o.padding === 'same' ? Math.floor(k / 2) : o.padding === 'valid' ? 0 : o.padding;
    return layer('conv2d', {
      filters: o.filters, kernel_size: k, stride: squareOf(o.strides, 'strides'), padding,
      activation: activation(o.activation), use_bias: o.useBias, init: initializer(o.kernelInitializer),
    }, o);
  },
  /** Max pooling over [C, H, W] inputs (`strides` default to the pool size). */
  maxPooling2d(o: LayerOptions & { poolSize: number | [number, number]; strides?: number | [number, number]; padding?: number }): Layer {
    return layer('max_pool2d', { pool_size: squareOf(o.poolSize, 'poolSize'), stride: squareOf(o.strides, 'strides'), padding: o.padding }, o);
  },
  /** Average pooling over [C, H, W] inputs (`strides` default to the pool size). */
  averagePooling2d(o: LayerOptions & { poolSize: number | [number, number]; strides?: number | [number, number]; padding?: number }): Layer {
    return layer('avg_pool2d', { pool_size: squareOf(o.poolSize, 'poolSize'), stride: squareOf(o.strides, 'strides'), padding: o.padding }, o);
  },
  /** Flatten each example into one axis. */
  flatten(o: LayerOptions = {}): Layer {
    return layer('flatten', {}, o);
  },
  /** Reshape each example (no batch axis). */
  reshape(o: LayerOptions & { targetShape: number[] }): Layer {
    return layer('reshape', { shape: o.targetShape }, o);
  },
  /** Zero a fraction `rate` of the inputs while training (scaling the rest); identity otherwise. */
  dropout(o: LayerOptions & { rate: number }): Layer {
    return layer('dropout', { rate: o.rate }, o);
  },
  /** Batch normalisation over the feature axis (running statistics for evaluation). */
  batchNormalization(o: LayerOptions & { epsilon?: number; momentum?: number } = {}): Layer {
    return layer('batch_norm', { eps: o.epsilon, momentum: o.momentum }, o);
  },
  /** Layer normalisation over the last axis. */
  layerNormalization(o: LayerOptions & { epsilon?: number } = {}): Layer {
    return layer('layer_norm', { eps: o.epsilon }, o);
  },
  /** An activation function as a layer of its own. */
  activation(o: LayerOptions & { activation: ActivationName }): Layer {
    return layer('activation', { activation: activation(o.activation) }, o);
  },
  /** Leaky ReLU as a layer (`alpha`: the slope below zero). */
  leakyReLU(o: LayerOptions & { alpha?: number } = {}): Layer {
    return layer('leaky_relu', { alpha: o.alpha }, o);
  },
  /** int32 token indices → vectors; must be the first layer. */
  embedding(o: LayerOptions & { inputDim: number; outputDim: number; embeddingsInitializer?: Initializer }): Layer {
    return layer('embedding', { vocab_size: o.inputDim, dim: o.outputDim, init: initializer(o.embeddingsInitializer) }, o);
  },
  /** Token plus learned position embedding of [T] token indices; must be the first layer. */
  tokenPositionEmbedding(o: LayerOptions & { vocabSize: number; maxLen: number; dim: number; initializer?: Initializer }): Layer {
    return layer('token_position_embedding', { vocab_size: o.vocabSize, max_len: o.maxLen, dim: o.dim, init: initializer(o.initializer) }, o);
  },
  /** Masked multi-head self-attention over [T, E] (each position sees itself and earlier ones). */
  causalSelfAttention(o: LayerOptions & { heads: number; dropout?: number; initializer?: Initializer }): Layer {
    return layer('causal_self_attention', { heads: o.heads, dropout: o.dropout, init: initializer(o.initializer) }, o);
  },
  /** Pre-norm GPT block over [T, E]. */
  transformerBlock(o: LayerOptions & { heads: number; mlpRatio?: number; dropout?: number; initializer?: Initializer }): Layer {
    return layer('transformer_block', { heads: o.heads, mlp_ratio: o.mlpRatio, dropout: o.dropout, init: initializer(o.initializer) }, o);
  },
};

/**
 * A learning rate: a number, or `{ learningRate }` as Keras' optimizers take it.
 *
 * @example
 * ```ts
 * wg.adam({ learningRate: 0.01 });
 * wg.adam(0.01); // the same
 * ```
 */
export type LearningRate = number | { learningRate: number };
const lrOf = (lr: LearningRate) => (typeof lr === 'number' ? lr : lr.learningRate);

/**
 * The optimizer builders; the learning rate is a number or `{ learningRate }` (also at the top
 * level: `wg.sgd`, `wg.adam`, `wg.adamw`, `wg.rmsprop`).
 *
 * @example
 * ```ts
 * model.compile({ optimizer: wg.optimizers.sgd(0.1, { momentum: 0.9, nesterov: true }), loss: 'mse' });
 * ```
 */
export const optimizers = {
  /** Stochastic gradient descent, with optional (Nesterov) momentum and weight decay. */
  sgd(lr: LearningRate, o: { momentum?: number; nesterov?: boolean; weightDecay?: number } = {}): OptimizerSpec {
    return clean({ type: 'sgd' as const, lr: lrOf(lr), momentum: o.momentum, nesterov: o.nesterov, weight_decay: o.weightDecay });
  },
  /** Adam (default learning rate 0.001); `weightDecay` adds L2 to the gradients. */
  adam(lr: LearningRate = 0.001, o: { beta1?: number; beta2?: number; epsilon?: number; weightDecay?: number } = {}): OptimizerSpec {
    return clean({ type: 'adam' as const, lr: lrOf(lr), beta1: o.beta1, beta2: o.beta2, eps: o.epsilon, weight_decay: o.weightDecay });
  },
  /** AdamW: Adam with decoupled weight decay. */
  adamw(lr: LearningRate = 0.001, o: { beta1?: number; beta2?: number; epsilon?: number; weightDecay?: number } = {}): OptimizerSpec {
    return clean({ type: 'adamw' as const, lr: lrOf(lr), beta1: o.beta1, beta2: o.beta2, eps: o.epsilon, weight_decay: o.weightDecay });
  },
  /** RMSprop (`rho`: the decay of the squared-gradient average). */
  rmsprop(lr: LearningRate = 0.001, o: { rho?: number; epsilon?: number; momentum?: number; weightDecay?: number } = {}): OptimizerSpec {
    return clean({ type: 'rmsprop' as const, lr: lrOf(lr), alpha: o.rho, eps: o.epsilon, momentum: o.momentum, weight_decay: o.weightDecay });
  },
};

/**
 * Losses by their Keras/TF.js names or the spec's own. All take the model's raw outputs
 * (logits for the cross-entropies: Keras' `fromLogits: true`); `predictProba` applies the
 * softmax or sigmoid.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: wg.adam(), loss: 'sparseCategoricalCrossentropy' });
 * ```
 */
export type LossName =
  | 'mse' | 'meanSquaredError' | 'mae' | 'meanAbsoluteError' | 'huber'
  | 'binaryCrossEntropy' | 'binaryCrossentropy' | 'softmaxCrossEntropy' | 'sparseCategoricalCrossentropy'
  | 'categoricalCrossentropy' | 'categoricalCrossEntropy'
  | 'binary_cross_entropy' | 'softmax_cross_entropy' | 'categorical_cross_entropy';
/**
 * A loss by name, or with its options (`classWeights`, `labelSmoothing`, Huber's `delta`).
 *
 * @example
 * ```ts
 * model.compile({ optimizer: wg.adam(), loss: { type: 'softmaxCrossEntropy', labelSmoothing: 0.1 } });
 * ```
 */
export type Loss =
  | LossName
  | { type: string; classWeights?: number[]; labelSmoothing?: number; delta?: number; [key: string]: unknown };

const LOSS_ALIASES: Record<string, string> = {
  meanSquaredError: 'mse', meanAbsoluteError: 'mae', sparseCategoricalCrossentropy: 'softmax_cross_entropy',
  binaryCrossentropy: 'binary_cross_entropy', categoricalCrossentropy: 'categorical_cross_entropy',
};

/** The spec's loss for a loss name or object. */
export function lossSpec(loss: Loss): ModelSpec['loss'] {
  // Names are checked by the engine when the spec is parsed.
  if (typeof loss === 'string') return { type: LOSS_ALIASES[loss] ?? snake(loss) } as LossSpec;
  const { type, classWeights, labelSmoothing, ...rest } = loss;
  return clean({ ...rest, type: LOSS_ALIASES[type] ?? snake(type), class_weights: classWeights, label_smoothing: labelSmoothing }) as LossSpec;
}

/**
 * What `model.compile` takes: the optimizer, the loss, and optionally a learning-rate schedule,
 * gradient clipping and L1/L2 regularisation (`metrics` too, on `compile` itself).
 *
 * @example
 * ```ts
 * model.compile({ optimizer: wg.adamw(0.001), loss: 'mse', clipGradNorm: 1, regularization: { l2: 1e-4 } });
 * ```
 */
export interface CompileOptions {
  optimizer: OptimizerSpec | 'sgd' | 'adam' | 'adamw' | 'rmsprop';
  loss: Loss;
  /** A learning-rate schedule in the spec's form, e.g. `{ type: 'cosine', total_steps: 1000 }`. */
  schedule?: ModelSpec['schedule'];
  clipGradNorm?: number;
  regularization?: { l1?: number; l2?: number };
}

/** The spec's optimizer for a builder's result or a bare name (default settings). */
export function optimizerSpec(o: CompileOptions['optimizer']): OptimizerSpec {
  if (typeof o !== 'string') return o;
  return o === 'sgd' ? optimizers.sgd(0.01) : optimizers[o]();
}

/**
 * The whole spec (the JSON the engine builds a model from) from layers, compile options, input
 * shape and seed.
 *
 * @example
 * ```ts
 * const spec = wg.modelSpec([wg.dense({ units: 2 })], { optimizer: 'adam', loss: 'mse' }, [3], 0);
 * spec.input_shape; // [3]
 * ```
 */
export function modelSpec(layerList: Layer[], compile: CompileOptions, inputShape: number[], seed: number): ModelSpec {
  return clean({
    input_shape: [...inputShape],
    layers: layerList.map((l) => ({ ...l })),
    loss: lossSpec(compile.loss),
    optimizer: optimizerSpec(compile.optimizer),
    schedule: compile.schedule,
    clip_grad_norm: compile.clipGradNorm,
    regularization: compile.regularization,
    seed,
  });
}
