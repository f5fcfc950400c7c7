// End-to-end: the tabular workbench (#/tabular) in headless Chromium: a sample CSV, several
// models and the baseline on the leaderboard, the threshold report, PCA, a bad CSV, a reload.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, open, shot, test$, useSiteAndBrowser } from './harness';

const env = useSiteAndBrowser();
const cell = async (page: Page, id: string) => parseFloat((await page.textContent(test$(id))) ?? 'NaN');
/** Each panel on its own too: a whole phone-width page is too tall to look at in one image. */
const panels = async (page: Page, name: string) => {
  for (const id of ['data-panel', 'setup', 'results', 'pca-panel']) {
    const el = page.locator(`#${id}`);
    if (await el.isVisible()) await el.screenshot({ path: join(ARTIFACTS, `${name}-${id}.png`) });
  }
};
const idle = (page: Page) => page.waitForFunction(() => !(window as any).tabular.busy, undefined, { timeout: 60_000 });

async function pickSample(page: Page, id: string) {
  await page.selectOption(test$('sample'), id);
  await page.waitForSelector(`${test$('preview')} table`);
  await page.waitForSelector(`${test$('task-shown')}[data-task]`);
  await idle(page);
}

async function train(page: Page, models: string[]) {
  for (const box of await page.locator(`${test$('models')} input`).all()) await box.uncheck();
  for (const m of models) await page.check(test$(`model-${m}`));
  await page.click(test$('train'));
  await page.waitForFunction((n) => {
    const t = (window as any).tabular;
    return !t.busy && t.rows.filter((r: any) => r.scores).length === n;
  }, models.length + 1, { timeout: 60_000 });
}

