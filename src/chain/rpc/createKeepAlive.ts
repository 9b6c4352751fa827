import type { Logger } from 'pino';
import type { Session } from './openSession.js';

export type KeepAliveOptions = {
  /** Ping when nothing was received for this long. */
  keepAliveMs: number;
  /** Terminate the socket when nothing at all was received for this long. */
  silenceTimeoutMs: number;
  /** Sends the ping (`get_dynamic_global_properties`) on the session; its outcome is not what decides. */
  ping: (session: Session) => Promise<unknown>;
  log: Logger;
};

export type KeepAlive = {
  /** Something was received: the node is alive. */
  touch(): void;
  /** Watches this session (stops watching any other). */
  start(session: Session): void;
  stop(): void;
};

/**
 * The keep-alive of the current session: a ping after `keepAliveMs` of quiet, and the socket terminated after
 * `silenceTimeoutMs` of silence, so a half-open connection (no FIN, no reply) fails its calls instead of hanging them
 * until each one's own deadline. The timer never keeps the process alive.
 *
 * @param options - see {@link KeepAliveOptions}
 */
export function createKeepAlive(options: KeepAliveOptions): KeepAlive {
  const { keepAliveMs, silenceTimeoutMs, ping, log } = options;
  let timer: NodeJS.Timeout | undefined;
  let lastMessageAt = 0;
  let pinging = false;

  function stop(): void {
    if (timer) clearInterval(timer);
    timer = undefined;
  }

  function start(s: Session): void {
    stop();
    lastMessageAt = Date.now();
    const tick = Math.max(50, Math.min(keepAliveMs, silenceTimeoutMs) / 2);
    timer = setInterval(() => {
      const quiet = Date.now() - lastMessageAt;
      if (quiet >= silenceTimeoutMs) {
        log.warn({ quietMs: quiet }, 'node silent past the deadline; terminating the socket');
        s.ws.terminate();
        return;
      }
      if (quiet >= keepAliveMs && !pinging && s.open) {
        pinging = true;
        ping(s)
          .catch(() => {}) // the silence deadline decides; a failed ping alone proves nothing
          .finally(() => {
            pinging = false;
          });
      }
    }, tick);
    timer.unref();
  }

  return {
    touch: () => {
      lastMessageAt = Date.now();
    },
    start,
    stop,
  };
}
