import { access } from 'node:fs/promises';
import { confirm, input, password } from '@inquirer/prompts';
import { isValidWif, publicKeyFromWif } from '../../chain/bitshares/keys.js';
import { BaseError } from '../../errors/BaseError.js';
import { assertNoPasswordInArgvOrEnv } from '../../wallet/assertNoPasswordInArgvOrEnv.js';
import { changeKeystorePassword } from '../../wallet/changeKeystorePassword.js';
import { MIN_PASSWORD_LENGTH, writeKeystore } from '../../wallet/createKeystore.js';
import { describeKeystore, type KeystoreDescription } from '../../wallet/describeKeystore.js';
import { accountNameSchema, DEFAULT_KDF, type PlainPayload, wrapPayload } from '../../wallet/keystoreFormat.js';
import { openKeystore } from '../../wallet/openKeystore.js';
import { promptPassword } from '../../wallet/promptPassword.js';
import { maskApiKey, type PublicFacts, publicFacts } from '../../wallet/publicFacts.js';
import { readPasswordFile } from '../../wallet/readPasswordFile.js';
import { readPrivateFile } from '../../wallet/readPrivateFile.js';
import { type RotatedKey, rotateKeystoreKey } from '../../wallet/rotateKey.js';
import { Secret } from '../../wallet/Secret.js';
import { validatePlainPayload } from '../../wallet/validatePayload.js';

type KeystoreOpts = { keystore: string };

/**
 * `keys add`, `keys list`, `keys change-password`, `keys rotate-memo|rotate-active` (loaded only when one runs; see
 * ../lazyAction.ts).
 */
export const keysAddAction = cancellable(addAction);
export const keysListAction = cancellable(listAction);
export const keysChangePasswordAction = cancellable(changePasswordAction);
export const keysRotateAction = (which: RotatedKey) => cancellable((opts: RotateOpts) => rotateAction(which, opts));

type RotateOpts = KeystoreOpts & { wifFile?: string; passwordFile?: string };

/**
 * Replaces one key: the file is checked first, then the new key is read (file or masked prompt, never argv or the
 * environment) and validated, then the password opens the keystore; only then is the file rewritten. Prints public
 * keys only.
 */
async function rotateAction(which: RotatedKey, opts: RotateOpts): Promise<void> {
  assertNoPasswordInArgvOrEnv(process.argv, process.env);
  const path = opts.keystore;
  await describeKeystore(path);
  const interactive = process.stdin.isTTY === true;
  if ((opts.wifFile === undefined || opts.passwordFile === undefined) && !interactive) {
    const missing = [opts.wifFile === undefined ? '--wif-file' : null, opts.passwordFile === undefined ? '--password-file' : null]
      .filter((m) => m !== null)
      .join(' and ');
    throw new BaseError('PASSWORD_SOURCE_REFUSED', `No terminal to type on; pass ${missing} (mode 0600). Nothing was written.`);
  }
  const newWif = new Secret(opts.wifFile !== undefined ? await readWifFile(opts.wifFile) : await askWif(`New ${which} private key (WIF)`));
  const newPub = publicKeyFromWif(newWif.reveal());
  say(`  new ${which} public key: ${newPub}`);
  const pw =
    opts.passwordFile !== undefined ? await readPasswordFile(opts.passwordFile) : await promptPassword({ message: 'Keystore password' });
  say('Deriving the key (scrypt) and rewriting the keystore…');
  const r = await rotateKeystoreKey(path, { which, newWif, password: pw });
  say(`The ${which} key of ${path} is now ${r.after} (was ${r.before}); every other key is unchanged.`);
  if (which === 'memo') {
    say(`Retired memo keys kept (memos encrypted to them are still read): ${r.retiredMemoKeys.join(', ')}.`);
    say(`Set ${r.after} as the memo key of the broker account on chain; the next \`stakebts start\` checks that it is.`);
  } else {
    say(
      `Give ${r.after} the broker account's active authority on chain; the next \`stakebts start\` checks that it has it (and refuses an owner key).`,
    );
  }
}

/** A WIF from a private file (0600): one line, surrounding whitespace removed; the buffer is zeroed. */
async function readWifFile(path: string): Promise<string> {
  const bytes = await readPrivateFile(path, {
    what: 'key file',
    notFoundCode: 'USAGE',
    insecureCode: 'KEYSTORE_INSECURE',
    invalidCode: 'KEY_INVALID',
    maxBytes: 4096,
  });
  const wif = bytes.toString('utf8').trim();
  bytes.fill(0);
  // The message never quotes the file: it may hold a key with a typo, still a secret.
  if (!isValidWif(wif))
    throw new BaseError('KEY_INVALID', `The key file ${path} does not hold one valid WIF private key. Nothing was written.`);
  return wif;
}

