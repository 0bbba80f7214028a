import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/moto-global.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // Budgets hold at 4× or more of an idle run: CI may share its 2 cores with other work.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  },
});
