import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    // Vitest would run one file at a time on 2 cores (cores − 1 workers). Most files wait on the
    // emulators, the local clouds and timers rather than the CPU, so two at once use the machine.
    maxWorkers: 2,
    // The integration global setup starts DynamoDB Local, a JVM: allow for a busy machine.
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Infrastructure tests need no emulator either; they run with the units.
          include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'],
          // Unit files mock no modules, so a worker keeps its module cache from file to file instead of
          // importing the SDK and aws-cdk-lib again for each: most of this project's time was imports.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          // Concurrent integration tests mostly wait on queues and timers, not the CPU.
          maxConcurrency: 12,
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          // Over HTTP against the real app, synthesized once and run in the local cloud.
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          // The global setup synthesizes the app and bundles its functions: minutes on a busy machine.
          hookTimeout: 300_000,
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'faults',
          // Fault injection through the local cloud: its own synth and cloud, with hooks (see test/faults/global-setup.ts).
          include: ['test/faults/**/*.test.ts'],
          globalSetup: ['test/faults/global-setup.ts'],
          hookTimeout: 300_000,
          testTimeout: 240_000,
        },
      },
    ],
  },
});
