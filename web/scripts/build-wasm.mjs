// Builds crates/wasm four times and writes the package's wasm files to web/pkg/:
//   CPU-only, no wgpu, no tables/classic models — what a page loads first:
//     webgrad_relaxed.wasm (+simd128,+relaxed-simd)   webgrad_simd.wasm (+simd128)   webgrad_plain.wasm
//     sharing one JS glue module, webgrad_wasm.js (+ .d.ts): the builds differ only in
//     instructions, so wasm-bindgen emits the same glue for each (checked below);
//   the full engine (features webgpu + tabular, simd128): webgrad_full.wasm with its own glue
//     webgrad_full.js, fetched only when a model trains on WebGPU or a table / classic model is
//     used (every browser with WebGPU has SIMD).
//
//   node scripts/build-wasm.mjs [--only simd|relaxed|plain|full] [--debug]
//
// Cargo profile `wasm` (Cargo.toml): size-optimised, fat LTO, the kernels at opt-level 3.
// The plain flavour turns SIMD off explicitly: an empty flag list would not override
// .cargo/config.toml's +simd128.
// Each flavour has its own cargo target dir, so rebuilding after a change is incremental for all
// four. The name section is dropped (-16 %). No wasm-opt: binaryen's -Oz made the gzipped file
// larger (331 → 350 KB for the CPU build; measured 2026-12-02).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// WEBGRAD_WORKSPACE points cargo at another checkout of the workspace (e.g. a snapshot).
const root = resolve(process.env.WEBGRAD_WORKSPACE ?? resolve(web, '..'));
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const debug = args.includes('--debug');

export const FLAVORS = [
  // The simd flavour shares the workspace's default target dir with `cargo xtask test --wasm`.
  { name: 'simd', flags: '-C target-feature=+simd128', targetDir: join(root, 'target'), glue: 'webgrad_wasm' },
  { name: 'relaxed', flags: '-C target-feature=+simd128,+relaxed-simd', targetDir: join(root, 'target/wasm-relaxed'), glue: 'webgrad_wasm' },
  { name: 'plain', flags: '-C target-feature=-simd128,-relaxed-simd', targetDir: join(root, 'target/wasm-plain'), glue: 'webgrad_wasm' },
  { name: 'full', flags: '-C target-feature=+simd128', targetDir: join(root, 'target/wasm-full'), glue: 'webgrad_full', features: 'webgpu,tabular' },
];

function run(cmd, argv, env = {}) {
  const shown = Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)} `).join('');
  console.log(`$ ${shown}${cmd} ${argv.join(' ')}`);
  execFileSync(cmd, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
}

function wasmBindgenVersionOk() {
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  const want = /name = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)?.[1];
  let have = '';
  try {
    have = execFileSync('wasm-bindgen', ['--version'], { encoding: 'utf8' }).trim().split(/\s+/)[1];
  } catch {
    throw new Error('wasm-bindgen (the CLI) is not installed: run `cargo xtask setup`');
  }
  if (want && have !== want) {
    throw new Error(`wasm-bindgen CLI is ${have} but Cargo.lock has wasm-bindgen ${want}: run \`cargo xtask setup\``);
  }
}

function main() {
  const profile = debug ? 'debug' : 'wasm';
  const pkg = join(web, 'pkg');
  const stage = join(root, 'target/wasm-bindgen-out');
  mkdirSync(pkg, { recursive: true });
  if (!existsSync(join(root, 'Cargo.lock'))) run('cargo', ['generate-lockfile']);
  wasmBindgenVersionOk();
  const glues = new Map();
  for (const f of FLAVORS.filter((f) => !only || f.name === only)) {
    const cargoArgs = ['build', '--target', 'wasm32-unknown-unknown', '-p', 'webgrad-wasm'];
    if (!debug) cargoArgs.push('--profile', 'wasm');
    if (f.features) cargoArgs.push('--features', f.features);
    run('cargo', cargoArgs, {
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: f.flags,
      CARGO_TARGET_DIR: f.targetDir,
    });
    const built = join(f.targetDir, `wasm32-unknown-unknown/${profile}/webgrad_wasm.wasm`);
    const out = join(stage, f.name);
    rmSync(out, { recursive: true, force: true });
    run('wasm-bindgen', [
      '--target', 'web', '--weak-refs', '--omit-default-module-path', '--remove-name-section', '--remove-producers-section',
      '--out-dir', out, '--out-name', 'webgrad_wasm', built,
    ]);
    // Only a comment may differ between flavours: the index of a closure shim in the wasm's table.
    const js = readFileSync(join(out, 'webgrad_wasm.js'), 'utf8').replace(/shim_idx: \d+/g, 'shim_idx: _');
    if (!glues.has(f.glue)) {
      glues.set(f.glue, js);
      copyFileSync(join(out, 'webgrad_wasm.js'), join(pkg, `${f.glue}.js`));
      copyFileSync(join(out, 'webgrad_wasm.d.ts'), join(pkg, `${f.glue}.d.ts`));
    } else if (js !== glues.get(f.glue)) {
      throw new Error(`the JS glue of the ${f.name} build differs from the other ${f.glue} builds'; the loader needs one glue for them`);
    }
    const dest = join(pkg, `webgrad_${f.name}.wasm`);
    copyFileSync(join(out, 'webgrad_wasm_bg.wasm'), dest);
    console.log(`pkg/webgrad_${f.name}.wasm: ${(statSync(dest).size / 1024).toFixed(0)} KiB`);
  }
}

main();
