import { Command } from 'commander';
import { lazyAction } from '../lazyAction.js';

/**
 * `stakebts start [--password-file F] [--keystore F] [--metrics-port P]`: unlock the keystore, run every start-up
 * check, then the listener and the payout loop until SIGINT/SIGTERM (a second signal forces the exit).
 * @example stakebts start --password-file /etc/stakebts/password --metrics-port 9464
 */
export function startCommand(): Command {
  return new Command('start')
    .description('run the daemon: unlock the keystore (password prompt), check everything, then listen and pay')
    .option('--password-file <file>', 'read the keystore password from a file (mode 0600) instead of the prompt')
    .option('--keystore <file>', 'keystore file (default: "keystore" in the config)')
    .option('--metrics-port <port>', 'serve Prometheus metrics on 127.0.0.1:<port>/metrics and health on /healthz')
    .option('--metrics-host <host>', 'address the metrics port binds to (default 127.0.0.1; 0.0.0.0 exposes it to the network)')
    .option('--first-start', 'accept an empty database on a path a daemon ran on before (you really start over)')
    .option('--integrity-check', "run SQLite's full integrity_check at start (default: quick_check)")
    .action(lazyAction(() => import('./startAction.js').then((m) => m.startAction)));
}
