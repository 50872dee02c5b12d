import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A guard against hangs, not a speed check: generous enough for a machine whose cores are busy.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
