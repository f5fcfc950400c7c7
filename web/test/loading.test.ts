// Loading the engine: what a page sees when a .wasm URL serves something else, when a build does
// not compile, and that CPU training never fetches the full engine (WebGPU, tables) until a table
// is read.
import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { firstCompiling, fullEngineLoaded, loadFullEngine } from '../src/engine.js';

describe('loading the engine', () => {
  it('names the URL, the status, the content type, the first bytes and the fix when a server sends HTML', async () => {
    const html = new Response('<!doctype html><html><body>index</body></html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const err = await loadFullEngine(html).catch((e: Error) => e);
    expect(String(err)).toMatch(/is not WebAssembly: the server answered 200 with content type text\/html/);
    expect(String(err)).toMatch(/starting 3c 21 64 6f 63 74 79 70 65/);
    expect(String(err)).toMatch(/optimizeDeps: \{ exclude: \["webgrad"\] \}/);
    expect(String(err)).toMatch(/init\(\{ baseUrl/);
  });

  it('names the URL of a file that is missing or cannot be fetched', async () => {
    const missing = new Response('not found', { status: 404, statusText: 'Not Found', headers: { 'content-type': 'text/plain' } });
    expect(String(await loadFullEngine(missing).catch((e) => e))).toMatch(/could not fetch the engine from .*404 Not Found \(content type text\/plain\)/);
    expect(String(await loadFullEngine('http://127.0.0.1:9/pkg/webgrad_full.wasm').catch((e) => e)))
      .toMatch(/could not fetch the engine from http:\/\/127\.0\.0\.1:9\/pkg\/webgrad_full\.wasm/);
    const file = new URL('../pkg/no-such-build.wasm', import.meta.url);
    expect(String(await loadFullEngine(file).catch((e) => e))).toMatch(/could not read the engine from file:\/\/.*no-such-build\.wasm/);
  });

  it('falls back to the next flavour when a build does not compile, and says why', async () => {
    const plain = await WebAssembly.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    const tried: string[] = [];
    const r = await firstCompiling(['relaxed-simd', 'simd128', 'plain'], async (f) => {
      tried.push(f);
      if (f !== 'plain') throw new WebAssembly.CompileError(`${f} opcode not available`);
      return plain;
    });
    expect(tried).toEqual(['relaxed-simd', 'simd128', 'plain']);
    expect(r.flavor).toBe('plain');
    expect(r.fallback).toMatch(/the relaxed-simd build did not compile here \(relaxed-simd opcode not available\); the simd128 build/);
    // Anything else (a 404) is not a reason to try a slower build: it is thrown as it is.
    await expect(firstCompiling(['simd128', 'plain'], async () => { throw new Error('404'); })).rejects.toThrow('404');
  });

  it('init() in Node finds its own wasm; CPU training never loads the full engine, a table does', async () => {
    const info = await wg.init();
    expect(info.worker).toBe(false);
    expect(info.trainingBuild).toBe('cpu');
    expect(['simd128', 'relaxed-simd']).toContain(info.flavor);
    const { x, y } = wg.datasets.moons({ n: 64, seed: 1 });
    const model = wg.sequential([wg.dense({ units: 8, activation: 'relu' }), wg.dense({ units: 2 })]);
    model.compile({ optimizer: wg.adam(0.01), loss: 'softmaxCrossEntropy' });
    await model.fit(x, y, { epochs: 2, batchSize: 32 });
    expect(fullEngineLoaded()).toBe(false);
    const frame = await wg.data.readCsv('a,b\n1,x\n2,y\n');
    expect(frame.numRows).toBe(2);
    expect(fullEngineLoaded()).toBe(true);
  });
});
