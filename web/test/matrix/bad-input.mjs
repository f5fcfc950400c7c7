// The bad-input matrix: each case feeds the public API something wrong and checks the message,
// and `healthy` checks the engine still works afterwards. Plain JavaScript that takes the package
// as an argument, so the same cases run in Node (test/bad-input.test.ts) and in Chromium on the
// CPU and on WebGPU (test/chromium.test.ts).

/** Fail unless `fn` throws (or its promise rejects) with a message matching `re`. */
export async function throws(fn, re) {
  let message;
  try {
    await fn();
  } catch (err) {
    message = err instanceof Error ? err.message : String(err);
  }
  if (message === undefined) throw new Error(`expected an error matching ${re}, but nothing was thrown`);
  if (!re.test(message)) throw new Error(`expected an error matching ${re}, got: ${message}`);
}

function equal(got, want, what) {
  const g = JSON.stringify(Array.from(got));
  const w = JSON.stringify(Array.from(want));
  if (g !== w) throw new Error(`${what}: got ${g}, expected ${w}`);
}

/** The engine works: tensor ops, autograd and a training step. */
export async function healthy(wg) {
  equal(wg.tensor([[1, 2], [3, 4]]).matmul(wg.tensor([[1], [1]])).dataSync(), [3, 7], 'matmul after the error');
  const x = wg.tensor([1, 2, 3]).requireGrad();
  x.square().sum().backward();
  equal(x.grad.dataSync(), [2, 4, 6], 'gradient after the error');
  const m = wg.sequential([wg.dense({ units: 2, inputShape: [2] })], { seed: 1 });
  m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
  const loss = await m.trainOnBatch([[1, 2]], [[0, 1]]);
  if (!Number.isFinite(loss)) throw new Error(`a training step after the error gave loss ${loss}`);
  m.dispose();
}

const small = (wg, seed = 1) => {
  const m = wg.sequential([wg.dense({ units: 2, inputShape: [2] })], { seed });
  m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
  return m;
};

