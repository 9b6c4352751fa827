import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import type { PlainSecrets } from '../../src/daemon/plainSecrets.js';

/** The compiled daemon entry (`npm run build` first; `npm test` does). */
export const DAEMON_ENTRY = resolve('dist/daemon/daemonProcess.js');

export type DaemonChild = { child: ChildProcess; ready: Promise<void>; exited: Promise<unknown> };

/** Forks the daemon and hands it config and secrets over IPC, as the demo and the crash tests do. */
export function forkDaemon(p: { config: unknown; secrets: PlainSecrets; logFile: string; payouts?: boolean }): DaemonChild {
  const child = fork(DAEMON_ENTRY, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const exited = once(child, 'exit');
  const ready = new Promise<void>((resolveReady, reject) => {
    child.on('message', (m: { cmd?: string; message?: string }) => {
      if (m.cmd === 'ready') resolveReady();
      if (m.cmd === 'error') reject(new Error(m.message));
    });
    child.once('exit', (code, signal) => reject(new Error(`daemon exited before ready (${code ?? signal}) ${stderr.slice(0, 500)}`)));
  });
  ready.catch(() => {});
  child.send({ cmd: 'start', config: p.config, secrets: p.secrets, logFile: p.logFile, payouts: p.payouts ?? true });
  return { child, ready, exited };
}
