import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as wg from 'webgrad';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  defaultState, fromHash, MAX_LAYERS, MAX_NEURONS, normalize, outputUnits, toHash, type State,
} from '../../src/workbenches/playground/state';
import { generate, makeSplit } from '../../src/workbenches/playground/data';

beforeAll(async () => {
  const pkg = dirname(createRequire(import.meta.url).resolve('webgrad/package.json'));
  await wg.init({ worker: false, wasm: readFileSync(join(pkg, 'pkg/webgrad_simd.wasm')), device: 'cpu' });
});

describe('TensorFlow Playground links', () => {
  const TF = '#activation=relu&batchSize=20&dataset=spiral&regDataset=reg-plane&learningRate=0.01&regularizationRate=0.003&noise=15&networkShape=6,3,2&seed=0.12345&showTestData=true&discretize=true&percTrainData=70&x=true&y=true&xTimesY=true&xSquared=false&ySquared=false&cosX=false&sinX=true&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false&regularization=L2';

  it('open as the same experiment', () => {
    const p = fromHash(TF);
    expect(p.problems).toEqual([]);
    expect(p.state).toMatchObject({
      problem: 'classification', dataset: 'spiral', activation: 'relu', batch: 20, learningRate: 0.01,
      regularization: 'L2', regRate: 0.003, noise: 15, hidden: [6, 3, 2], showTestData: true,
      discretize: true, ratio: 70, features: ['x1', 'x2', 'x1x2', 'sinx1'],
    });
    expect(p.state.seed).toBe(fromHash(TF).state.seed);
    expect(p.state.seed).not.toBe(fromHash(TF.replace('0.12345', '0.5')).state.seed);
  });

  it('read regDataset for regression, and no hidden layers', () => {
    const p = fromHash('#problem=regression&dataset=circle&regDataset=reg-gauss&networkShape=&x=true&y=false');
    expect(p.problems).toEqual([]);
    expect(p.state).toMatchObject({ problem: 'regression', dataset: 'multigauss', hidden: [], features: ['x1'] });
  });

  it('say what has no counterpart here', () => {
    const p = fromHash('#learningRate=0.03&cosX=true&initZero=true');
    expect(p.problems.join(' ')).toMatch(/cosX/);
    expect(p.problems.join(' ')).toMatch(/initZero/);
  });
});

describe('routes', () => {
  it('old links and route links parse alike', () => {
    const a = fromHash('#dataset=xor&hidden=3');
    const b = fromHash('#/playground?dataset=xor&hidden=3');
    expect(a.problems).toEqual([]);
    expect(b).toEqual(a);
    expect(fromHash('#/playground').state).toEqual(defaultState());
  });
});

