import { readFileSync } from 'node:fs';

/**
 * The stakebts version, read once from package.json (one level above both src/ and dist/), so the CLI, `status`
 * and the start-up receipt can never disagree with what was installed.
 */
export const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
})();
