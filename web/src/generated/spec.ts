// Generated from crates/nn (ModelSpec and the types it holds, FitOptions and its callbacks) by ts-rs; do not edit.
// Regenerate: WEBGRAD_BLESS=1 cargo test --release -p webgrad-nn --test ts_types

export type ModelSpec = { 
/**
 * Shape of one example (no batch axis).
 */
input_shape: Array<number>, layers: Array<LayerSpec>, loss: LossSpec, optimizer: OptimizerSpec, schedule?: Schedule, 
/**
 * Clip gradients to this global L2 norm before each update.
 */
clip_grad_norm?: number, regularization?: Regularization, 
/**
 * Seeds weight initialisation, dropout and shuffling. Keep it below 2^53 so that JavaScript
 * numbers carry it exactly.
 */
seed?: number, };

export type Regularization = { l1?: number, l2?: number, };

export type LayerSpec = { "type": "dense", units: number, activation?: Activation, use_bias?: boolean, init?: Init, } | { "type": "conv2d", filters: number, kernel_size: number, stride?: number, 
/**
 * Zero padding on each side (kernel_size / 2 keeps the size for odd kernels and stride 1).
 */
padding?: number, activation?: Activation, use_bias?: boolean, init?: Init, } | { "type": "max_pool2d", pool_size: number, 
/**
 * Defaults to `pool_size`.
 */
stride?: number, padding?: number, } | { "type": "avg_pool2d", pool_size: number, stride?: number, padding?: number, } | { "type": "flatten" } | { "type": "reshape", shape: Array<number>, } | { "type": "dropout", rate: number, } | { "type": "batch_norm", eps?: number, momentum?: number, } | { "type": "layer_norm", eps?: number, } | { "type": "activation", activation: Activation, } | { "type": "leaky_relu", alpha?: number, } | { "type": "embedding", vocab_size: number, dim: number, init?: Init, } | { "type": "token_position_embedding", vocab_size: number, max_len: number, dim: number, init?: Init, } | { "type": "causal_self_attention", heads: number, dropout?: number, init?: Init, } | { "type": "transformer_block", heads: number, mlp_ratio?: number, dropout?: number, init?: Init, };

export type LossSpec = { "type": "mse" } | { "type": "mae" } | { "type": "binary_cross_entropy" } | { "type": "softmax_cross_entropy", class_weights?: Array<number>, } | { "type": "categorical_cross_entropy", 
/**
 * Mix the targets with the uniform distribution: y·(1 − s) + s / C.
 */
label_smoothing?: number, } | { "type": "huber", delta?: number, };

export type OptimizerSpec = { "type": "sgd", lr: number, momentum?: number, nesterov?: boolean, 
/**
 * L2 penalty added to the gradient.
 */
weight_decay?: number, } | { "type": "adam", lr: number, beta1?: number, beta2?: number, eps?: number, 
/**
 * L2 penalty added to the gradient (coupled, as in PyTorch's Adam).
 */
weight_decay?: number, } | { "type": "adamw", lr: number, beta1?: number, beta2?: number, eps?: number, 
/**
 * Decoupled decay: w ← w·(1 − lr·weight_decay) before the Adam step.
 */
weight_decay?: number, } | { "type": "rmsprop", lr: number, alpha?: number, eps?: number, momentum?: number, weight_decay?: number, };

export type Schedule = { "type": "constant" } | { "type": "step", step_size: number, gamma: number, } | { "type": "exponential", gamma: number, decay_steps?: number, } | { "type": "cosine", total_steps: number, min_lr?: number, } | { "type": "warmup", steps: number, then: Schedule, };

export type Init = "zeros" | "ones" | "glorot_uniform" | "glorot_normal" | "he_uniform" | "he_normal" | "lecun_uniform" | "lecun_normal" | { "normal": { std: number, } } | { "uniform": { limit: number, } };

export type Activation = "linear" | "relu" | "leaky_relu" | "tanh" | "sigmoid" | "gelu" | "softmax";

export type FitOptions = { 
/**
 * The epoch to stop before, as in Keras: epochs `initial_epoch..epochs` run (all of them
 * when `initial_epoch` is 0; none when it is ≥ `epochs`).
 */
epochs: number, batch_size?: number, 
/**
 * Reshuffle the training examples every epoch (from the model's seeded generator, or from
 * `seed` when given).
 */
shuffle?: boolean, 
/**
 * Hold out this fraction of the examples — the last ones, before shuffling, as in Keras.
 */
validation_split?: number, metrics?: Array<Metric>, 
/**
 * Shorthand for an `early_stopping` entry of `callbacks`.
 */
early_stopping?: EarlyStopping, 
/**
 * Built-in callbacks, run in this order after every epoch.
 */
callbacks?: Array<Builtin>, 
/**
 * The first epoch's number (to continue an earlier run).
 */
initial_epoch?: number, 
/**
 * Seed of this run's shuffling; without it the model's own generator goes on.
 */
seed?: number, 
/**
 * What a NaN or infinite loss does (default: stop with an error, last finite weights back).
 */
on_non_finite?: NonFinite, };

export type Metric = "accuracy" | "binary_accuracy" | "categorical_accuracy" | "mae" | "mse" | "precision" | "recall" | "auc";

export type Builtin = { "type": "early_stopping" } & EarlyStopping | { "type": "reduce_lr_on_plateau" } & ReduceLrOnPlateau;

export type EarlyStopping = { 
/**
 * A key of the epoch logs: "val_loss" (default), "loss", "val_accuracy", …
 */
monitor?: string, 
/**
 * Epochs without improvement to wait before stopping.
 */
patience?: number, 
/**
 * Smallest change that counts as an improvement.
 */
min_delta?: number, mode?: Mode, 
/**
 * At the end of `fit`, put back the weights of the best epoch.
 */
restore_best_weights?: boolean, };

export type ReduceLrOnPlateau = { monitor?: string, factor?: number, patience?: number, min_delta?: number, cooldown?: number, min_lr?: number, mode?: Mode, };

export type Mode = "auto" | "min" | "max";

export type NonFinite = "stop" | "warn" | "ignore";
