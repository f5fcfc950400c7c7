// Types only: wasm-bindgen's pkg/webgrad_wasm.d.ts gives its classes a `[Symbol.dispose]()`, and
// TypeScript's ES2022 lib has no `Symbol.dispose` (it is in `esnext.disposable`), so a consumer who
// checks library types (`skipLibCheck: false`) got TS2550 there. This is the declaration that lib
// and @types/node make; the same declaration merges with theirs where they are loaded too.
export {};

declare global {
  interface SymbolConstructor {
    /** `Symbol.dispose` (explicit resource management): may be undefined at run time in older engines. */
    readonly dispose: unique symbol;
  }
}
