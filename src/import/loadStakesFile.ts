import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BaseError } from '../errors/BaseError.js';
import { type ExtractedStakes, extractStakes } from './extractStakes.js';

export const DEFAULT_STAKES_FILE = 'preexisting_contracts.ts';

/** A legacy file is a few hundred lines; anything far larger is not one. */
const MAX_BYTES = 10 * 1024 * 1024;

/**
 * Reads the legacy STAKES lines from `preexisting_contracts.ts`, the original bot's `preexisting_contracts.py` or a
 * `.txt` file of lines. The file is read as text and never executed (no import, no eval, no compiler).
 * @returns the lines and the file line they start on
 * @throws BaseError('IMPORT_INVALID') with the file, the line and the reason
 */
export function loadStakesFile(path = DEFAULT_STAKES_FILE): ExtractedStakes {
  const file = resolve(path);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new BaseError('IMPORT_INVALID', `The legacy contracts file ${file} is not a regular file.`);
    size = st.size;
  } catch (err) {
    if (err instanceof BaseError) throw err;
    throw new BaseError('IMPORT_INVALID', `The legacy contracts file ${file} does not exist.`, { cause: err });
  }
  if (size > MAX_BYTES) throw new BaseError('IMPORT_INVALID', `The legacy contracts file ${file} is too large (${size} bytes).`);
  const bytes = readFileSync(file);
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new BaseError('IMPORT_INVALID', `The legacy contracts file ${file} is not UTF-8 text.`, { cause });
  }
  return extractStakes(source, file);
}
