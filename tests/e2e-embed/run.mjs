// End-to-end check of the npm package as an embedder sees it, in every common bundler, a page
// without one, and Node:
//   1. `npm pack` the package (WEBGRAD_WEB, default web/; built there first when it has no dist/),
//   2. per case a fresh project in a temp dir installs the tarball (the npm registry supplies the
//      bundler) and gets the README's "Embed it" example verbatim (for esbuild and Rollup with the
//      one-line `baseUrl` difference the README's bundler notes give),
//   3. the bundler builds it, a static server on 127.0.0.1 serves the output (gzip, application/wasm),
//   4. one headless Chromium (playwright-core, Debian's /usr/bin/chromium) opens each page and the
//      test checks that the training loss fell, and prints what the page fetched (KiB gzip);
//      Node runs the example as a script.
// Vite 8 also runs the checks page (WebGPU, device loss, no SIMD, cancel, memory); Vite 8 and 7 their dev server.
//
//   node tests/e2e-embed/run.mjs [--only vite8,webpack,...] [--keep]
//     --keep leaves the temp projects for inspection
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Skip, checkPage, elapsed, install, installedVersion, launchChromium, log, pack, printFetched, project, runPage, serve } from './common.mjs';
import { viteCase } from './bundlers/vite.mjs';
import webpack from './bundlers/webpack.mjs';
import esbuild from './bundlers/esbuild.mjs';
import rollup from './bundlers/rollup.mjs';
import parcel from './bundlers/parcel.mjs';
import nobundler from './bundlers/nobundler.mjs';
import node from './bundlers/node.mjs';

const CASES = [
  viteCase(8, { checks: true, dev: true }),
  viteCase(7, { dev: true }),
  webpack,
  esbuild,
  rollup,
  parcel,
  nobundler,
  node,
];

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const onlyArg = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const only = onlyArg ? onlyArg.split(',').map((s) => s.trim()).filter(Boolean) : null;
const unknown = (only ?? []).filter((n) => !CASES.some((c) => c.name === n));
if (unknown.length) {
  console.error(`unknown case(s) ${unknown.join(', ')}; the cases: ${CASES.map((c) => c.name).join(', ')}`);
  process.exit(2);
}
const cases = only ? CASES.filter((c) => only.includes(c.name)) : CASES;

/** One case: fresh project, install, build, page (or script). Returns its summary row. */
async function runCase(c, { tmp, tarball, getBrowser }) {
  const row = { name: c.name, version: '', install: 0, build: 0, page: 0, done: 0, result: '', kib: null, note: '' };
  const t = Date.now();
  let phase = 'install';
  let lapAt = t;
  /** Ends the current phase (its seconds go to row[phase]) and starts the next one. */
  const next = (name) => { row[phase] += (Date.now() - lapAt) / 1000; lapAt = Date.now(); phase = name; };
  let server;
  try {
    log(`── ${c.name} ──`);
    const app = project(tmp, c.name, tarball, { devDependencies: c.devDependencies });
    try {
      await install(app, { timeout: c.skipAfter ?? 240 });
    } catch (e) {
      if (c.skipAfter && e.timedOut) throw new Skip(`npm install took over ${c.skipAfter} s`);
      throw e;
    }
    row.version = c.tool === 'node' ? process.version.slice(1) : c.tool ? installedVersion(app, c.tool) : '-';
    next(c.run ? 'page' : 'build');
    if (c.run) {
      const loss = await c.run({ app });
      row.note = `loss ${loss.first} → ${loss.last} on ${loss.name} (${loss.device}, ${loss.flavor})`;
      row.result = 'pass';
      return row;
    }
    let built;
    try {
      built = await c.build({ app });
    } catch (e) {
      if (c.skipAfter && e.timedOut) throw new Skip(`the build took over ${c.skipAfter} s`);
      throw e;
    }
    next('page');
    server = await serve(built.dir);
    const url = `http://127.0.0.1:${server.address().port}/`;
    const browser = await getBrowser();
    const r = await runPage(browser, url, { label: `[${c.name}] ` });
    const kib = printFetched(r.fetched, url, server.sent.splice(0));
    Object.assign(row, { kib: kib.gzip / 1024, js: kib.js / 1024, wasm: kib.wasm / 1024 });
    const loss = checkPage(r);
    row.note = `loss ${loss.first} → ${loss.last} on ${loss.name} (${loss.device}, ${loss.flavor})`;
    const more = c.extra ? await c.extra({ app, browser, url }) : '';
    if (more) row.note += '; ' + more;
    row.result = 'pass';
  } catch (e) {
    if (e instanceof Skip) {
      row.result = 'skip';
      row.note = e.message;
      log(`SKIP ${c.name}: ${e.message}`);
    } else {
      row.result = 'FAIL';
      // The message in one line (a command's output tail included), not too long for the table.
      const msg = String(e.message ?? e).split('\n').map((l) => l.trim()).filter(Boolean).join(' | ');
      row.note = `(${phase}) ${msg.length > 600 ? msg.slice(0, 600) + '…' : msg}`;
      log(`FAIL ${c.name}: ${e.stack ?? e}`);
    }
  } finally {
    next('done');
    server?.close();
    row.total = (Date.now() - t) / 1000;
  }
  return row;
}

function printSummary(rows) {
  const head = ['case', 'version', 'install s', 'build s', 'page s', 'total s', 'result', 'KiB gz fetched (js + wasm)'];
  const body = rows.map((r) => [
    r.name, r.version || '?', r.install.toFixed(1), r.build.toFixed(1), r.page.toFixed(1), r.total.toFixed(1), r.result,
    r.kib == null ? '-' : `${r.kib.toFixed(1)} (${r.js.toFixed(1)} + ${r.wasm.toFixed(1)})`,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i >= 2 && i <= 5 ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ');
  console.log('\n' + line(head));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const b of body) console.log(line(b));
  console.log('');
  for (const r of rows) console.log(`${r.name}: ${r.result} — ${r.note}`);
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'webgrad-e2e-'));
  let browser;
  const rows = [];
  try {
    const tarball = await pack(tmp);
    const getBrowser = async () => (browser ??= await launchChromium());
    for (const c of cases) rows.push(await runCase(c, { tmp, tarball, getBrowser }));
  } finally {
    await browser?.close();
    if (keep) log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
  printSummary(rows);
  const failed = rows.filter((r) => r.result === 'FAIL').length;
  const skipped = rows.filter((r) => r.result === 'skip').length;
  console.log(`\nthe matrix took ${elapsed().toFixed(0)} s`);
  console.log(`e2e-embed: ${rows.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
