import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { apiDocs } from './scripts/api-docs.ts';

// Strict Content-Security-Policy for the built site: everything from this origin, no eval (wasm
// compilation needs 'wasm-unsafe-eval'), no remote fetches. Only in the build: the dev server
// injects inline styles for hot reload.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const csp = (): Plugin => ({
  name: 'webgrad-csp',
  apply: 'build',
  transformIndexHtml: () => [
    { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' },
  ],
});

export default defineConfig({
  base: './',
  plugins: [csp(), apiDocs()],
  build: { target: 'es2022', assetsInlineLimit: 0 },
  worker: { format: 'es' },
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 120_000, fileParallelism: false } },
      // Long runs, outside the test command: `npm run soak` (SOAK_MINUTES, default 30).
      { extends: true, test: { name: 'soak', include: ['tests/soak/**/*.soak.ts'], testTimeout: 0, hookTimeout: 120_000 } },
    ],
  },
});
