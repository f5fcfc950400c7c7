// The bad-input matrix (test/matrix/bad-input.mjs) in headless Chromium, as a page uses the
// package: the built dist/ and pkg/ served as they are, the engine in its training worker, once on
// the CPU and once on WebGPU (SwiftShader here). Every case must give its message and leave the
// engine healthy. Needs `npm run build` first (npm test does it) and Debian's chromium.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES } from './matrix/bad-input.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const MIME: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

let server: Server;
let base = '';
let browser: Browser;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split(/[?#]/)[0]);
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
    if (path === '/') return void res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end('<!doctype html><title>bad-input matrix</title>');
    const file = normalize(join(ROOT, path));
    if (!file.startsWith(ROOT)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--disable-background-networking', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

interface Outcome { name: string; error?: string; health?: string }

/** Runs in the page (as text: vitest would rewrite a function's dynamic imports). */
const RUNNER = `
window.runMatrix = async (device) => {
  const wg = await import('/dist/index.js');
  const { CASES, healthy } = await import('/test/matrix/bad-input.mjs');
  const info = await wg.init({ device });
  const outcomes = [];
  for (const [name, run] of CASES) {
    const o = { name };
    // A case that never settles is a failure too (an RPC reply lost, a hung readback).
    const within = (p, what) => Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(what + ' did not finish in 30 s')), 30000))]);
    try { await within(run(wg), 'the case'); } catch (err) { o.error = String(err); }
    try { await within(healthy(wg), 'the health check'); } catch (err) { o.health = String(err); }
    outcomes.push(o);
  }
  return { device: info.device, outcomes };
};`;

/** Run every case on a fresh page with the engine on `device`; what each gave. */
async function runMatrix(page: Page, device: 'cpu' | 'webgpu'): Promise<{ device: string; outcomes: Outcome[] }> {
  await page.goto(base);
  await page.evaluate(RUNNER);
  return page.evaluate(`window.runMatrix(${JSON.stringify(device)})`) as Promise<{ device: string; outcomes: Outcome[] }>;
}

describe('the bad-input matrix in Chromium', () => {
  for (const device of ['cpu', 'webgpu'] as const) {
    it(`gives every message and stays healthy, training on ${device}`, async () => {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      const { device: got, outcomes } = await runMatrix(page, device);
      expect(got).toBe(device);
      expect(outcomes.map((o) => o.name)).toEqual(CASES.map(([n]) => n));
      expect(outcomes.filter((o) => o.error || o.health)).toEqual([]);
      expect(pageErrors).toEqual([]);
      await page.close();
    }, 600_000);
  }
});