describe('tabular workbench', () => {
  it('trains breast cancer models, reports thresholds, draws PCA, and restores after a reload', async () => {
    const ctx = await env.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const { page, errors } = await open(ctx, `${env.site.url}#/tabular`);
    await pickSample(page, 'breast_cancer');
    expect(await page.textContent(test$('frame-info'))).toContain('569 rows × 31 columns');
    expect(await page.locator(`${test$('preview')} canvas[data-test="histogram"]`).count()).toBe(30);
    expect(await page.textContent(test$('task-shown'))).toContain('classification');
    await train(page, ['logreg', 'forest']);
    const acc = await cell(page, 'logreg-accuracy');
    console.log(`breast cancer: logistic ${acc}, forest ${await cell(page, 'forest-accuracy')}, baseline ${await cell(page, 'baseline-accuracy')}`);
    expect(acc).toBeGreaterThan(0.9);
    expect(await cell(page, 'logreg-rocAuc')).toBeGreaterThan(0.95);
    expect(await cell(page, 'forest-accuracy')).toBeGreaterThan(0.88);
    const base = await cell(page, 'baseline-accuracy');
    expect(base).toBeGreaterThan(0.55);
    expect(base).toBeLessThan(0.7);
    expect(await cell(page, 'baseline-f1')).toBe(0);

    // The threshold report follows the slider.
    const report = () => page.textContent(test$('threshold-report'));
    const before = await report();
    await page.locator(test$('threshold')).fill('0.05');
    const after = await report();
    expect(after).not.toBe(before);
    expect(parseFloat((await page.textContent(test$('tr-recall')))!)).toBeGreaterThanOrEqual(0.95);

    // PCA drew every row.
    await page.waitForSelector(`${test$('pca')}[data-points="569"]`);
    const inked = await page.evaluate(() => {
      const c = document.querySelector('[data-test="pca"]') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(1000);
    await page.selectOption(test$('color-by'), 'cluster');
    await page.waitForFunction(() => document.querySelector('[data-test="pca-info"]')!.textContent!.includes('KMeans'));
    await shot(page, 'tabular-01-breast-cancer');

    // A reload restores the data and the settings from IndexedDB.
    await page.check(test$('balanced'));
    await page.evaluate(() => (window as any).tabular.saved());
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector(`${test$('task-shown')}[data-task]`);
    expect(await page.textContent(test$('frame-info'))).toContain('569 rows');
    expect(await page.isChecked(test$('balanced'))).toBe(true);
    expect(await page.isChecked(test$('model-forest'))).toBe(true);
    expect(await page.isChecked(test$('model-tree'))).toBe(false);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('shows the accuracy trap on rare events, names the row of a bad CSV, and fits 360 px', async () => {
    const ctx = await env.browser.newContext({ viewport: { width: 360, height: 800 }, deviceScaleFactor: 1 });
    const { page, errors } = await open(ctx, `${env.site.url}#/tabular`);
    await pickSample(page, 'rare_events');
    await page.check(test$('balanced'));
    await train(page, ['logreg']);
    expect(await cell(page, 'baseline-accuracy')).toBeCloseTo(0.976, 2);
    expect(await cell(page, 'baseline-recall')).toBe(0);
    expect(await cell(page, 'baseline-recallAtP90')).toBe(0);
    expect(await cell(page, 'logreg-recall')).toBeGreaterThan(0.3);
    expect(await cell(page, 'logreg-rocAuc')).toBeGreaterThan(0.5);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(362);
    await shot(page, 'tabular-02-rare-events-360');
    await panels(page, 'tabular-02-rare-events-360');

    await page.setInputFiles(test$('file'), { name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\n1,2,3\n4,5\n6,7,8\n') });
    await page.waitForSelector(`${test$('tab-error')}:not([hidden])`);
    const msg = await page.textContent(test$('tab-error'));
    expect(msg).toMatch(/ragged\.csv/);
    expect(msg).toMatch(/line 3/);
    // The page still works: the previous table is still there.
    expect(await page.textContent(test$('frame-info'))).toContain('rare_events');
    await shot(page, 'tabular-03-bad-csv-360');
    await panels(page, 'tabular-03-bad-csv-360');
    // A file dropped on the drop zone is read too, and clears the error.
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x;y;label\n1;2;a\n2;1;b\n3;3;a\n4;2;b\n'], 'mini.csv', { type: 'text/csv' }));
      document.querySelector('[data-test="drop"]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.waitForFunction(() => document.querySelector('[data-test="frame-info"]')!.textContent!.startsWith('mini.csv: 4 rows × 3 columns'));
    expect(await page.isHidden(test$('tab-error'))).toBe(true);
    // "Forget it" clears the stored copy: a reload starts empty.
    await idle(page);
    await page.click(test$('forget'));
    await page.waitForFunction(() => document.querySelector('[data-test="frame-info"]')!.textContent!.startsWith('Forgotten'));
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.isHidden('#setup')).toBe(true);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('trains a network and multiclass models on iris, and regressors on diabetes', async () => {
    const ctx = await env.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const { page, errors } = await open(ctx, `${env.site.url}#/tabular`);
    await pickSample(page, 'iris');
    await train(page, ['net', 'knn', 'nb']);
    expect(await cell(page, 'net-accuracy')).toBeGreaterThan(0.8);
    expect(await cell(page, 'knn-accuracy')).toBeGreaterThan(0.85);
    expect(await cell(page, 'baseline-accuracy')).toBeLessThan(0.4);
    await page.click(test$('row-nb'));
    await page.waitForSelector(test$('confusion'));
    await pickSample(page, 'diabetes');
    expect(await page.textContent(test$('task-shown'))).toContain('regression');
    await train(page, ['linreg', 'forestR', 'netR']);
    const r2 = await cell(page, 'linreg-r2');
    console.log(`diabetes: linear R² ${r2}, forest ${await cell(page, 'forestR-r2')}, network ${await cell(page, 'netR-r2')}`);
    expect(r2).toBeGreaterThan(0.3);
    expect(await cell(page, 'forestR-r2')).toBeGreaterThan(0.2);
    expect(Math.abs(await cell(page, 'baseline-r2'))).toBeLessThan(0.05);
    await page.waitForSelector(`${test$('pca')}[data-points="442"]`);
    expect(await cell(page, 'netR-r2')).toBeGreaterThan(0.2);
    await shot(page, 'tabular-04-diabetes');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
