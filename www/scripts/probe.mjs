import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage();
await p.goto(process.argv[2]);
await p.waitForTimeout(800);
console.log(await p.evaluate(process.argv[3]));
if (process.argv[4]) await p.locator(process.argv[4]).screenshot({ path: '/tmp/el.png' });
await b.close();
