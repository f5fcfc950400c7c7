// End-to-end: the shell around the workbenches — routes, TensorFlow Playground links, phone width.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { open, shot, test$, useSiteAndBrowser } from './harness';

const env = useSiteAndBrowser();

const state = (page: Page) => page.evaluate(() => (window as any).playground.state);
/** Widest content vs the viewport: no sideways scrolling of the page. */
const overflow = (page: Page) =>
  page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: innerWidth }));

// What TensorFlow Playground writes in its hash (its own key names and value syntax).
const TF_LINK =
  '#activation=relu&batchSize=20&dataset=xor&regDataset=reg-plane&learningRate=0.01&regularizationRate=0.001' +
  '&noise=10&networkShape=5,3&seed=0.12345&showTestData=true&discretize=false&percTrainData=70&x=true&y=true' +
  '&xTimesY=true&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=true&collectStats=false' +
  '&problem=classification&initZero=false&hideText=false&regularization=L2';

describe('shell', () => {
  it('opens a TensorFlow Playground link as the same experiment', async () => {
    const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await open(ctx, env.site.url + TF_LINK);
    const s = await state(page);
    expect(s).toMatchObject({
      problem: 'classification', dataset: 'xor', activation: 'relu', batch: 20, learningRate: 0.01,
      regularization: 'L2', regRate: 0.001, noise: 10, hidden: [5, 3], showTestData: true, discretize: false,
      ratio: 70, features: ['x1', 'x2', 'x1x2', 'sinx2'],
    });
    expect(await page.isVisible('#note')).toBe(false);
    expect(await page.inputValue(test$('select-learningRate'))).toBe('0.01');
    expect(await page.inputValue(test$('select-activation'))).toBe('relu');
    expect(await page.locator(`${test$('node-1-4')}`).count()).toBe(1); // 5 neurons in layer 1
    // The page rewrites the link in its own form, under the playground's route; it reopens alike.
    await page.waitForFunction(() => location.hash.startsWith('#/playground?'));
    const own = page.url();
    const again = await open(ctx, own);
    expect(await state(again.page)).toEqual(s);
    // The same link under the route opens the same.
    const routed = await open(ctx, env.site.url + '#/playground?' + TF_LINK.slice(1));
    expect(await state(routed.page)).toEqual(s);
    expect([...errors, ...again.errors, ...routed.errors]).toEqual([]);
    await ctx.close();
  });

  it('opens the playground for an unknown route, and says so', async () => {
    const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await open(ctx, env.site.url + '#/nosuchbench?dataset=xor');
    await page.locator('#note').waitFor({ state: 'visible' });
    expect(await page.textContent('#note')).toMatch(/nosuchbench/);
    expect((await state(page)).dataset).toBe('circle');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  for (const width of [1280, 360]) {
    it(`fits a ${width} px wide screen: no sideways overflow, the network scrolls inside its column`, async () => {
      const ctx = await env.browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      const { page, errors } = await open(ctx, `${env.site.url}#/playground?dataset=spiral&hidden=8,8,8&features=x1,x2,sinx1,sinx2`);
      await page.waitForTimeout(800);
      const o = await overflow(page);
      expect(o.scroll).toBeLessThanOrEqual(o.inner);
      // The device picker is on screen.
      const box = await page.locator(test$('select-device')).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(width);
      // Column headers of the network do not overlap.
      const heads = await page.$$eval('.net-col-header', (els) => els.map((e) => {
        const r = e.getBoundingClientRect();
        return [r.left, r.right];
      }).sort((a, b) => a[0] - b[0]));
      for (let i = 1; i < heads.length; i++) expect(heads[i][0]).toBeGreaterThanOrEqual(heads[i - 1][1] - 1);
      await shot(page, `20-width-${width}`);
      expect(errors).toEqual([]);
      await ctx.close();
    });
  }
});