/** [name, case]: every case runs on the page's tensors and on the training host's device. */
export const CASES = [
  ['broadcast to 2^32 elements', (wg) => throws(() => wg.zeros([65536, 1]).add(wg.zeros([1, 65536])), /add: the result of shape \[65536, 65536\] would have more than 268435456 elements/)],
  ['broadcast that wraps on wasm32', (wg) => throws(() => wg.zeros([65537, 1]).add(wg.zeros([1, 65536])), /more than 268435456 elements/)],
  ['matmul over the limit', (wg) => throws(() => wg.zeros([65536, 1]).matmul(wg.zeros([1, 65536])), /matmul: the result of shape/)],
  ['broadcastTo 4e8 elements', (wg) => throws(() => wg.scalar(1).broadcastTo([20000, 20000]), /broadcast_to: .*\[20000, 20000\].*268435456/)],
  ['zeros with a huge shape', (wg) => throws(() => wg.zeros([1e6, 1e6]), /more than 268435456 elements/)],
  ['reshape with a fraction', (wg) => throws(() => wg.zeros([2, 3]).reshape([2.9, 3]), /reshape: shape\[0\] must be an integer, got 2.9/)],
  ['sum over a fractional axis', (wg) => throws(() => wg.zeros([2, 3]).sum(1.5), /sum: axis\[0\] must be an integer, got 1.5/)],
  ['gather with a fractional index', (wg) => throws(() => wg.zeros([3, 2]).gather([1.7]), /int32 value 1.7 at index 0 is not a whole number/)],
  ['int32 beyond range', (wg) => throws(() => wg.tensor([3e9], [1], 'int32'), /int32 value 3000000000 at index 0/)],
  ['arange(-1)', (wg) => throws(() => wg.arange(-1), /arange: n must be a non-negative integer, got -1/)],
  ['seed 1.5', (wg) => throws(() => wg.randomUniform([2], { seed: 1.5 }), /randomUniform: seed must be a non-negative integer.*got 1.5/)],
  ['seed NaN for a data set', (wg) => throws(() => wg.datasets.circle({ seed: NaN }), /seed must be a non-negative integer.*got NaN/)],
  ['slice with a negative start', (wg) => throws(() => wg.zeros([4]).slice(0, -1, 2), /slice: start must be a non-negative integer, got -1/)],
  ['oneHot(0)', (wg) => throws(() => wg.tensor([1], [1], 'int32').oneHot(0), /oneHot: numClasses must be a positive integer, got 0/)],
  ['maxPool2d kernel 1.5', (wg) => throws(() => wg.zeros([1, 1, 4, 4]).maxPool2d(1.5), /maxPool2d: kernel\[0\] must be a non-negative integer, got 1.5/)],
  ['backward twice through one graph', (wg) => throws(() => { const l = wg.tensor([1, 2]).requireGrad().square().sum(); l.backward(); l.backward(); }, /backward: trying to go backward through the graph a second time .*retainGraph: true/)],
  ['a disposed tensor', (wg) => throws(() => { const t = wg.tensor([1]); t.dispose(); return t.add(1); }, /this tensor was disposed/)],
  ['a layer too large for the engine', (wg) => {
    const m = wg.sequential([wg.dense({ units: 1e9, inputShape: [2] })]);
    m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    return throws(() => m.build(), /more than 268435456 elements/);
  }],
  ['a spec field of the wrong type names the layer and field', (wg) => {
    const m = wg.sequential([wg.dense({ units: 2, inputShape: [2] }), wg.dense({ units: -1 })]);
    m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    return throws(() => m.build(), /layers\[1\]\.units/);
  }],
  ['weights with NaN or infinity are refused, naming the parameter', async (wg) => {
    const m = small(wg);
    const w = await m.getWeights();
    await throws(() => m.setWeights({ ...w, '0.weight': wg.tensor([[1, NaN], [0, 1]]) }), /0\.weight holds NaN at index 1/);
    await throws(() => m.setParameter('0.bias', wg.tensor([Infinity, 0])), /0\.bias holds inf at index 0/);
    equal((await m.getParameter('0.weight')).dataSync(), w['0.weight'].dataSync(), 'weights after the refused ones');
    m.dispose();
  }],
  ['fit and evaluate check their arguments before training', async (wg) => {
    const m = wg.sequential([wg.dense({ units: 1, inputShape: [2] })], { seed: 1 });
    m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    const x = wg.zeros([4, 2]);
    await throws(() => m.fit(x, wg.zeros([3, 1])), /targets of shape \[3, 1\] do not match .* 4 examples/);
    await throws(() => m.fit(x, wg.zeros([4, 1]), { epochs: 1.5 }), /epochs 1.5 must be an integer/);
    await throws(() => m.fit(x, wg.zeros([4, 1]), { batchSize: 2.5 }), /batchSize 2.5 must be an integer/);
    await throws(() => m.evaluate(x, wg.zeros([4, 1]), { batchSize: 0 }), /batch_size must be ≥ 1/);
    m.dispose();
  }],
  ['a loss that becomes NaN stops fit, the last finite weights back', async (wg) => {
    const xs = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i));
    const bad = xs.slice();
    bad[5] = NaN;
    const x = wg.tensor(xs, [16, 2]);
    const y = wg.zeros([16, 1]);
    const m = wg.sequential([wg.dense({ units: 1, inputShape: [2] })], { seed: 2 });
    m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    await m.fit(x, y, { epochs: 1, batchSize: 8 });
    const before = (await m.predict(x)).dataSync();
    await throws(() => m.fit(wg.tensor(bad, [16, 2]), y, { epochs: 3, batchSize: 8 }), /loss became NaN in epoch 0 .*weights from before that epoch are back/);
    equal((await m.predict(x)).dataSync(), before, 'predictions after the stopped fit');
    m.dispose();
  }],
  ['a throwing callback rejects fit with its error', async (wg) => {
    const m = small(wg);
    await throws(() => m.fit(wg.zeros([8, 2]), wg.zeros([8, 2]), { epochs: 3, onEpochEnd: () => { throw new Error('my callback broke'); } }), /my callback broke/);
    m.dispose();
  }],
  ['a throwing onWarning rejects fit with its error', async (wg) => {
    const m = small(wg);
    const x = wg.tensor([[NaN, 1], [0, 1]]);
    await throws(() => m.fit(x, wg.zeros([2, 2]), { epochs: 2, onNonFinite: 'warn', onWarning: () => { throw new Error('my warning handler broke'); } }), /my warning handler broke/);
    m.dispose();
  }],
  ['a model that diverged under onNonFinite "warn" can still be saved, and its file is refused on load', async (wg) => {
    const m = small(wg);
    await m.fit(wg.tensor([[NaN, 1], [0, 1]]), wg.zeros([2, 2]), { epochs: 1, onNonFinite: 'warn', onWarning: () => {} });
    const bytes = await m.save();
    m.dispose();
    await throws(() => wg.loadModel(bytes), /0\.(weight|bias) holds NaN/);
  }],
  ['a second fit on a training model is refused', async (wg) => {
    const m = small(wg);
    const first = m.fit(wg.zeros([64, 2]), wg.zeros([64, 2]), { epochs: 3, batchSize: 4 });
    await throws(() => m.fit(wg.zeros([4, 2]), wg.zeros([4, 2])), /already training/);
    await first;
    m.dispose();
  }],
  ['a corrupt model file', async (wg) => {
    const m = small(wg);
    const bytes = await m.save();
    m.dispose();
    await throws(() => wg.loadModel(bytes.slice(0, bytes.length - 7)), /safetensors|file|truncated|bytes/i);
    await throws(() => wg.loadModel(new Uint8Array([1, 2, 3])), /safetensors|file/i);
  }],
  ['a disposed model', async (wg) => {
    const m = small(wg);
    m.dispose();
    await throws(() => m.predict([[1, 2]]), /disposed/);
  }],
  // Tables and classic models (wg.data, wg.ml): each message names the line, column or estimator.
  ['a ragged CSV row', (wg) => throws(() => wg.data.readCsv('a,b\n1,2\n3\n'), /line 3 has 1 fields, the first line has 2/)],
  ['an empty CSV', (wg) => throws(() => wg.data.readCsv(''), /CSV: the file is empty/)],
  ['a CSV with a header only', (wg) => throws(() => wg.data.readCsv('a,b\n'), /header \(2 columns\) but no rows of data/)],
  ['a CSV that is not UTF-8', (wg) => throws(() => wg.data.readCsv(new Uint8Array([0x61, 0x0a, 0xff, 0xfe, 0x0a])), /line 2, column 1: not UTF-8/)],
  ['two CSV columns with one name', (wg) => throws(() => wg.data.readCsv('a,a\n1,2\n'), /columns 1 and 2 are both named "a"/)],
  ['a CSV over the size cap', (wg) => throws(() => wg.data.readCsv(new Blob(Array.from({ length: 257 }, () => new Uint8Array(2 ** 20)))), /257\.0 MiB; the most that can be read is 256 MiB/)],
  ['text in a numeric CSV column', async (wg) => {
    const rows = Array.from({ length: 12 }, (_, i) => `${i === 4 ? 'n.a.' : i},${i % 2 ? 'a' : 'b'}`);
    const f = await wg.data.readCsv('x,y\n' + rows.join('\n'));
    await throws(() => f.toTensors({ target: 'y' }), /column "x" has cells that are not numbers: line 6: "n.a." is not a number/);
  }],
  ['a target with a single class', async (wg) => {
    const f = await wg.data.readCsv('x,y\n1,a\n2,a\n3,a\n');
    await throws(() => f.toTensors({ target: 'y' }), /the target "y" has one class only \("a"\)/);
  }],
  ['constant and duplicate feature columns', async (wg) => {
    const f = await wg.data.readCsv('x,c,d,y\n1,5,1,a\n2,5,2,b\n3,5,3,a\n4,5,4,b\n');
    const t = await f.toTensors({ target: 'y' });
    if (!t.notes.some((n) => /column "c" is constant/.test(n))) throw new Error(`no note on the constant column: ${t.notes}`);
    if (!t.notes.some((n) => /column "d" duplicates column "x"/.test(n))) throw new Error(`no note on the duplicate column: ${t.notes}`);
  }],
  ['an estimator misused', async (wg) => {
    await throws(() => new wg.ml.LogisticRegression().predict([[1, 2]]), /LogisticRegression: predict needs a fitted estimator/);
    await throws(() => new wg.ml.LogisticRegression().fit([[1], [2]], [3, 3]), /LogisticRegression: .*2 classes/);
    await throws(() => new wg.ml.KMeans({ nClusters: 3 }).fit([[NaN, 1], [2, 3], [4, 5]]), /KMeans: X\[0, 0\] is NaN/);
    await throws(() => new wg.ml.RandomForestClassifier({ nTrees: 3 }).fit([[1]], [0]), /RandomForestClassifier: bad parameters: unknown field `nTrees`/);
    await throws(() => wg.metrics.rocAuc([0, 0], [0.1, 0.2]), /Only one class present in y_true/);
  }],
];
