/**
 * `node --import ./test/helpers/onlyCommanderLoads.mjs bin/stakebts.js …`: registers itself as a module resolve hook
 * that refuses every npm package but commander, so a CLI run that needs any other (zod, pino, better-sqlite3,
 * bitsharesjs…) fails loudly. test/cli/lazyLoading.test.ts runs `--help` and `--version` under it.
 */
import { builtinModules, register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// Loaded twice: by --import on the main thread (which registers it), then as the hooks module on the hooks thread.
if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, next) {
  const bare = !/^(node:|\.|\/|file:|data:)/.test(specifier) && !builtinModules.includes(specifier);
  if (bare && specifier !== 'commander') throw new Error(`only commander may load here, not ${specifier}`);
  return next(specifier, context);
}