async function addAction(opts: KeystoreOpts & { overwrite?: boolean }): Promise<void> {
  assertNoPasswordInArgvOrEnv(process.argv, process.env);
  const path = opts.keystore;
  const overwrite = opts.overwrite === true;
  // 1. refuse early, before anything is typed (writeKeystore refuses again, atomically)
  if (!overwrite && (await exists(path))) {
    throw new BaseError('KEYSTORE_EXISTS', `A keystore already exists at ${path}; use --overwrite to replace it.`);
  }
  // 2. broker account and keys
  const account = await input({
    message: 'Broker account name',
    validate: (v) => accountNameSchema.safeParse(v.trim()).success || 'Not a valid BitShares account name.',
  }).then((v) => v.trim());
  const activeWif = await askWif(`Active private key (WIF) of ${account}`);
  const activePub = publicKeyFromWif(activeWif);
  say(`  active public key: ${activePub}`);
  const isActive = await confirm({
    message: `Is ${activePub} the ACTIVE key of ${account} (not its owner key)?`,
    default: false,
  });
  if (!isActive) {
    throw new BaseError(
      'OWNER_KEY_REFUSED',
      'Only the active key goes into the keystore; the owner key stays offline. Nothing was written.',
    );
  }
  const memoWif = await askWif(`Memo private key (WIF) of ${account}`);
  say(`  memo public key: ${publicKeyFromWif(memoWif)}`);
  // 3. Bittrex accounts
  const count = Number(
    await input({
      message: 'How many Bittrex accounts (0-3)?',
      default: '0',
      validate: (v) => /^[0-3]$/.test(v.trim()) || 'Enter 0, 1, 2 or 3.',
    }),
  );
  const bittrex: PlainPayload['bittrex'] = [];
  for (const index of [1, 2, 3] as const) {
    if (index > count) break;
    const apiKey = await askToken(`Bittrex ${index} API key`);
    const apiSecret = await askToken(`Bittrex ${index} API secret`);
    say(`  Bittrex ${index} API key: ${maskApiKey(apiKey)}`);
    bittrex.push({ index, apiKey, apiSecret });
  }
  // 4. validate everything before the password is asked, then encrypt and write
  const payload = wrapPayload(validatePlainPayload({ broker: { account, activeWif, memoWif }, bittrex }));
  const pw = await promptPassword({ message: 'New keystore password', confirm: true, minLength: MIN_PASSWORD_LENGTH });
  say('Deriving the key (scrypt) and writing the keystore…');
  await writeKeystore(path, payload, pw, { overwrite });
  say(`Keystore written to ${path} (mode 0600).`);
  printFacts(await describeKeystore(path), publicFacts(payload));
}

async function listAction(opts: KeystoreOpts & { passwordFile?: string; json?: boolean }): Promise<void> {
  assertNoPasswordInArgvOrEnv(process.argv, process.env);
  // Check the file (exists, 0600, well formed) before asking for a password.
  const description = await describeKeystore(opts.keystore);
  const pw =
    opts.passwordFile !== undefined ? await readPasswordFile(opts.passwordFile) : await promptPassword({ message: 'Keystore password' });
  const facts = publicFacts(await openKeystore(opts.keystore, pw));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ keystore: description, ...facts }, null, 2)}\n`);
    return;
  }
  printFacts(description, facts);
}

async function changePasswordAction(opts: KeystoreOpts): Promise<void> {
  assertNoPasswordInArgvOrEnv(process.argv, process.env);
  const path = opts.keystore;
  // A keystore below the scrypt floor opens here only: re-encrypting it is how it is upgraded.
  const before = await describeKeystore(path, { allowBelowFloor: true });
  const oldPw = await promptPassword({ message: 'Current keystore password' });
  // Verify before asking for the new one, so a typo is caught before typing the new password twice.
  await openKeystore(path, oldPw, { allowBelowFloor: true });
  const newPw = await promptPassword({ message: 'New keystore password', confirm: true, minLength: MIN_PASSWORD_LENGTH });
  const upToDate = before.kdf.N >= DEFAULT_KDF.N && before.kdf.r >= DEFAULT_KDF.r && before.kdf.p >= DEFAULT_KDF.p;
  // The same password again is fine when the point is to upgrade the scrypt parameters.
  if (newPw === oldPw && upToDate) throw new BaseError('USAGE', 'The new password is the same as the current one; nothing changed.');
  say(
    `Re-encrypting the keystore (scrypt N=${DEFAULT_KDF.N}, r=${DEFAULT_KDF.r}, p=${DEFAULT_KDF.p}; it was N=${before.kdf.N}, r=${before.kdf.r}, p=${before.kdf.p})…`,
  );
  await changeKeystorePassword(path, oldPw, newPw);
  say(`Password changed for ${path}.`);
}

function askWif(message: string): Promise<string> {
  return password({
    message,
    mask: '*',
    validate: (v) => isValidWif(v.trim()) || 'Not a valid WIF private key (it starts with 5 and has 51 characters).',
  }).then((v) => v.trim());
}

function askToken(message: string): Promise<string> {
  return password({
    message,
    mask: '*',
    validate: (v) => /^\S{1,512}$/.test(v.trim()) || 'Required, without spaces.',
  }).then((v) => v.trim());
}

function printFacts(d: KeystoreDescription, facts: PublicFacts): void {
  const lines = [
    `keystore   ${d.path} (v${d.version}, ${d.cipher}, scrypt N=${d.kdf.N} r=${d.kdf.r} p=${d.kdf.p}, created ${d.created})`,
    `broker     ${facts.broker.account}`,
    `  active   ${facts.broker.activePublicKey}`,
    `  memo     ${facts.broker.memoPublicKey}`,
    ...facts.broker.retiredMemoPublicKeys.map((k) => `  retired memo ${k}`),
    ...(facts.bittrex.length === 0 ? ['bittrex    (none)'] : facts.bittrex.map((b) => `bittrex ${b.index}  API key ${b.apiKey}`)),
    `fingerprint ${facts.fingerprint} (recorded with every fund move)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Ctrl+C at a prompt (inquirer's ExitPromptError) becomes a one-line "cancelled", not a stack trace. */
function cancellable<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof Error && err.name === 'ExitPromptError') {
        throw new BaseError('USAGE', 'Cancelled; nothing was written.');
      }
      throw err;
    }
  };
}
