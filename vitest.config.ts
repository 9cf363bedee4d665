import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files share one machine (2 cores) and one PostgreSQL; each file gets its own schema.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