describe('URL hash', () => {
  it('round-trips the default state', () => {
    const s = defaultState();
    const p = fromHash(toHash(s));
    expect(p.problems).toEqual([]);
    expect(p.state).toEqual(s);
  });

  it('round-trips every field changed at once', () => {
    const s: State = {
      ...defaultState(),
      problem: 'classification', dataset: 'spiral3', noise: 35, ratio: 70, batch: 64, samples: 1000,
      features: ['x1', 'x2', 'sinx1', 'x1x2'], hidden: [8, 6, 3], activation: 'relu',
      layerActivations: [null, 'sigmoid', 'linear'], learningRate: 0.003, regularization: 'L1',
      regRate: 0.01, optimizer: 'adam', loss: 'xent', dropout: 0.2, batchNorm: true, seed: 424242,
      showTestData: true, discretize: true, device: 'cpu', hide: ['features', 'lr'],
    };
    const p = fromHash(toHash(s));
    expect(p.problems).toEqual([]);
    expect(p.state).toEqual(normalize({ ...s }));
  });

  it('is readable', () => {
    const h = toHash({ ...defaultState(), dataset: 'spiral', hidden: [8, 8], seed: 7 });
    expect(h).toMatch(/^#\/playground\?problem=classification&dataset=spiral&/);
    expect(h).toContain('&hidden=8,8&');
    expect(h).toContain('&seed=7&');
  });

  it('takes an empty hash as the defaults without complaint', () => {
    for (const h of ['', '#', '#&&']) expect(fromHash(h)).toEqual({ state: defaultState(), problems: [] });
  });

  it('keeps good fields and reports bad ones', () => {
    const p = fromHash('#dataset=spiral&noise=500&hidden=3,x&lr=0.12345&bogus=1&activation=relu');
    expect(p.state.dataset).toBe('spiral');
    expect(p.state.activation).toBe('relu');
    expect(p.state.noise).toBe(defaultState().noise);
    expect(p.state.hidden).toEqual(defaultState().hidden);
    expect(p.state.learningRate).toBe(defaultState().learningRate);
    expect(p.problems).toHaveLength(4);
    expect(p.problems.join()).toMatch(/bogus/);
  });

  it('rejects garbage of every kind without throwing', () => {
    const junk = ['#%E0%A4%A', '#hidden=' + '9,'.repeat(100), '#seed=-5', '#seed=1e9999', '#features=',
      '#=&=&', '#hidden=0', `#hidden=${MAX_NEURONS + 1}`, '#batch=0', '#dataset=__proto__', '#constructor=1'];
    for (const h of junk) {
      const p = fromHash(h);
      expect(p.problems.length, h).toBeGreaterThan(0);
      expect(p.state.hidden.length).toBeLessThanOrEqual(MAX_LAYERS);
      expect(p.state.features.length).toBeGreaterThan(0);
    }
  });

  it('lets the data set decide the problem type', () => {
    const p = fromHash('#problem=classification&dataset=plane&loss=xent');
    expect(p.state.problem).toBe('regression');
    expect(p.state.loss).toBe('mse');
    expect(p.problems.length).toBe(1);
  });

  it('accepts zero hidden layers and pads per-layer activations', () => {
    expect(fromHash('#hidden=').state.hidden).toEqual([]);
    const p = fromHash('#hidden=4,4,4&layerAct=relu');
    expect(p.state.layerActivations).toEqual(['relu', null, null]);
  });
});

describe('model shape', () => {
  it('uses one output for binary squared error and regression, one per class otherwise', () => {
    expect(outputUnits(defaultState())).toBe(1);
    expect(outputUnits({ ...defaultState(), loss: 'xent' })).toBe(2);
    expect(outputUnits({ ...defaultState(), dataset: 'checker' })).toBe(4);
    expect(outputUnits({ ...defaultState(), dataset: 'multigauss', problem: 'regression' })).toBe(1);
  });
});

describe('data sets', () => {
  it('are reproducible from the seed', () => {
    expect(generate('spiral', 100, 0.2, 5)).toEqual(generate('spiral', 100, 0.2, 5));
    expect(generate('spiral', 100, 0.2, 5)).not.toEqual(generate('spiral', 100, 0.2, 6));
  });

  it('split by the ratio, with every class present', () => {
    const s = { ...defaultState(), dataset: 'checker', ratio: 30, samples: 1000 };
    const sp = makeSplit(s);
    expect(sp.train.length).toBe(300);
    expect(sp.test.length).toBe(700);
    expect(new Set(sp.train.map((p) => p.label))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('stay inside [-6, 6]² without noise', () => {
    for (const id of ['circle', 'xor', 'spiral', 'moons', 'spiral3', 'checker', 'plane', 'multigauss']) {
      for (const p of generate(id, 200, 0, 1)) {
        expect(Math.abs(p.x1)).toBeLessThanOrEqual(6);
        expect(Math.abs(p.x2)).toBeLessThanOrEqual(6);
      }
    }
  });
});

describe('the playground’s points are webgrad’s', () => {
  const pairs: [string, (o: wg.Synthetic2dOptions) => wg.Dataset][] = [
    ['spiral', wg.datasets.spiral], ['circle', wg.datasets.circle], ['xor', wg.datasets.xor],
    ['gauss', wg.datasets.gaussian], ['moons', wg.datasets.moons], ['spiral3', wg.datasets.spiral3],
    ['checker', wg.datasets.checkerboard4], ['plane', wg.datasets.regressPlane], ['multigauss', wg.datasets.regressGaussian],
  ];
  for (const [id, make] of pairs) {
    it(`${id}: wg.datasets gives exactly the points the playground shows for a seed`, () => {
      for (const [n, noise, seed] of [[500, 0, 1], [250, 0.35, 123456]] as const) {
        const d = make({ n, noise, seed });
        const x = d.x.dataSync();
        const y = d.y.dataSync();
        const pts = generate(id, n, noise, seed);
        expect(pts.length).toBe(n);
        expect(Float32Array.from(pts.flatMap((p) => [p.x1, p.x2]))).toEqual(x);
        expect(Float32Array.from(pts.map((p) => p.label))).toEqual(Float32Array.from(y));
      }
    });
  }
});
