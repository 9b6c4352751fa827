/**
 * The daemon as a child process driven over IPC: tests (crash and fault tests kill it with SIGKILL at random
 * moments) and the demo start it with `fork(dist/daemon/daemonProcess.js)` and send
 * `{ cmd: 'start', config, secrets, logFile? }`. Secrets arrive over IPC, never in argv or env.
 */
import { z } from 'zod';
import { parseConfig } from '../config/index.js';
import { createLogger } from '../log.js';
import { hardenProcess } from '../utils/hardenProcess.js';
import { wrapPlainSecrets } from './plainSecrets.js';
import { type Daemon, startDaemon } from './startDaemon.js';

// Files private (umask 077) and no inspector on SIGUSR1, before the database or the log exists.
hardenProcess({ onDebugSignal: () => process.stderr.write('stakebts daemon: SIGUSR1 ignored (the Node inspector stays closed).\n') });

const startMessage = z.object({
  cmd: z.literal('start'),
  config: z.unknown(),
  secrets: z.object({
    brokerActiveWif: z.string(),
    brokerMemoWif: z.string(),
    brokerRetiredMemoWifs: z.array(z.string()).optional(),
    exchangeKeys: z.array(z.object({ account: z.number().int().positive(), apiKey: z.string(), apiSecret: z.string() })),
  }),
  logFile: z.string().optional(),
  logLevel: z.string().optional(),
  /** Run the payout loop too. @default true */
  payouts: z.boolean().optional(),
  firstStart: z.boolean().optional(),
});

export type DaemonProcessMessage = { cmd: 'ready'; pid: number } | { cmd: 'error'; message: string } | { cmd: 'stopped' };

let daemon: Daemon | undefined;
const send = (m: DaemonProcessMessage) => process.send?.(m);

process.on('message', async (raw: unknown) => {
  const parsed = startMessage.safeParse(raw);
  if (!parsed.success || daemon) return;
  const { config, secrets, logFile, logLevel, payouts, firstStart } = parsed.data;
  try {
    const logger = createLogger({ dest: logFile ?? 2, pretty: false, level: logLevel ?? 'info' });
    daemon = await startDaemon({
      config: parseConfig(config),
      secrets: wrapPlainSecrets(secrets),
      logger,
      payouts: payouts ?? true,
      firstStart: firstStart ?? false,
    });
    send({ cmd: 'ready', pid: process.pid });
    daemon.done.catch((err: unknown) => {
      send({ cmd: 'error', message: err instanceof Error ? (err.message.split('\n')[0] ?? 'error') : String(err) });
      process.exitCode = 1;
      void daemon?.close().finally(() => process.disconnect?.());
    });
  } catch (err) {
    send({ cmd: 'error', message: err instanceof Error ? (err.message.split('\n')[0] ?? 'error') : String(err) });
    process.exitCode = 1;
    process.disconnect?.();
  }
});

const stop = async () => {
  if (!daemon) process.exit(0);
  await daemon.close();
  send({ cmd: 'stopped' });
  process.disconnect?.();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
