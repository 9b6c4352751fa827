export type HardenProcessOptions = {
  /** Told once per SIGUSR1 received (e.g. a line on stderr). @default nothing */
  onDebugSignal?: () => void;
};

let hardened = false;

/**
 * Process-wide hardening, called first thing by every stakebts entry point (the CLI, the forked daemon, the payout
 * worker). Idempotent.
 *
 * 1. `umask 077`: every file the process creates (database and its -wal/-shm, the lock, logs, keystore temp files,
 *    reports, backups) is readable by its owner only. The database holds decrypted client memos and the log their
 *    account names; the default umask 022 made both world-readable.
 * 2. A SIGUSR1 listener: without one, Node opens its inspector on 127.0.0.1:9229 when the process gets SIGUSR1,
 *    and any local user who can reach that port can run code inside the daemon, keys and all. A JavaScript
 *    listener replaces Node's signal handler (checked on Node 20 by test/cli/hardening.test.ts), so the signal
 *    is only noted.
 */
export function hardenProcess(options: HardenProcessOptions = {}): void {
  if (hardened) return;
  hardened = true;
  process.umask(0o077);
  process.on('SIGUSR1', () => options.onDebugSignal?.());
}
