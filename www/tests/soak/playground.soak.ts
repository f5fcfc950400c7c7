// Soak run (outside the test command: `npm run soak`): the playground trains in headless Chromium
// for SOAK_MINUTES (30 by default) while memory is sampled every minute — the worker's wasm
// memory and live engine bytes, the page's, and the page's JS heap after a collection. After the
// first SOAK_WARMUP minutes (3) nothing may grow beyond what the recorded loss history needs.
import { expect, it } from 'vitest';
import { open, test$, useSiteAndBrowser } from '../e2e/harness';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const WARMUP = Number(process.env.SOAK_WARMUP ?? 3);

const env = useSiteAndBrowser();

interface Sample { minute: number; epoch: number; hostWasm: number; hostLive: number; pageWasm: number; pageLive: number; heap: number }
const mib = (b: number) => (b / 2 ** 20).toFixed(2);

it(`trains for ${MINUTES} minutes with flat memory`, async () => {
  const ctx = await env.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const { page, errors } = await open(ctx, `${env.site.url}#dataset=spiral&hidden=8,8,8&features=x1,x2,sinx1,sinx2&device=cpu`);
  await page.click(test$('play'));
  const samples: Sample[] = [];
  const t0 = Date.now();
  for (let minute = 1; minute <= MINUTES; minute++) {
    await page.waitForTimeout(Math.max(0, t0 + minute * 60_000 - Date.now()));
    const s = await page.evaluate(async () => {
      (globalThis as { gc?: () => void }).gc?.();
      const pg = (window as any).playground;
      const m = await pg.memoryReport();
      const heap = (performance as any).memory?.usedJSHeapSize ?? NaN;
      return { epoch: pg.epoch, hostWasm: m.host.wasmBytes, hostLive: m.host.liveBytes, pageWasm: m.page.wasmBytes, pageLive: m.page.liveBytes, heap };
    });
    samples.push({ minute, ...s });
    console.log(`min ${String(minute).padStart(2)}  epoch ${String(s.epoch).padStart(6)}  worker wasm ${mib(s.hostWasm)} MiB live ${mib(s.hostLive)} MiB  page wasm ${mib(s.pageWasm)} MiB live ${mib(s.pageLive)} MiB  JS heap ${mib(s.heap)} MiB`);
  }
  const base = samples[Math.min(WARMUP, samples.length) - 1];
  const last = samples.at(-1)!;
  console.log(`soak: ${MINUTES} min, ${last.epoch} epochs; from minute ${base.minute}: worker wasm ${mib(base.hostWasm)} → ${mib(last.hostWasm)} MiB, live ${mib(base.hostLive)} → ${mib(last.hostLive)} MiB; page wasm ${mib(base.pageWasm)} → ${mib(last.pageWasm)} MiB; JS heap ${mib(base.heap)} → ${mib(last.heap)} MiB`);
  expect(last.epoch).toBeGreaterThan(base.epoch);
  expect(last.hostWasm).toBeLessThanOrEqual(base.hostWasm * 1.05);
  expect(Math.abs(last.hostLive - base.hostLive)).toBeLessThanOrEqual(Math.max(base.hostLive * 0.05, 65_536));
  expect(last.pageWasm).toBeLessThanOrEqual(base.pageWasm * 1.05);
  // The page keeps every epoch's losses for its chart (16 bytes an epoch is plenty).
  expect(last.heap - base.heap).toBeLessThanOrEqual(base.heap * 0.1 + (last.epoch - base.epoch) * 16);
  expect(errors).toEqual([]);
  await ctx.close();
});
