import { BaseError } from '../errors/BaseError.js';
import { readPrivateFile } from './readPrivateFile.js';

/**
 * Reads the keystore password from a file (for service managers, where no one types it).
 * Exactly one trailing newline (`\n` or `\r\n`, as editors and `echo` add) is removed; any other
 * whitespace is part of the password. The file must be private to its owner (mode 0600 or 0400).
 * @throws BaseError PASSWORD_SOURCE_REFUSED (missing, accessible to group/other, empty)
 * @example const password = await readPasswordFile('/etc/stakebts/password')
 */
export async function readPasswordFile(path: string): Promise<string> {
  const bytes = await readPrivateFile(path, {
    what: 'password file',
    notFoundCode: 'PASSWORD_SOURCE_REFUSED',
    insecureCode: 'PASSWORD_SOURCE_REFUSED',
    invalidCode: 'PASSWORD_SOURCE_REFUSED',
    maxBytes: 4096,
  });
  let text = bytes.toString('utf8');
  bytes.fill(0);
  if (text.endsWith('\r\n')) text = text.slice(0, -2);
  else if (text.endsWith('\n')) text = text.slice(0, -1);
  if (text.length === 0) throw new BaseError('PASSWORD_SOURCE_REFUSED', `The password file ${path} is empty.`);
  return text;
}
