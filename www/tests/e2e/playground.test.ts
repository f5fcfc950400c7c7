// End-to-end: the built playground in headless Chromium, driven like a person would.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, open, shot, test$, useSiteAndBrowser } from './harness';

const env = useSiteAndBrowser();

const VIEWPORT = { viewport: { width: 1400, height: 1000 } };
const state = (page: Page) => page.evaluate(() => (window as any).playground.state);
const epoch = (page: Page): Promise<number> => page.evaluate(() => (window as any).playground.epoch);
const number = async (page: Page, id: string) => parseFloat((await page.textContent(test$(id))) ?? 'NaN');

async function trainUntil(page: Page, done: () => Promise<boolean>, timeoutMs: number) {
  await page.click(test$('play'));
  const t0 = Date.now();
  while (!(await done())) {
    if (Date.now() - t0 > timeoutMs) break;
    await page.waitForTimeout(500);
  }
  await page.click(test$('play'));
  // A burst already sent to the worker still lands after the pause.
  await page.waitForFunction(() => !(window as any).playground.busy);
}

describe('playground', () => {
  it('loads with no console errors, offline, under a strict CSP', async () => {
    const ctx = await env.browser.newContext(VIEWPORT);
    const requests: string[] = [];
    ctx.on('request', (r) => requests.push(r.url()));
    const { page, errors } = await open(ctx, env.site.url);
    await page.waitForTimeout(1000);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(env.site.url) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toContain(" 'unsafe-eval'");
    expect(await page.locator('.network .node').count()).toBeGreaterThan(7);
    await shot(page, '01-initial');
    await ctx.close();
  });

  it('trains the spiral to at least 90% test accuracy through the UI', async () => {
    const ctx = await env.browser.newContext(VIEWPORT);
    const { page, errors } = await open(ctx, env.site.url);
    await page.click(test$('dataset-spiral'));
    for (const f of ['x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2']) await page.click(test$(`feature-${f}`));
    for (let i = 0; i < 4; i++) await page.click(test$('neuron-add-0'));
    for (let i = 0; i < 4; i++) await page.click(test$('neuron-add-1'));
    await page.selectOption(test$('select-optimizer'), 'adam');
    await page.selectOption(test$('select-learningRate'), '0.01');
    const s = await state(page);
    expect(s.dataset).toBe('spiral');
    expect(s.hidden).toEqual([8, 6]);
    let best = 0;
    await trainUntil(page, async () => {
      best = Math.max(best, await number(page, 'test-accuracy'));
      return best >= 95;
    }, 150_000);
    const acc = await number(page, 'test-accuracy');
    console.log(`spiral: test accuracy ${acc}% after ${await epoch(page)} epochs`);
    expect(acc).toBeGreaterThanOrEqual(90);
    await page.check(test$('show-test'));
    await shot(page, '02-spiral-trained');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('adds a layer and neurons and redraws the network', async () => {
    const ctx = await env.browser.newContext(VIEWPORT);
    const { page } = await open(ctx, env.site.url);
    const hiddenNodes = () => page.locator('.network .node[data-test^="node-"]').count();
    const before = await hiddenNodes(); // 4 + 2 hidden + 1 output
    expect(before).toBe(7);
    await page.click(test$('layer-add'));
    expect((await state(page)).hidden).toEqual([4, 2, 2]);
    expect(await page.textContent('.layers-count')).toBe('3 hidden layers');
    await page.click(test$('neuron-add-2'));
    await page.click(test$('neuron-add-2'));
    expect((await state(page)).hidden).toEqual([4, 2, 4]);
    expect(await hiddenNodes()).toBe(before + 4);
    // Links from layer 2 (2 units) to the new layer (4 units) exist and are drawn.
    expect(await page.locator('[data-test^="link-2-"]').count()).toBe(8);
    await page.click(test$('layer-remove'));
    expect(await hiddenNodes()).toBe(before);
    await ctx.close();
  });

  it('reads and edits a weight and a bias by hovering and clicking', async () => {
    const ctx = await env.browser.newContext(VIEWPORT);
    const { page, errors } = await open(ctx, env.site.url);
    const link = page.locator(test$('link-2-1-0')); // hidden layer 2, unit 1 → output
    await link.hover();
    expect(await page.textContent('.net-tip')).toMatch(/^Weight -?\d+\.\d{3}/);
    await link.click();
    await page.fill('.net-edit', '2.5');
    await page.press('.net-edit', 'Enter');
    await page.mouse.move(0, 0);
    await link.hover();
    await page.waitForFunction(() => document.querySelector('.net-tip')?.textContent?.startsWith('Weight 2.500'));
    const bias = page.locator('.bias').last();
    await bias.click();
    await page.fill('.net-edit', '-1');
    await page.press('.net-edit', 'Enter');
    await page.mouse.move(0, 0);
    await bias.hover();
    await page.waitForFunction(() => document.querySelector('.net-tip')?.textContent?.startsWith('Bias -1.000'));
    await page.hover(test$('node-1-0'));
    expect(await page.isVisible('.net-zoom')).toBe(true);
    await shot(page, '03-hover-node');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('reproduces the experiment from a copied URL', async () => {
    const ctx = await env.browser.newContext(VIEWPORT);
    const { page } = await open(ctx, env.site.url);
    await page.click(test$('dataset-xor'));
    await page.click(test$('feature-x1x2'));
    await page.selectOption(test$('select-activation'), 'relu');
    await page.selectOption(test$('select-regularization'), 'L2');
    await page.locator(test$('slider-noise')).fill('25');
    await page.click(test$('regenerate'));
    await page.click(test$('layer-add'));
    const url = page.url();
    const s = await state(page);
    const points = await page.evaluate(() => document.querySelector<HTMLCanvasElement>('.heatmap-points')!.toDataURL());
    // A fresh browser profile: no autosave, only the link.
    const ctx2 = await env.browser.newContext(VIEWPORT);
    const fresh = await open(ctx2, url);
    expect(await state(fresh.page)).toEqual(s);
    expect(await fresh.page.inputValue(test$('select-activation'))).toBe('relu');
    expect(await fresh.page.inputValue(test$('slider-noise'))).toBe('25');
    const points2 = await fresh.page.evaluate(() => document.querySelector<HTMLCanvasElement>('.heatmap-points')!.toDataURL());
    expect(points2).toBe(points); // same seed, same data
    expect(fresh.errors).toEqual([]);
    await ctx.close();
    await ctx2.close();
  });

  it('switches devices and keeps training', async () => {
    const ctx = await env.browser.newContext(VIEWPORT);
    const { page, errors } = await open(ctx, env.site.url);
    const webgpu = await page.evaluate(() => (window as any).playground.device.webgpuAvailable);
    for (const pref of webgpu ? ['cpu', 'webgpu', 'auto'] : ['cpu', 'auto']) {
      await page.selectOption(test$('select-device'), pref);
      await page.waitForFunction((p) => (window as any).playground.state.device === p, pref);
      await page.waitForTimeout(300);
      const name = await page.textContent(test$('device-name'));
      console.log(`device ${pref}: ${name}`);
      const e0 = await epoch(page);
      await page.click(test$('step'));
      await page.waitForFunction((e) => (window as any).playground.epoch > e, e0);
    }
    expect(page.url()).toContain('device=auto');
    expect(errors).toEqual([]);
    await shot(page, '05-device');
    await ctx.close();
  });

  it('saves a model and loads it back', async () => {
    const ctx = await env.browser.newContext({ ...VIEWPORT, acceptDownloads: true });
    const { page, errors } = await open(ctx, env.site.url);
    await page.click(test$('dataset-gauss'));
    await trainUntil(page, async () => (await epoch(page)) >= 20, 30_000);
    const loss = await page.textContent(test$('test-loss'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(test$('save-model'))]);
    const file = join(ARTIFACTS, 'model.safetensors');
    await download.saveAs(file);
    const bytes = await readFile(file);
    const headerLen = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString());
    // webgrad's own model file (wg.loadModel rebuilds it), with the experiment beside it.
    expect(header.__metadata__.format).toBe('webgrad');
    expect(header.__metadata__.application).toBe('webgrad-playground');
    expect(header.__metadata__.state).toContain('dataset=gauss');
    expect(Number(header.__metadata__['webgrad.optimizer_steps'])).toBeGreaterThan(0); // training resumes exactly
    expect(JSON.parse(header.__metadata__.spec).hidden.length).toBe(2);
    const wgSpec = JSON.parse(header.__metadata__['webgrad.spec']);
    expect(wgSpec.input_shape).toEqual([2]);
    expect(wgSpec.layers.map((l: { type: string }) => l.type)).toEqual(['dense', 'dense', 'dense']);
    expect(header['0.weight'].shape).toEqual([2, 4]); // webgrad-nn's parameter names
    // Reset (new random weights, epoch 0), then load the file back.
    await page.click(test$('reset'));
    await page.waitForFunction(() => (window as any).playground.epoch === 0);
    expect(await page.textContent(test$('test-loss'))).not.toBe(loss);
    await page.setInputFiles(test$('load-file'), file);
    await page.waitForFunction((l) => document.querySelector('[data-test="test-loss"]')!.textContent === l, loss);
    expect(await epoch(page)).toBeGreaterThanOrEqual(20);
    // Files from before the playground trained webgrad's Model named the tensors `layers.<l>.…`.
    const legacy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(header)) legacy[k === '__metadata__' ? k : `layers.${k}`] = v;
    let json = JSON.stringify(legacy);
    while ((8 + json.length) % 8 !== 0) json += ' ';
    const legacyLen = Buffer.alloc(8);
    legacyLen.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
    await writeFile(join(ARTIFACTS, 'legacy.safetensors'), Buffer.concat([legacyLen, Buffer.from(json), bytes.subarray(8 + headerLen)]));
    await page.click(test$('reset'));
    await page.waitForFunction(() => (window as any).playground.epoch === 0);
    await page.setInputFiles(test$('load-file'), join(ARTIFACTS, 'legacy.safetensors'));
    await page.waitForFunction((l) => document.querySelector('[data-test="test-loss"]')!.textContent === l, loss);
    // A file that is not a model gives a note, not a crash.
    await writeFile(join(ARTIFACTS, 'junk.safetensors'), 'not a model');
    await page.setInputFiles(test$('load-file'), join(ARTIFACTS, 'junk.safetensors'));
    await page.waitForSelector('#note:not([hidden])');
    expect(await page.textContent('#note')).toMatch(/Could not load/);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('restores the experiment, weights included, after a reload', async () => {
    const ctx = await env.browser.newContext(VIEWPORT);
    const { page, errors } = await open(ctx, env.site.url);
    await page.click(test$('dataset-circle'));
    await page.click(test$('feature-x1sq'));
    await trainUntil(page, async () => (await epoch(page)) >= 15, 30_000);
    const e = await epoch(page);
    const loss = await page.textContent(test$('test-loss'));
    const s = await state(page);
    await page.waitForTimeout(2600); // autosave runs every 2 s
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await state(page)).toEqual(s);
    expect(await epoch(page)).toBe(e);
    expect(await page.textContent(test$('test-loss'))).toBe(loss);
    // Opening the bare address in the same browser also brings the experiment back.
    await page.goto(env.site.url);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await epoch(page)).toBe(e);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('falls back to defaults with a visible note on a bad link', async () => {
    const ctx = await env.browser.newContext(VIEWPORT);
    const { page, errors } = await open(ctx, `${env.site.url}#dataset=spiral&hidden=99,x&lr=banana&nonsense=1`);
    const note = page.locator('#note');
    await note.waitFor({ state: 'visible' });
    expect(await note.textContent()).toMatch(/not understood/);
    const s = await state(page);
    expect(s.dataset).toBe('spiral'); // good fields are kept
    expect(s.hidden).toEqual([4, 2]); // bad ones fall back
    expect(s.learningRate).toBe(0.03);
    expect(page.url()).not.toContain('banana');
    await shot(page, '08-bad-link');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('hides controls named in the link, for teaching', async () => {
    const ctx = await env.browser.newContext(VIEWPORT);
    const { page } = await open(ctx, `${env.site.url}#hide=features,lr,extras`);
    expect(await page.isVisible(test$('select-learningRate'))).toBe(false);
    expect(await page.isVisible(test$('select-dropout'))).toBe(false);
    expect(await page.isVisible(test$('select-activation'))).toBe(true);
    expect(await page.isVisible(test$('feature-x1'))).toBe(true);
    expect(await page.isVisible(test$('feature-sinx1'))).toBe(false); // unused features are hidden
    await page.click(test$('feature-x1'));
    expect((await state(page)).features).toEqual(['x1', 'x2']); // and the used ones are fixed
    await ctx.close();
  });

  it('trains with batch norm, dropout and L1, then switches optimizer and penalty mid-run', async () => {
    const ctx = await env.browser.newContext(VIEWPORT);
    const { page, errors } = await open(ctx, `${env.site.url}#dataset=xor&hidden=6,6&bn=1&dropout=0.1&reg=L1&regRate=0.001&opt=momentum`);
    await trainUntil(page, async () => (await epoch(page)) >= 10, 20_000);
    const e = await epoch(page);
    await page.selectOption(test$('select-optimizer'), 'adam');
    await page.selectOption(test$('select-regularization'), 'L2');
    await trainUntil(page, async () => (await epoch(page)) >= e + 10, 20_000);
    const s = await state(page);
    expect([s.optimizer, s.regularization, s.batchNorm, s.dropout]).toEqual(['adam', 'L2', true, 0.1]);
    // The same model trained on (a rebuild would have put the epoch back to 0).
    expect(await epoch(page)).toBeGreaterThanOrEqual(e + 10);
    expect(Number.isFinite(await number(page, 'test-loss'))).toBe(true);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('keeps the page responsive while training', async () => {
    const ctx = await env.browser.newContext(VIEWPORT);
    const { page } = await open(ctx, `${env.site.url}#dataset=spiral&hidden=8,8,8&features=x1,x2,sinx1,sinx2`);
    await page.click(test$('play'));
    await page.waitForTimeout(2000);
    const memory = () => page.evaluate(() => (window as any).playground.engineMemory() as Promise<number>);
    const m1 = await memory();
    await page.waitForTimeout(4000);
    const m2 = await memory();
    console.log(`engine memory while training: ${(m1 / 1e6).toFixed(1)} MB → ${(m2 / 1e6).toFixed(1)} MB`);
    expect(m2).toBeLessThanOrEqual(m1 * 1.5);
    const perf = await page.evaluate(() => {
      const f = [...(window as any).playground.perf.frames].sort((a: number, b: number) => a - b);
      return { p50: f[Math.floor(f.length / 2)], p95: f[Math.floor(f.length * 0.95)], n: f.length };
    });
    await page.click(test$('play'));
    console.log(`frame times while training: p50 ${perf.p50.toFixed(1)} ms, p95 ${perf.p95.toFixed(1)} ms over ${perf.n} frames`);
    await shot(page, '10-training');
    expect(perf.p50).toBeLessThan(100);
    await ctx.close();
  });
});
