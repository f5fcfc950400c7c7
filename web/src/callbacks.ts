// Keras callbacks. The built-in ones (`earlyStopping`, `reduceLROnPlateau`) are plain data that
// travel to the engine: nn's training loop runs them after every epoch, in the training worker,
// exactly as `Model::fit` does natively. Custom callbacks are objects with any of Keras' hooks;
// they run on the page, and `fit` waits for them (and for the promises they return) before the
// next batch or epoch, so `model.stopTraining = true` and a thrown error take effect at once.
import type { Builtin, Mode } from './generated/spec.js';
import type { Logs } from './host.js';

export type { Mode };

/** A custom callback: any of Keras' hooks (each may return a promise, which `fit` awaits). */
export interface Callback {
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: { epoch: number }): void | Promise<void>;
  onBatchEnd?(batch: number, logs: { loss: number; epoch: number }): void | Promise<void>;
}

/** A built-in callback, run by the engine (see `earlyStopping`, `reduceLROnPlateau`). */
export interface BuiltinCallback {
  /** nn's built-in callback as the engine reads it (types generated from crates/nn). */
  readonly builtin: Builtin;
}

/** Drop undefined fields so the engine's defaults apply. */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Keras' `EarlyStopping`: stop when `monitor` (default 'val_loss') has not improved by more than
 *  `minDelta` for `patience` epochs; `restoreBestWeights` puts the best epoch's weights back. */
export function earlyStopping(o: { monitor?: string; patience?: number; minDelta?: number; mode?: Mode; restoreBestWeights?: boolean } = {}): BuiltinCallback {
  return {
    builtin: {
      type: 'early_stopping' as const,
      ...clean({ monitor: o.monitor, patience: o.patience, min_delta: o.minDelta, mode: o.mode, restore_best_weights: o.restoreBestWeights }),
    },
  };
}

/** Keras' `ReduceLROnPlateau`: multiply the learning rate by `factor` (0.1) after `patience` (10)
 *  epochs without improvement of `monitor` ('val_loss'), then wait `cooldown` epochs; never
 *  below `minLr`. */
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

export function isBuiltin(c: unknown): c is BuiltinCallback {
  return typeof c === 'object' && c !== null && 'builtin' in c;
}
