// Every name that `webgrad` exports (src/index.ts, following re-exports and `export * as ns`)
// must carry a doc comment with an `@example`, and every public member of an exported class a doc
// comment: the API reference (`npm run docs`, TypeDoc) is built from these comments. The examples
// are then type-checked as a strict consumer would (`strict`, `noUncheckedIndexedAccess`), each in
// a function of its own, with `model`, `x`, `y`, `df` (a DataFrame) and `file` declared, so they cannot drift from the API.
// Uses the TypeScript compiler API (no build needed, ~4 s): `node scripts/check-docs.mjs [--list]`.
//
// Names declared in files that are not checked here are listed as "skipped": generated code
// (src/generated, from crates/nn by ts-rs) and the runtime/host files listed in SKIP.
import ts from 'typescript';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = ['worker.ts'].map((f) => `src/${f}`);
const skipped = (file) => file.startsWith('src/generated/') || SKIP.includes(file);

const config = ts.getParsedCommandLineOfConfigFile(join(web, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
const program = ts.createProgram([join(web, 'src/index.ts')], { ...config.options, noEmit: true });
const checker = program.getTypeChecker();
const list = process.argv.includes('--list');

const problems = [];
const skips = [];
const seen = new Set();

function fileOf(sym) {
  const d = sym.declarations?.[0];
  return d ? relative(web, d.getSourceFile().fileName) : '?';
}
const hasDoc = (sym) => ts.displayPartsToString(sym.getDocumentationComment(checker)).trim().length > 0;
const tags = (sym) => sym.getJsDocTags(checker).map((t) => t.name);
const examples = [];
function collectExamples(name, sym) {
  for (const t of sym.getJsDocTags(checker)) {
    if (t.name !== 'example') continue;
    const text = ts.displayPartsToString(t.text);
    const fenced = /```(?:ts|js)?\n([\s\S]*?)```/.exec(text);
    examples.push({ name, code: fenced ? fenced[1] : text });
  }
}

function checkMembers(name, sym, file) {
  const type = checker.getDeclaredTypeOfSymbol(sym);
  const statics = checker.getTypeOfSymbol(sym);
  for (const [m, owner] of [...type.getProperties().map((p) => [p, '#']), ...statics.getProperties().map((p) => [p, '.'])]) {
    const d = m.valueDeclaration ?? m.declarations?.[0];
    if (!d || relative(web, d.getSourceFile().fileName) !== file || m.name === 'prototype') continue;
    const mods = ts.getCombinedModifierFlags(d);
    if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || m.name.startsWith('#') || tags(m).includes('internal')) continue;
    if (!hasDoc(m)) problems.push(`${file}: ${name}${owner}${m.name} has no doc comment`);
    collectExamples(`${name}${owner}${m.name}`, m);
  }
}

function visit(name, sym) {
  if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  // One check per declaration, whichever path reaches it (`datasets` is also `data.datasets`).
  if (seen.has(sym)) return;
  seen.add(sym);
  const file = fileOf(sym);
  if (sym.flags & ts.SymbolFlags.ValueModule && sym.declarations?.some(ts.isSourceFile)) {
    for (const e of checker.getExportsOfModule(sym)) visit(`${name}.${e.name}`, e);
    return;
  }
  if (skipped(file)) {
    skips.push(`${name} (${file})`);
    return;
  }
  if (list) console.log(`${name}  ${file}`);
  if (!hasDoc(sym)) problems.push(`${file}: ${name} has no doc comment`);
  else if (!tags(sym).includes('example')) problems.push(`${file}: ${name} has no @example`);
  collectExamples(name, sym);
  if (sym.flags & ts.SymbolFlags.Class) checkMembers(name, sym, file);
}

// test/types/readme-embed.ts is the README's "Embed it" example, which the types test compiles.
const readme = readFileSync(join(web, '../README.md'), 'utf8').split(/^## /m).find((x) => x.startsWith('Embed it'));
const example = readme && /```js\n([\s\S]*?)```/.exec(readme)?.[1];
const copy = readFileSync(join(web, 'test/types/readme-embed.ts'), 'utf8').replace(/^\/\/.*\n/, '');
if (example !== copy) problems.push('test/types/readme-embed.ts differs from the README\'s "Embed it" example: copy it over');

const index = checker.getSymbolAtLocation(program.getSourceFile(join(web, 'src/index.ts')));
for (const e of checker.getExportsOfModule(index)) visit(e.name, e);

// The examples as one consumer module, `webgrad` resolved to src/index.ts.
const PRELUDE = "import * as wg from 'webgrad';\ndeclare const model: wg.Sequential;\ndeclare const x: wg.Tensor;\ndeclare const y: wg.Tensor;\ndeclare const df: wg.data.DataFrame;\ndeclare const file: File;\n";
const examplesFile = join(web, 'test/types/doc-examples.virtual.ts');
const body = examples.map((e, i) => `// ${e.name}\nexport async function example${i}() {\n${e.code}\n}\n`).join('');
const exOptions = {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], strict: true, noUncheckedIndexedAccess: true, noEmit: true, types: [],
  skipLibCheck: true, paths: { webgrad: [join(web, 'src/index.ts')] },
};
const host = ts.createCompilerHost(exOptions);
const getSourceFile = host.getSourceFile;
host.getSourceFile = (f, lang, ...rest) => (f === examplesFile ? ts.createSourceFile(f, PRELUDE + body, lang) : getSourceFile.call(host, f, lang, ...rest));
const fileExists = host.fileExists;
host.fileExists = (f) => f === examplesFile || fileExists.call(host, f);
const exProgram = ts.createProgram([examplesFile], exOptions, host);
const exSource = exProgram.getSourceFile(examplesFile);
if (!exSource) throw new Error("check-docs: the examples file did not load");
for (const d of ts.getPreEmitDiagnostics(exProgram, exSource)) {
  const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
  const lines = (PRELUDE + body).split('\n');
  let owner = '?';
  for (let l = line; l >= 0; l--) if (lines[l].startsWith('// ')) { owner = lines[l].slice(3); break; }
  problems.push(`@example of ${owner}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}  (in: ${lines[line].trim()})`);
}

console.log(`check-docs: ${examples.length} examples type-checked`);
console.log(`check-docs: ${seen.size - skips.length} exported names checked, ${skips.length} skipped (generated or runtime files: ${skips.join(', ')})`);
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`check-docs: ${problems.length} problems`);
  process.exit(1);
}
console.log('check-docs: every checked name has a doc comment with an @example');
