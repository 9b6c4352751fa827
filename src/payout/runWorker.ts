import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BaseError } from '../errors/BaseError.js';
import { type ParentMessage, parentMessageSchema, type WorkerMessage, workerMessageSchema } from './protocol.js';

/**
 * The bundled worker (one file built by scripts/bundleWorker.mjs in `npm run build`). From dist/ it sits next to
 * this file; from src/ (tests, tsx) the built copy in dist/ is used: forking TypeScript through a loader, or the
 * tsc output with its module graph, costs several times a bare Node start per payment.
 */
export function defaultWorkerPath(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return fileURLToPath(new URL('./worker.bundle.cjs', import.meta.url));
  return fileURLToPath(new URL('../../dist/payout/worker.bundle.cjs', import.meta.url));
}

export type WorkerEnd = {
  /** Killed at its time limit (or by `signal`). */
  killed: boolean;
  code: number | null;
  exitSignal: NodeJS.Signals | null;
  /** A message failed validation: the worker was killed and its outcome is unknown. */
  protocolError: string | null;
  /** Last stderr bytes (crash text; the worker never prints keys). */
  stderrTail: string;
  /** Wall time from fork to exit, ms. */
  elapsedMs: number;
};

export type RunWorkerOptions = {
  workerPath: string;
  /** Hard limit: SIGKILL after this long, whatever the worker is doing. */
  timeoutMs: number;
  /** Kills the worker early (engine shutdown). */
  signal?: AbortSignal;
  /**
   * Called for every validated message, in order; `reply` sends a validated message to the worker.
   * May be async; messages are handled one at a time.
   */
  onMessage: (msg: WorkerMessage, reply: (m: ParentMessage) => void) => void | Promise<void>;
};

/**
 * Forks one payout worker with a hard time limit (`AbortSignal.timeout` + SIGKILL) and waits for it to exit (and its channel to drain).
 * Never rejects for anything the worker does: the caller reads the messages it received and the end state
 * (an attempt with no result message is ambiguous by definition).
 * @throws BaseError('USAGE') when the compiled worker is missing (run `npm run build`)
 */
export async function runWorker(options: RunWorkerOptions): Promise<WorkerEnd> {
  const { workerPath, timeoutMs, onMessage } = options;
  if (!existsSync(workerPath)) {
    throw new BaseError('USAGE', `The payout worker ${workerPath} does not exist; run "npm run build" first.`);
  }
  const started = Date.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  // execArgv []: no loader, source-map or inspector flags of the parent (each makes a fork dearer); env carries no
  // secret (no key reaches a worker at all; jobs go over IPC).
  const child = fork(workerPath, [], {
    signal,
    killSignal: 'SIGKILL',
    execArgv: [],
    env: workerEnv(),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
  let stderrTail = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderrTail = (stderrTail + d.toString('utf8')).slice(-1000);
  });
  child.on('error', () => {}); // AbortError on kill; the end state is read from 'exit'
  let protocolError: string | null = null;
  let chain = Promise.resolve();
  const reply = (m: ParentMessage) => {
    if (!child.connected) return;
    child.send(parentMessageSchema.parse(m), (err) => {
      if (err) child.kill('SIGKILL');
    });
  };
  child.on('message', (raw) => {
    const parsed = workerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      protocolError ??= 'worker sent a malformed message';
      child.kill('SIGKILL');
      return;
    }
    chain = chain
      .then(() => onMessage(parsed.data, reply))
      .catch((err: unknown) => {
        protocolError ??= `parent handler failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
        child.kill('SIGKILL');
      });
  });
  const { code, exitSignal } = await new Promise<{ code: number | null; exitSignal: NodeJS.Signals | null }>((resolve) => {
    // 'close' comes after 'exit' once stdio and the IPC channel are drained: no message is lost.
    child.once('close', (c, s) => resolve({ code: c, exitSignal: s }));
  });
  await chain;
  return { killed: signal.aborted, code, exitSignal, protocolError, stderrTail, elapsedMs: Date.now() - started };
}

/** The parent's environment minus NODE_OPTIONS: a loader or inspector preloaded there would run in every fork. */
function workerEnv(): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  return env;
}
