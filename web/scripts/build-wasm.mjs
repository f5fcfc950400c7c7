// Builds crates/wasm three times and writes the package's wasm files to web/pkg/:
//   webgrad_relaxed.wasm  (+simd128,+relaxed-simd)   webgrad_simd.wasm (+simd128)   webgrad_plain.wasm
// plus one JS glue module (webgrad_wasm.js + .d.ts) shared by all three: the builds differ only in
// instructions, so wasm-bindgen emits the same glue for each (checked below). The loader picks the
// build the browser can run.
//
//   node scripts/build-wasm.mjs [--only simd|relaxed|plain] [--debug]
//
// The plain flavour turns SIMD off explicitly: an empty flag list would not override
// .cargo/config.toml's +simd128.
// Each flavour has its own cargo target dir, so rebuilding after a change is incremental for all
// three. The name section is dropped (-16 %). No wasm-opt: the npm package binaryen 132 (Debian's
// wasm-opt 108 breaks in Chromium) took 2 min per build and made the gzipped file larger
// (372 → 385 KB at -O3).
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
  { name: 'simd', flags: '-C target-feature=+simd128', targetDir: join(root, 'target') },
  { name: 'relaxed', flags: '-C target-feature=+simd128,+relaxed-simd', targetDir: join(root, 'target/wasm-relaxed') },
  { name: 'plain', flags: '-C target-feature=-simd128,-relaxed-simd', targetDir: join(root, 'target/wasm-plain') },
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
  const profile = debug ? 'debug' : 'release';
  const pkg = join(web, 'pkg');
  const stage = join(root, 'target/wasm-bindgen-out');
  mkdirSync(pkg, { recursive: true });
  if (!existsSync(join(root, 'Cargo.lock'))) run('cargo', ['generate-lockfile']);
  wasmBindgenVersionOk();
  let glue = null;
  for (const f of FLAVORS.filter((f) => !only || f.name === only)) {
    const cargoArgs = ['build', '--target', 'wasm32-unknown-unknown', '-p', 'webgrad-wasm'];
    if (!debug) cargoArgs.push('--release');
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
    const js = readFileSync(join(out, 'webgrad_wasm.js'), 'utf8');
    if (glue === null) {
      glue = js;
      copyFileSync(join(out, 'webgrad_wasm.js'), join(pkg, 'webgrad_wasm.js'));
      copyFileSync(join(out, 'webgrad_wasm.d.ts'), join(pkg, 'webgrad_wasm.d.ts'));
    } else if (js !== glue) {
      throw new Error(`the JS glue of the ${f.name} build differs from the first build's; the loader needs one glue for all builds`);
    }
    const dest = join(pkg, `webgrad_${f.name}.wasm`);
    copyFileSync(join(out, 'webgrad_wasm_bg.wasm'), dest);
    console.log(`pkg/webgrad_${f.name}.wasm: ${(statSync(dest).size / 1024).toFixed(0)} KiB`);
  }
}

main();
