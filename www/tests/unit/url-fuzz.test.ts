// Fuzzing the playground's URL parser (TypeScript, so fast-check rather than cargo fuzz): any
// hash — random text, random settings, mutated real links — must open as a valid experiment
// with its problems listed, never throw, write itself back unchanged, and describe a model the
// engine (through the public package) builds. Runs: WEBGRAD_FUZZ_RUNS (default 3000; the
// closing notes report long runs), model builds a tenth of that.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import * as wg from 'webgrad';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIVATIONS, DATASETS, defaultState, DEVICES, DROPOUT_RATES, FEATURES, fromHash, HIDEABLE, LEARNING_RATES,
  LOSSES, MAX_BATCH, MAX_LAYERS, MAX_NEURONS, OPTIMIZERS, REG_RATES, REGULARIZATIONS, toHash, type State,
} from '../../src/workbenches/playground/state';
import { sequentialOf, specOf } from '../../src/workbenches/playground/engine';

const RUNS = Number(process.env.WEBGRAD_FUZZ_RUNS ?? 3000);
/** Time for a run of RUNS cases (about half a millisecond each on these machines). */
const TIMEOUT = 30_000 + RUNS * 5;

beforeAll(async () => {
  const pkg = dirname(createRequire(import.meta.url).resolve('webgrad/package.json'));
  await wg.init({ worker: false, wasm: readFileSync(join(pkg, 'pkg/webgrad_simd.wasm')), device: 'cpu' });
});

const KEYS = ['problem', 'dataset', 'noise', 'ratio', 'batch', 'samples', 'features', 'hidden', 'activation', 'layerAct', 'lr', 'reg', 'regRate', 'opt', 'loss', 'dropout', 'bn', 'seed', 'showTest', 'discretize', 'device', 'hide'];
const TF_KEYS = ['activation', 'batchSize', 'dataset', 'regDataset', 'learningRate', 'regularizationRate', 'noise', 'networkShape', 'seed', 'showTestData', 'discretize', 'percTrainData', 'x', 'y', 'xTimesY', 'xSquared', 'ySquared', 'cosX', 'sinX', 'cosY', 'sinY', 'collectStats', 'problem', 'initZero', 'hideText', 'regularization'];
const WORDS = ['', '0', '1', '-1', '-0', '1.5', '1e3', 'NaN', 'Infinity', 'true', 'false', '%', '%zz', '%E2%80%A8', ',', ',,', '1,2,3', '32,32,32,32,32,32,32,32,32,32,32', '99999999999999999999', '0x10', ' 1', 'relu', 'tanh', 'spiral', 'xor', 'circle', 'reg-plane', 'regression', 'classification', 'L1', 'L2', 'adam', 'xent', 'x1,x2', 'sinx1', 'webgpu', '0.03', '3', '10', '256', '257', '🙂', '\u0000', 'constructor', '__proto__'];

const value = fc.oneof(fc.constantFrom(...WORDS), fc.string(), fc.integer({ min: -1000, max: 100000 }).map(String), fc.double().map(String), fc.array(fc.constantFrom(...WORDS), { maxLength: 12 }).map((a) => a.join(',')));
const pair = fc.tuple(fc.oneof(fc.constantFrom(...KEYS, ...TF_KEYS), fc.string({ maxLength: 8 })), value, fc.boolean());
const settings = fc.array(pair, { maxLength: 30 }).map((ps) => ps.map(([k, v, enc]) => `${k}=${enc ? encodeURIComponent(v) : v}`).join('&'));
const hash = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  settings.map((q) => `#/playground?${q}`),
  settings.map((q) => `#${q}`),
  fc.tuple(settings, fc.string({ maxLength: 10 })).map(([q, junk]) => `${junk}#/playground?${q}`),
);

/** Every field is one the controls could have set. */
function expectValid(s: State) {
  expect(DATASETS.map((d) => d.id)).toContain(s.dataset);
  expect(DATASETS.find((d) => d.id === s.dataset)!.problem).toBe(s.problem);
  for (const [v, lo, hi] of [[s.noise, 0, 50], [s.ratio, 10, 90], [s.batch, 1, MAX_BATCH], [s.seed, 0, 2 ** 31 - 1]] as const) {
    expect(Number.isInteger(v) && v >= lo && v <= hi, `${v} in ${lo}..${hi}`).toBe(true);
  }
  expect(s.features.length).toBeGreaterThan(0);
  for (const f of s.features) expect(FEATURES.map((x) => x.id)).toContain(f);
  expect(s.hidden.length).toBeLessThanOrEqual(MAX_LAYERS);
  for (const n of s.hidden) expect(Number.isInteger(n) && n >= 1 && n <= MAX_NEURONS).toBe(true);
  expect(s.layerActivations.length).toBe(s.hidden.length);
  for (const a of [s.activation, ...s.layerActivations.filter((x) => x !== null)]) expect(ACTIVATIONS).toContain(a);
  expect(LEARNING_RATES).toContain(s.learningRate);
  expect(REG_RATES).toContain(s.regRate);
  expect(DROPOUT_RATES).toContain(s.dropout);
  expect(REGULARIZATIONS).toContain(s.regularization);
  expect(OPTIMIZERS).toContain(s.optimizer);
  expect(LOSSES).toContain(s.loss);
  expect(DEVICES).toContain(s.device);
  for (const h of s.hide) expect(HIDEABLE).toContain(h);
  expect(Object.keys(s).sort()).toEqual(Object.keys(defaultState()).sort());
}

describe('the URL parser, fuzzed', () => {
  it('opens any hash as a valid experiment that writes itself back unchanged', () => {
    fc.assert(
      fc.property(hash, (h) => {
        const { state, problems } = fromHash(h);
        expectValid(state);
        for (const p of problems) expect(typeof p).toBe('string');
        const again = fromHash(toHash(state));
        expect(again.problems).toEqual([]);
        expect(again.state).toEqual(state);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('gives the engine a model it builds', async () => {
    await fc.assert(
      fc.asyncProperty(settings, async (q) => {
        const { state } = fromHash(`#/playground?${q}`);
        const model = sequentialOf(specOf(state));
        try {
          const info = await model.build();
          expect(info.outputShape.at(-1)).toBe(specOf(state).outputs);
        } finally {
          model.dispose();
        }
      }),
      { numRuns: Math.max(20, Math.round(RUNS / 10)) },
    );
  }, TIMEOUT);
});
