import { open } from 'node:fs/promises';
import { BaseError, type ErrorCode } from '../errors/BaseError.js';

export type ReadPrivateFileOptions = {
  /** What the file is, for messages ("keystore", "password file"). */
  what: string;
  /** Error code when the file is missing. */
  notFoundCode: ErrorCode;
  /** Error code when group/other have any permission on it. */
  insecureCode: ErrorCode;
  /** Error code when it is not a regular file or is too large. */
  invalidCode: ErrorCode;
  /** Refuse files larger than this (a keystore is a few KiB). @default 1_048_576 */
  maxBytes?: number;
};

/**
 * Reads a file that holds secrets, refusing it when group or other users have any permission on it.
 * The mode is taken from the open descriptor (fstat), so the file checked is the file read.
 * On Windows, POSIX modes mean nothing and the check is skipped.
 * @returns the file's bytes (caller zeroes them when they hold a secret)
 */
export async function readPrivateFile(path: string, options: ReadPrivateFileOptions): Promise<Buffer> {
  const { what, notFoundCode, insecureCode, invalidCode, maxBytes = 1_048_576 } = options;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BaseError(notFoundCode, `No ${what} at ${path}.`, { cause: err });
    throw new BaseError(notFoundCode, `Cannot open the ${what} at ${path} (${code ?? 'error'}).`, { cause: err });
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new BaseError(invalidCode, `The ${what} at ${path} is not a regular file.`);
    const extra = st.mode & 0o077;
    if (process.platform !== 'win32' && extra !== 0) {
      throw new BaseError(
        insecureCode,
        `The ${what} at ${path} is accessible to other users (mode ${(st.mode & 0o777).toString(8).padStart(3, '0')}); run: chmod 600 ${path}`,
      );
    }
    if (st.size > maxBytes) throw new BaseError(invalidCode, `The ${what} at ${path} is too large (${st.size} bytes).`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
