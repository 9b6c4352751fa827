import type { Command } from 'commander';
import { preflightChecks } from '../../admin/preflightChecks.js';
import { secretsFromPayload } from '../../admin/unlockSecrets.js';
import { type Daemon, startDaemon } from '../../daemon/startDaemon.js';
import { BaseError } from '../../errors/BaseError.js';
import { createLogger } from '../../log.js';
import { type MetricsServer, startMetricsServer } from '../../metrics/startMetricsServer.js';
import { assertNoPasswordInArgvOrEnv } from '../../wallet/assertNoPasswordInArgvOrEnv.js';
import { unlockKeystore } from '../../wallet/unlockKeystore.js';
import { EXIT, exitCodeFor } from '../exitCodes.js';
import { configFor } from './shared.js';
import { createProgressReporter } from './startProgress.js';

type StartOpts = {
  passwordFile?: string;
  keystore?: string;
  metricsPort?: string;
  metricsHost?: string;
  firstStart?: boolean;
  integrityCheck?: boolean;
};

/** The `start` command's action (loaded only when it runs; see ../lazyAction.ts). */
export async function startAction(opts: StartOpts, cmd: Command): Promise<void> {
  // 1. Where the password may come from, before anything else.
  assertNoPasswordInArgvOrEnv(process.argv, process.env);
  const metricsPort = opts.metricsPort === undefined ? undefined : Number(opts.metricsPort);
  if (metricsPort !== undefined && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65_535)) {
    throw new BaseError('USAGE', '--metrics-port must be a port number (0-65535).');
  }
  const config = configFor(cmd);
  const keystorePath = opts.keystore ?? config.keystore;

  // 2. The file is checked (exists, private, well formed) before anyone types a password.
  const payload = await unlockKeystore({ keystorePath, passwordFile: opts.passwordFile, nothingDone: 'nothing was started' });
  const secrets = secretsFromPayload(payload, config);

  // 3. Every check before the database is opened or created: a failure writes nothing.
  const logger = createLogger({ level: config.logLevel });
  process.stderr.write('Checking the node, the broker keys and the exchange accounts…\n');
  await preflightChecks(config, secrets);

  // 4. Run. Signals are handled from here on, so one arriving while the daemon starts still stops it cleanly.
  const progress = createProgressReporter(logger);
  let daemon: Daemon | null = null;
  let metrics: MetricsServer | null = null;
  let lib: number | null = null;
  let nodeOk: boolean | null = null;
  let signals = 0;
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      progress.stop();
      clearInterval(libTimer);
      await metrics?.close().catch(() => {});
      await daemon?.close();
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: forcing exit (payments in flight are reconciled at the next start)');
      process.exit(130);
    }
    logger.info({ signal }, 'stopping: finishing the current block and payments');
    if (daemon) void shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const pollHead = () => {
    daemon?.node
      .getDynamicGlobalProperties()
      .then((d) => {
        lib = d.lastIrreversibleBlockNum;
        nodeOk = true;
      })
      .catch(() => {
        nodeOk = false; // every node failed (the fallback tried them all): /healthz says "no node reachable"
      });
  };
  const libTimer = setInterval(pollHead, 15_000);
  libTimer.unref();
  daemon = await startDaemon({
    config,
    secrets,
    logger,
    onProgress: (p) => progress.onProgress(p),
    firstStart: opts.firstStart ?? false,
    integrityCheck: opts.integrityCheck ?? false,
  });
  if (signals > 0) void shutdown();
  if (metricsPort !== undefined && signals === 0) {
    pollHead();
    metrics = await startMetricsServer({
      db: daemon.db,
      port: metricsPort,
      host: opts.metricsHost ?? '127.0.0.1',
      irreversibleBlock: () => lib,
      nodeReachable: () => nodeOk,
    });
    logger.info({ url: metrics.url }, 'metrics endpoint listening');
  }

  try {
    await daemon.done;
  } catch (err) {
    if (err instanceof BaseError) process.stderr.write(`stakebts: ${err.message}\n`);
    else logger.error({ err }, 'a daemon loop failed; stopping');
    process.exitCode = err instanceof BaseError ? exitCodeFor(err.code) : EXIT.FOUND;
  }
  await shutdown();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
