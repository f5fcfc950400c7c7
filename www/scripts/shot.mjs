// Dev helper: screenshot of the built site (dist/). Usage: node scripts/shot.mjs [hash] [name] [waitMs] [clicks…]
import { createServer } from 'node:http';
import { readFile, stat, mkdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [hash = '', name = 'dev', wait = '1500', ...clicks] = process.argv.slice(2);
const dist = resolve(import.meta.dirname, '../dist');
const out = resolve(import.meta.dirname, '../../tests/artifacts/www');
const mime = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };
const server = createServer(async (req, res) => {
  let f = join(dist, decodeURIComponent(req.url.split(/[?#]/)[0]));
  try {
    if ((await stat(f)).isDirectory()) f = join(f, 'index.html');
    res.writeHead(200, { 'Content-Type': mime[extname(f)] ?? 'application/octet-stream', 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    res.end(await readFile(f));
  } catch { res.writeHead(404).end(); }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
const page = await browser.newPage({ viewport: { width: Number(process.env.W ?? 1400), height: 1000 } });
page.on('console', (m) => m.type() === 'error' && console.log('console error:', m.text()));
page.on('pageerror', (e) => console.log('page error:', String(e)));
await page.goto(`http://127.0.0.1:${server.address().port}/${hash}`);
await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
for (const c of clicks) {
  if (c.startsWith("hover:")) await page.hover(c.slice(6));
  else if (c.startsWith("wait:")) await page.waitForTimeout(Number(c.slice(5)));
  else await page.click(c);
  await page.waitForTimeout(300);
}
await page.waitForTimeout(Number(wait));
await mkdir(out, { recursive: true });
if (process.env.EL) await page.locator(process.env.EL).screenshot({ path: join(out, `${name}.png`) });
else await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
console.log('info:', await page.evaluate(() => JSON.stringify({ epoch: playground.epoch, device: playground.device })));
await browser.close();
server.close();
