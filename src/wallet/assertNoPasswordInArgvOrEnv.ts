import { BaseError } from '../errors/BaseError.js';

/** `--password`, `--password=x`, `--keystore-password`, `--passphrase…`; `--password-file` is fine. */
const PASSWORD_FLAG = /^--(?:keystore-)?pass(?:word|phrase)?(?:=|$)/i;

/** STAKEBTS_PASSWORD and friends, plus the generic names a wrapper script might export. */
const PASSWORD_ENV = /^(?:STAKEBTS_\w*PASS\w*|PASSWORD|PASSPHRASE|KEYSTORE_PASS(?:WORD|PHRASE)?)$/i;

/**
 * Refuses a password given on the command line or in the environment: both are visible to other
 * local users (`ps`, /proc/<pid>/environ) and inherited by child processes. The message names the
 * flag or variable, never its value.
 * @param argv - process.argv (or any argument list)
 * @param env - process.env
 * @throws BaseError('PASSWORD_SOURCE_REFUSED')
 */
export function assertNoPasswordInArgvOrEnv(argv: readonly string[], env: NodeJS.ProcessEnv): void {
  const flag = argv.find((a) => PASSWORD_FLAG.test(a));
  if (flag !== undefined) {
    const name = flag.split('=')[0] ?? '--password';
    throw new BaseError(
      'PASSWORD_SOURCE_REFUSED',
      `Refusing ${name} on the command line: pass the password through the prompt or --password-file.`,
    );
  }
  const variable = Object.keys(env).find((k) => PASSWORD_ENV.test(k) && env[k] !== undefined);
  if (variable !== undefined) {
    throw new BaseError(
      'PASSWORD_SOURCE_REFUSED',
      `Refusing the environment variable ${variable}: pass the password through the prompt or --password-file (and unset ${variable}).`,
    );
  }
}
