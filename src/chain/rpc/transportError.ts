import { RpcTransportError } from './errors.js';

export type TransportErrorCode = 'NODE_TIMEOUT' | 'NODE_CLOSED' | 'NODE_UNAVAILABLE';

/**
 * The transport errors of one node, named by its sanitised URL: every step of the socket client (call table,
 * session, reconnect, deadline) builds its failures through this, so none of them can put credentials in a message.
 *
 * @param url - the node URL, already sanitised
 * @example const fail = transportErrorAt(safeUrl); throw fail('NODE_TIMEOUT', 'get_block', true, 'no answer');
 */
export function transportErrorAt(url: string) {
  return (code: TransportErrorCode, method: string, requestSent: boolean, message: string, cause?: unknown): RpcTransportError =>
    new RpcTransportError({
      code,
      url,
      method,
      requestSent,
      message,
      ...(cause === undefined ? {} : { cause }),
    });
}

export type TransportErrorFn = ReturnType<typeof transportErrorAt>;
