import type { ErrorCode } from '../errors/BaseError.js';

/**
 * Exit codes, as documented in README ("Exit codes"): scripts and service managers branch on them.
 * - 0 ok;
 * - 1 a check found something (verify or reconcile differences, status unhealthy) or the command was refused;
 * - 2 usage error (unknown command or option, a bad value on the command line or in the config);
 * - 3 could not run (node unreachable, database corrupt, locked or unreadable).
 */
export const EXIT = { OK: 0, FOUND: 1, USAGE: 2, CANNOT_RUN: 3 } as const;

/** Failures of the environment rather than of the input or the money: the same command may work later. */
const CANNOT_RUN: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'DB_OPEN_FAILED',
  'DB_LOCKED',
  'DB_CORRUPT',
  'DB_REPLACED',
  'DB_SCHEMA_NEWER',
  'NODE_TIMEOUT',
  'NODE_CLOSED',
  'NODE_UNAVAILABLE',
  'NODE_FAULT',
  'RPC_ERROR',
  'CHAIN_ID_MISMATCH',
  'EXCHANGE_UNAVAILABLE',
  'KEYSTORE_NOT_FOUND',
]);

/** What the command line or the config said wrong. */
const USAGE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['USAGE', 'CONFIG_INVALID']);

/** The exit code for a known error. */
export function exitCodeFor(code: ErrorCode): number {
  if (USAGE.has(code)) return EXIT.USAGE;
  if (CANNOT_RUN.has(code)) return EXIT.CANNOT_RUN;
  return EXIT.FOUND;
}

/** Commander's own outcomes: help and version shown are 0, every parse error (unknown option, missing value…) is 2. */
export function exitCodeForCommander(code: string, commanderExit: number): number {
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return EXIT.OK;
  return commanderExit === 0 ? EXIT.OK : EXIT.USAGE;
}
