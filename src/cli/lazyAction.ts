/**
 * A command action whose module is imported only when that command runs. The command tree (names, options, help
 * texts, examples) is built from definition modules that import commander and nothing heavy, so `--version`,
 * `--help` and a usage error start in a fraction of the time; a command that runs loads only what it uses
 * (bench/cliStartup.mjs measures both).
 * @param load - imports the action's module and picks its handler:
 *   `lazyAction(() => import('./statusAction.js').then((m) => m.statusAction))`
 */
export function lazyAction<A extends unknown[]>(load: () => Promise<(...args: A) => unknown>): (...args: A) => Promise<void> {
  return async (...args) => {
    const run = await load();
    await run(...args);
  };
}
