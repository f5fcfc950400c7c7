import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // The memory test forces garbage collections to measure the JS heap.
    execArgv: ['--expose-gc'],
  },
});
