import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// A client library imports the msw entry by the package's name; tests of ours (the README's example
// among them) import it the same way and get the source.
const resolve = {
  alias: { 'qwen-probe/msw': fileURLToPath(new URL('./src/msw/index.ts', import.meta.url)) },
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          testTimeout: 20_000,
        },
      },
      {
        resolve,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Browsers and real ports: keep the two cores from fighting over them.
          fileParallelism: false,
        },
      },
    ],
  },
});
