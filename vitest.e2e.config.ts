import { defineConfig } from 'vitest/config';

const json = process.env.VITEST_JSON;

/** Browser tests: Playwright driving the system Chromium against a real server process. */
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});
