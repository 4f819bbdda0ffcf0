import { defineConfig } from 'vitest/config';

// Four projects: pure unit tests (beside the code), fuzzing of every parser that reads bytes from the
// network or a stranger (HOPLIGHT_FUZZ_RUNS cases per target), integration tests against the lab's real
// servers, and browser tests in Debian's Chromium. The lab is started once by a global setup and stopped after.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.{ts,tsx}', 'test/unit/**/*.test.{ts,tsx}', 'lab/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/setup/i18n.ts'],
        },
      },
      {
        test: {
          name: 'fuzz',
          include: ['test/fuzz/**/*.test.ts'],
          globalSetup: ['test/setup/fuzz-report.ts'],
          environment: 'node',
          // 100,000 cases of the slowest target take minutes; the runs, not a clock, bound each target.
          testTimeout: 30 * 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/lab.ts'],
          // The extension's code under test words its failures through `t()`: in English, as a user sees them.
          setupFiles: ['test/setup/i18n.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/setup/lab.ts'],
          // Pages answer after the background does; on a loaded 2-core machine that can take seconds.
          expect: { poll: { timeout: 10_000 } },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
