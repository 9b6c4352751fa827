/**
 * Build step: bundles the payout worker (src/payout/worker.ts and what it imports: `ws` and node built-ins)
 * into ONE file, dist/payout/worker.bundle.cjs, which the payout engine forks for every payment attempt.
 * One file without bitsharesjs, zod, pino or axios keeps a fork close to a bare Node start (module resolution
 * and loading was most of a worker's cost). Run by `npm run build` after tsc.
 */

import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: ['src/payout/worker.ts'],
  outfile: 'dist/payout/worker.bundle.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  // Optional native speed-ups that ws loads inside try/catch; not installed, not needed.
  external: ['bufferutil', 'utf-8-validate'],
  logLevel: 'warning',
});
