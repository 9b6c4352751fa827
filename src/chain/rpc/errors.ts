import { BaseError, type ErrorCode } from '../../errors/BaseError.js';
import { describeFcError, type FcErrorObject, fcErrorName } from './describeFcError.js';

export type { FcErrorObject } from './describeFcError.js';

/**
 * A deterministic answer from the node (fc exception or JSON-RPC error): asking another node would give
 * the same answer, so it is thrown, never failed over. Branch on `fcName` / `fcCode` (or hand `frame` to a
 * classifier such as classifyBroadcastRefusal), never on the message text.
 */
export class RpcNodeError extends BaseError {
  override name = 'RpcNodeError';
  /** fc exception name (`assert_exception`, `tx_missing_active_auth`), or `jsonrpc_<code>` without data. */
  readonly fcName: string;
  /** fc exception code (`data.code`), else the top-level JSON-RPC code. */
  readonly fcCode: number | undefined;
  /** The top-level JSON-RPC `code` (the fc code on a bitshares-core 7 node, -32601 for an unknown method). */
  readonly rpcCode: number | undefined;
  readonly method: string;
  readonly url: string;
  /** The `error` member exactly as the node sent it (not enumerable: it can hold a whole transaction). */
  declare readonly frame: FcErrorObject;

  constructor(args: { url: string; method: string; error: FcErrorObject }) {
    const { url, method, error } = args;
    const fcName = fcErrorName(error);
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const fcCode = num(error.data?.code) ?? num(error.code);
    // Where a real node puts the detail: the formatted log, else the top-level message (data.message is the short name).
    const text = describeFcError(error);
    super('RPC_ERROR', `Node rejected ${method}: ${fcName}`, {
      metaMessages: [`URL: ${url}`, `fc code: ${fcCode ?? 'none'}`],
      ...(text !== fcName ? { details: text } : {}),
    });
    this.fcName = fcName;
    this.fcCode = fcCode;
    this.rpcCode = num(error.code);
    this.method = method;
    this.url = url;
    Object.defineProperty(this, 'frame', { value: error, enumerable: false });
  }
}

/**
 * The node could not be used for this call (timeout, closed socket, refused connection, unusable reply).
 * Safe to fail over when `requestSent` is false; when true, the node may have acted on the request.
 */
export class RpcTransportError extends BaseError {
  override name = 'RpcTransportError';
  readonly url: string;
  readonly method: string;
  /** True when the request may have reached the node (its outcome is unknown). */
  readonly requestSent: boolean;

  constructor(args: {
    code: Extract<ErrorCode, 'NODE_TIMEOUT' | 'NODE_CLOSED' | 'NODE_UNAVAILABLE'>;
    url: string;
    method: string;
    requestSent: boolean;
    message: string;
    cause?: unknown;
  }) {
    super(args.code, args.message, {
      metaMessages: [`URL: ${args.url}`, `Method: ${args.method}`],
      ...(args.cause === undefined ? {} : { cause: args.cause }),
    });
    this.url = args.url;
    this.method = args.method;
    this.requestSent = args.requestSent;
  }
}

/**
 * The node did not grant the api this call needs (its handshake was refused `login_api::block()` or `history()`, as
 * most public nodes refuse them): nothing was sent, and nothing is wrong with the node. The fallback asks the next
 * node without cooling this one down; thrown when no node that grants the api answered, so that the caller can read
 * the same data another way (the block scan reads a range with get_block).
 */
export class RpcApiMissingError extends RpcTransportError {
  override name = 'RpcApiMissingError';
  readonly api: string;

  constructor(args: { url: string; method: string; api: string; message: string; cause?: unknown }) {
    super({ code: 'NODE_UNAVAILABLE', url: args.url, method: args.method, requestSent: false, message: args.message, cause: args.cause });
    this.api = args.api;
  }
}

/** A call some node could not serve for want of an api, and that no node granting it answered. */
export function isApiMissing(err: unknown): err is RpcApiMissingError {
  return err instanceof RpcApiMissingError;
}

/** A transport failure: worth trying another node. */
export function isTransportError(err: unknown): err is RpcTransportError {
  return err instanceof RpcTransportError;
}

/** Chain-id mismatch, naming both ids (ids are public, never secret). */
export function chainIdMismatch(url: string, expected: string, actual: string): BaseError {
  return new BaseError('CHAIN_ID_MISMATCH', `Node ${url} is on chain ${actual}, expected ${expected}`, {
    metaMessages: [`expected chain id: ${expected}`, `node chain id: ${actual}`],
  });
}
