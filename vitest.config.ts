import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Simulators bind real sockets; keep files in parallel but bounded on 2 cores.
    maxWorkers: 2,
  },
});
