// wg.io: safetensors files of named tensors, and model files with the caller's metadata.
import { readFileSync } from 'node:fs';
import { describe, expect, it, beforeAll } from 'vitest';
import * as wg from '../src/index.js';
import { initInline } from './helpers.js';

beforeAll(async () => {
  await initInline();
});

describe('wg.io', () => {
  it('reads the file Python’s safetensors wrote', () => {
    const bytes = readFileSync(new URL('../../crates/nn/tests/fixtures/python_written.safetensors', import.meta.url));
    const { tensors, metadata } = wg.io.loadSafetensors(new Uint8Array(bytes));
    expect(metadata.source).toBe('python safetensors');
    expect(tensors['weights.f32'].shape).toEqual([2, 3]);
    expect(Array.from(tensors['weights.f32'].dataSync()).slice(2, 4)).toEqual([1.5, -2.25]);
    expect(tensors['ints.i64'].dtype).toBe('int32');
    expect(Array.from(tensors['ints.i64'].dataSync())).toEqual([5, -6]);
  });

  it('round-trips named tensors and metadata, leaving the tensors usable', () => {
    const a = wg.tensor([[1, 2], [3, 4]]);
    const bytes = wg.io.saveSafetensors({ a, 'b.idx': wg.tensor([7, -1], [2], 'int32') }, { note: 'hi' });
    expect(a.dataSync()[3]).toBe(4); // not consumed
    const back = wg.io.loadSafetensors(bytes);
    expect(Object.keys(back.tensors)).toEqual(['a', 'b.idx']);
    expect(back.tensors.a.arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(back.tensors['b.idx'].dtype).toBe('int32');
    expect(back.metadata).toEqual({ note: 'hi' });
    expect(() => wg.io.loadSafetensors(new Uint8Array([1, 2, 3]))).toThrow(/safetensors/);
    expect(() => wg.io.saveSafetensors({ a }, { n: 3 } as never)).toThrow(/metadata/);
  });

  it('model.save keeps the caller’s metadata beside the spec; reserved keys are refused', async () => {
    const m = wg.sequential([wg.dense({ units: 2, inputShape: [3] })], { seed: 1 });
    m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    const bytes = await m.save({ metadata: { state: 'dataset=xor', epoch: '7' } });
    const { metadata, tensors } = wg.io.loadSafetensors(bytes);
    expect([metadata.state, metadata.epoch, metadata.format]).toEqual(['dataset=xor', '7', 'webgrad']);
    expect(JSON.parse(metadata['webgrad.spec']).input_shape).toEqual([3]);
    expect(tensors['0.weight'].shape).toEqual([3, 2]);
    const loaded = await wg.loadModel(bytes);
    expect((await loaded.predict([[1, 2, 3]])).dataSync()).toEqual((await m.predict([[1, 2, 3]])).dataSync());
    await expect(m.save({ metadata: { 'webgrad.spec': '{}' } })).rejects.toThrow(/reserved/);
    m.dispose();
  });
});
