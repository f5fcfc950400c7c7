// Builds the benchmark pages into bench/dist/: one self-contained ES module per runner
// (library + adapter + harness, minified by esbuild) and one per bundle-size job, an HTML page
// for each, and the libraries' .wasm files copied from node_modules and web/pkg (nothing from a CDN).
//
//   node build.mjs            (run.mjs calls it; needs web/dist and web/pkg built)
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const nm = join(here, 'node_modules');

export const RUNNERS = ['webgrad-cpu', 'webgrad-cpu-ops', 'webgrad-webgpu', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-webgpu', 'ort-wasm'];
export const SIZE_JOBS = ['webgrad', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-webgpu', 'ort-wasm'];

function copyDir(from, to, keep = () => true) {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from)) if (keep(f)) copyFileSync(join(from, f), join(to, f));
}

const page = (title, src) => `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title></head>
<body><script type="module" src="${src}"></script></body></html>
`;

export async function buildAll({ quiet = false } = {}) {
  const web = join(here, '../web');
  for (const f of ['dist/index.js', 'pkg/webgrad_wasm.js', 'pkg/webgrad_simd.wasm']) {
    if (!existsSync(join(web, f))) throw new Error(`web/${f} is missing: build the package first (npm run build in web/)`);
  }
  rmSync(dist, { recursive: true, force: true });
  const common = {
    bundle: true,
    format: 'esm',
    // The package loads its full engine (WebGPU, tables) by a dynamic import: its own chunk, fetched
    // only when used, as Vite and webpack split it.
    splitting: true,
    platform: 'browser',
    target: 'es2022',
    minify: process.env.BENCH_MINIFY !== '0', // BENCH_MINIFY=0 for readable stack traces
    sourcemap: false,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: quiet ? 'error' : 'warning',
    // Resolve the bare `webgrad/worker` entry from bench/ whatever the caller's cwd (xtask runs
    // `node bench/run.mjs` from the repo root).
    absWorkingDir: here,
  };
  // webgrad's training worker: the package starts it with `new URL('./worker.js', import.meta.url)`,
  // which resolves next to each bundle.
  const worker = { in: 'webgrad/worker', out: 'worker' };
  await build({ ...common, entryPoints: [...RUNNERS.map((r) => join(here, 'src/runners', `${r}.js`)), worker], outdir: join(dist, 'runners') });
  await build({ ...common, entryPoints: [...SIZE_JOBS.map((r) => join(here, 'src/size', `${r}.js`)), worker], outdir: join(dist, 'size') });
  for (const r of RUNNERS) writeFileSync(join(dist, `${r}.html`), page(`bench ${r}`, `./runners/${r}.js`));
  for (const r of SIZE_JOBS) writeFileSync(join(dist, `size-${r}.html`), page(`size ${r}`, `./size/${r}.js`));
  copyDir(join(nm, '@tensorflow/tfjs-backend-wasm/dist'), join(dist, 'assets/tfjs'), (f) => f.endsWith('.wasm'));
  copyDir(join(nm, 'onnxruntime-web/dist'), join(dist, 'assets/ort'), (f) => /^ort-wasm-simd-threaded\.(wasm|mjs)$/.test(f));
  // The webgrad bundles resolve `new URL('../pkg/webgrad_*.wasm', import.meta.url)` from
  // dist/runners/ and dist/size/, i.e. dist/pkg/.
  copyDir(join(web, 'pkg'), join(dist, 'pkg'), (f) => f.endsWith('.wasm'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildAll();
  console.log(`built ${dist}`);
}
