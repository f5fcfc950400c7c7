/**
 * `wg.callbacks`: Keras' callbacks for `fit` (`earlyStopping`, `reduceLROnPlateau`, run by the
 * engine) and the `Callback` interface for custom ones.
 *
 * @module
 */
// Keras callbacks. The built-in ones (`earlyStopping`, `reduceLROnPlateau`) are plain data that
// travel to the engine: nn's training loop runs them after every epoch, in the training worker,
// exactly as `Model::fit` does natively. Custom callbacks are objects with any of Keras' hooks;
// they run on the page, and `fit` waits for them (and for the promises they return) before the
// next batch or epoch, so `model.stopTraining = true` and a thrown error take effect at once.
import type { Builtin, Mode } from './generated/spec.js';
import type { Logs } from './host.js';

export type { Mode };

/**
 * A custom callback: any of Keras' hooks, run on the page (each may return a promise, which `fit`
 * awaits before the next batch or epoch).
 *
 * @example
 * ```ts
 * const log: wg.Callback = {
 *   onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss),
 *   onBatchEnd: (batch, logs) => { if (!Number.isFinite(logs.loss)) model.stopTraining = true; },
 * };
 * await model.fit(x, y, { epochs: 10, callbacks: [log] });
 * ```
 */
export interface Callback {
  /** Before the first epoch. */
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  /** After the last epoch, with its logs. */
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  /** Before each epoch. */
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  /** After each epoch, with its loss, metrics and validation numbers. */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  /** Before each batch. */
  onBatchBegin?(batch: number, logs?: { epoch: number }): void | Promise<void>;
  /** After each batch, with its loss. */
  onBatchEnd?(batch: number, logs: { loss: number; epoch: number }): void | Promise<void>;
}

/**
 * A built-in callback, run by the engine in the training worker after every epoch (see
 * `earlyStopping`, `reduceLROnPlateau`).
 *
 * @example
 * ```ts
 * const cbs: wg.BuiltinCallback[] = [wg.callbacks.earlyStopping({ patience: 3 })];
 * await model.fit(x, y, { epochs: 100, validationSplit: 0.2, callbacks: cbs });
 * ```
 */
export interface BuiltinCallback {
  /** nn's built-in callback as the engine reads it (types generated from crates/nn). */
  readonly builtin: Builtin;
}

/** Drop undefined fields so the engine's defaults apply. */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Keras' `EarlyStopping`: stop when `monitor` (default 'val_loss') has not improved by more than
 * `minDelta` for `patience` epochs; `restoreBestWeights` puts the best epoch's weights back.
 *
 * @example
 * ```ts
 * await model.fit(x, y, {
 *   epochs: 200, validationSplit: 0.2,
 *   callbacks: [wg.callbacks.earlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true })],
 * });
 * ```
 */
export function earlyStopping(o: { monitor?: string; patience?: number; minDelta?: number; mode?: Mode; restoreBestWeights?: boolean } = {}): BuiltinCallback {
  return {
    builtin: {
      type: 'early_stopping' as const,
      ...clean({ monitor: o.monitor, patience: o.patience, min_delta: o.minDelta, mode: o.mode, restore_best_weights: o.restoreBestWeights }),
    },
  };
}

/**
 * Keras' `ReduceLROnPlateau`: multiply the learning rate by `factor` (0.1) after `patience` (10)
 * epochs without improvement of `monitor` ('val_loss'), then wait `cooldown` epochs; never
 * below `minLr`.
 *
 * @example
 * ```ts
 * await model.fit(x, y, {
 *   epochs: 100, validationSplit: 0.2,
 *   callbacks: [wg.callbacks.reduceLROnPlateau({ factor: 0.5, patience: 3, minLr: 1e-5 })],
 * });
 * ```
 */
export function reduceLROnPlateau(
  o: { monitor?: string; factor?: number; patience?: number; minDelta?: number; cooldown?: number; minLr?: number; mode?: Mode } = {},
): BuiltinCallback {
  return {
    builtin: {
      type: 'reduce_lr_on_plateau' as const,
      ...clean({ monitor: o.monitor, factor: o.factor, patience: o.patience, min_delta: o.minDelta, cooldown: o.cooldown, min_lr: o.minLr, mode: o.mode }),
    },
  };
}

/**
 * Whether `c` is a built-in (engine-run) callback rather than a custom one.
 *
 * @example
 * ```ts
 * wg.callbacks.isBuiltin(wg.callbacks.earlyStopping()); // true
 * wg.callbacks.isBuiltin({ onEpochEnd() {} });         // false
 * ```
 */
export function isBuiltin(c: unknown): c is BuiltinCallback {
  return typeof c === 'object' && c !== null && 'builtin' in c;
}
