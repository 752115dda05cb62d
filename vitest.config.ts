import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // CLI tests spawn the built CLI (several seconds each on a loaded 2-core machine): a generous
    // per-test limit keeps them from failing on load alone; a hang still fails.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Fail loudly if a focused test slips in.
    allowOnly: false,
  },
});
