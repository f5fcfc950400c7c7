// Runs the @example code of the doc comments (the API reference's examples) against the engine,
// so an example that throws fails here; check-docs.mjs type-checks them. `model`, `x` and `y` are
// given to every example (a small compiled classifier and the moons set); examples that need a
// file, the network or WebGPU are skipped.
import { readFileSync, readdirSync } from 'node:fs';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { initInline } from './helpers.js';

const SKIP = /\bfetch\(|\bdf\b|\bfile\b|readCsv\(|'webgpu'|simulateDeviceLoss/;
const src = new URL('../src/', import.meta.url);

function examples(): { where: string; code: string }[] {
  const out: { where: string; code: string }[] = [];
  for (const f of readdirSync(src).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(new URL(f, src), 'utf8');
    for (const m of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
      const body = m[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n');
      const at = body.indexOf('@example');
      if (at < 0) continue;
      const ex = body.slice(at + '@example'.length);
      const fenced = /```(?:ts|js)?\n([\s\S]*?)```/.exec(ex);
      const line = text.slice(0, m.index).split('\n').length;
      out.push({ where: `${f}:${line}`, code: fenced ? fenced[1]! : ex.trim() });
    }
  }
  return out;
}

const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

beforeAll(async () => {
  await initInline();
});

describe('doc examples run', () => {
  const all = examples();
  it('finds the examples', () => expect(all.length).toBeGreaterThan(150));
  for (const { where, code } of all) {
    it.skipIf(SKIP.test(code))(where, async () => {
      const { x, y } = wg.datasets.moons({ n: 64, seed: 1 });
      const model = wg.sequential([wg.dense({ units: 4, activation: 'relu', inputShape: [2] }), wg.dense({ units: 2 })]);
      model.compile({ optimizer: wg.adam(0.01), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
      const js = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
      try {
        // A block of its own: the example may declare its own `x`, `y` or `model`.
        await new AsyncFunction('wg', 'model', 'x', 'y', `{\n${js}\n}`)(wg, model, x, y);
      } catch (e) {
        if (!(e instanceof wg.CancelledError)) throw e;
      } finally {
        model.dispose();
      }
    });
  }
});
