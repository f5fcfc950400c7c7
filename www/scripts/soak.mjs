// Dev helper: does training grow the engine's memory? Prints wasm bytes every few seconds.
import { chromium } from 'playwright-core';
const [url, seconds = '20'] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage();
await p.goto(url);
await p.waitForSelector('body[data-ready="true"]');
await p.click('[data-test="play"]');
for (let t = 0; t < Number(seconds); t += 4) {
  await p.waitForTimeout(4000);
  console.log(await p.evaluate(async () => `epoch ${playground.epoch} wasm ${(await playground.engineMemory()) / 1e6} MB`));
}
await b.close();
