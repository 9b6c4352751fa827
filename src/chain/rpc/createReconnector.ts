import type { Logger } from 'pino';
import { BaseError } from '../../errors/BaseError.js';
import { backoffDelay } from '../../utils/promise/withRetry.js';
import type { CallTable } from './createCallTable.js';
import type { KeepAlive } from './createKeepAlive.js';
import { openSession, type Session } from './openSession.js';
import type { TransportErrorFn } from './transportError.js';

export type ReconnectorOptions = {
  url: string;
  safeUrl: string;
  handshakeTimeoutMs: number;
  expectedChainId?: string | undefined;
  askBlockApi?: boolean | undefined;
  /** Background reconnect attempts after a drop before waiting for the next call. */
  reconnectAttempts: number;
  /** Base of the exponential reconnect backoff. */
  reconnectDelayMs: number;
  /** Upper bound of one reconnect delay. */
  maxReconnectDelayMs: number;
  calls: CallTable;
  keepAlive: KeepAlive;
  fail: TransportErrorFn;
  log: Logger;
};

export type Reconnector = {
  /** The current session, connecting (once, shared by every caller) when there is none. */
  ensure(): Promise<Session>;
  /** The current open session, if any. */
  readonly current: Session | null;
  readonly intentionallyClosed: boolean;
  /** Stops reconnecting for good and returns the session that was current (its socket is the caller's to close). */
  shut(): Session | null;
};

/**
 * The connection's life: one connect at a time shared by all callers, the session made current only once its
 * handshake succeeded, and after a drop a bounded background reconnect with exponential backoff and jitter. Calls
 * made while the node is backing off fail at once (NODE_UNAVAILABLE), so a refusing node is not hammered.
 *
 * @param options - see {@link ReconnectorOptions}
 */
export function createReconnector(options: ReconnectorOptions): Reconnector {
  const { safeUrl, reconnectAttempts, reconnectDelayMs, maxReconnectDelayMs, calls, keepAlive, fail, log } = options;
  let session: Session | null = null;
  let connecting: Promise<Session> | null = null;
  let intentionallyClosed = false;
  let failures = 0; // consecutive failed connects; drives the backoff
  let nextAttemptAt = 0; // on-demand connects wait for the backoff too
  let reconnectTimer: NodeJS.Timeout | undefined;

  function onClose(s: Session, code: number): void {
    const wasCurrent = session === s;
    s.open = false;
    if (wasCurrent) {
      session = null;
      keepAlive.stop();
    }
    calls.failAll(`code ${code}`, s.ws);
    if (wasCurrent && !intentionallyClosed) {
      log.warn({ code }, 'connection lost; reconnecting');
      scheduleReconnect();
    }
  }

  function scheduleReconnect(): void {
    if (intentionallyClosed || reconnectTimer || failures >= reconnectAttempts) return;
    const delay = Math.max(0, nextAttemptAt - Date.now());
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (intentionallyClosed || session || connecting) return;
      ensure().then(
        () => log.info('reconnected'),
        () => scheduleReconnect(),
      );
    }, delay);
    reconnectTimer.unref();
  }

  function ensure(): Promise<Session> {
    if (intentionallyClosed) return Promise.reject(fail('NODE_CLOSED', 'connect', false, `Client for ${safeUrl} was closed`));
    if (session?.open) return Promise.resolve(session);
    if (connecting) return connecting;
    const waitMs = nextAttemptAt - Date.now();
    if (waitMs > 0) {
      return Promise.reject(fail('NODE_UNAVAILABLE', 'connect', false, `Node ${safeUrl} is backing off for ${Math.ceil(waitMs)} ms`));
    }
    connecting = openSession({
      url: options.url,
      safeUrl,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      expectedChainId: options.expectedChainId,
      askBlockApi: options.askBlockApi,
      calls,
      log,
      onMessage: (data) => {
        keepAlive.touch();
        calls.receive(data);
      },
      onClose,
    }).then(
      (s) => {
        connecting = null;
        if (intentionallyClosed) {
          s.ws.terminate();
          throw fail('NODE_CLOSED', 'connect', false, `Client for ${safeUrl} was closed`);
        }
        failures = 0;
        nextAttemptAt = 0;
        session = s;
        keepAlive.start(s);
        return s;
      },
      (err: unknown) => {
        connecting = null;
        nextAttemptAt = Date.now() + backoffDelay(failures, reconnectDelayMs, maxReconnectDelayMs);
        failures++;
        if (err instanceof BaseError) throw err; // CHAIN_ID_MISMATCH, transport errors keep their code
        throw fail('NODE_UNAVAILABLE', 'connect', false, `Cannot connect to ${safeUrl}`, sanitizeCause(err));
      },
    );
    return connecting;
  }

  function shut(): Session | null {
    intentionallyClosed = true;
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    keepAlive.stop();
    const s = session;
    session = null;
    return s;
  }

  return {
    ensure,
    get current() {
      return session;
    },
    get intentionallyClosed() {
      return intentionallyClosed;
    },
    shut,
  };
}

/** ws error messages can quote the URL; keep only the error's class and code. */
function sanitizeCause(err: unknown): Error {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const e = new Error(typeof code === 'string' ? code : err.message.replace(/\/\/[^@/\s]*@/g, '//'));
    e.name = err.name;
    return e;
  }
  return new Error('connection failed');
}
