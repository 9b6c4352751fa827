import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BaseError } from '../errors/BaseError.js';

export const DEFAULT_STAKES_FILE = 'preexisting_contracts.ts';

/** Loads the `STAKES` text exported by a TypeScript (or JavaScript) module such as preexisting_contracts.ts. */
export async function loadStakesFile(path = DEFAULT_STAKES_FILE): Promise<string> {
  const file = resolve(path);
  if (!existsSync(file)) throw new BaseError('IMPORT_INVALID', `The legacy contracts file ${file} does not exist.`);
  let mod: { STAKES?: unknown };
  try {
    // tsx compiles the .ts file on the fly, so the import works from the compiled CLI too.
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { STAKES?: unknown };
  } catch (err) {
    throw new BaseError(
      'IMPORT_INVALID',
      `The legacy contracts file ${file} could not be loaded: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (typeof mod.STAKES !== 'string') {
    throw new BaseError('IMPORT_INVALID', `The legacy contracts file ${file} must export a string STAKES.`);
  }
  return mod.STAKES;
}
