// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fc message formats carry ${key} placeholders, filled from the data
import { type CallContext, dispatchCall } from './dispatchCall.js';
import { FcError, methodNotFoundJson } from './FcError.js';
import { FC_EXCEPTIONS } from './fcExceptions.js';

/** What to do with one incoming frame: answer now, answer when a promise settles, or stay silent. */
export type RpcOutcome =
  | { kind: 'reply'; body: Record<string, unknown> }
  | { kind: 'later'; body: Promise<Record<string, unknown>> }
  | { kind: 'silent' };

export type HandleRpcOptions = {
  /** Fault injection: an error to answer instead of running the method. */
  injected?: (method: string) => FcError | undefined;
};

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A request error answered without an id, as fc answers a frame it cannot take (always with `"jsonrpc":"2.0"`). */
const invalid = (code: number, message: string, data?: unknown): RpcOutcome => ({
  kind: 'reply',
  body: { id: null, jsonrpc: '2.0', error: { code, message, ...(data === undefined ? {} : { data }) } },
});

/** The method name a frame calls (for faults and logs): the api method of a `call`, else the top-level method. */
export function calledMethod(msg: unknown): string {
  if (!isRec(msg)) return '';
  const params = Array.isArray(msg.params) ? msg.params : [];
  return msg.method === 'call' && typeof params[1] === 'string' ? params[1] : String(msg.method ?? '');
}

/**
 * One WebSocket text frame as bitshares-fc's `websocket_api_connection::on_message` / `on_request` handles it:
 * 1. JSON-RPC checks (-32700 bad JSON, -32600 batch / not an object / bad id / bad method / bad version / bad params,
 *    -32602 named params), answered with `"id":null,"jsonrpc":"2.0"`;
 * 2. `call` = `[api_id or api name, method, [args]]` on this connection's apis; any other method goes to api 0
 *    (the database api), as fc's `on_unhandled`;
 * 3. the reply echoes the id, and `"jsonrpc":"2.0"` only when the request carried it; a request without an id
 *    (JSON-RPC 1.0 notification style) gets no reply; an fc exception is `{code, "Execution error: …", data}`, an
 *    unknown method `{-32601, "Method not found", data}`.
 */
export function handleRpcMessage(text: string, ctx: CallContext, options: HandleRpcOptions = {}): RpcOutcome {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    const e = FcError.raise(FC_EXCEPTIONS.parse_error_exception, { file: 'json.cpp', line: 463, method: 'from_string' }, 'Unexpected char');
    return invalid(-32700, 'Invalid JSON message', e.variant());
  }
  if (Array.isArray(msg)) return invalid(-32600, 'Batch requests not supported');
  if (!isRec(msg)) return invalid(-32600, 'Invalid JSON request');
  if ('id' in msg && msg.id !== null && typeof msg.id !== 'string' && typeof msg.id !== 'number') return invalid(-32600, 'Invalid id');
  if ('method' in msg && (typeof msg.method !== 'string' || msg.method === '')) return invalid(-32600, 'Missing or invalid method');
  if ('jsonrpc' in msg && msg.jsonrpc !== '2.0') return invalid(-32600, 'Unsupported JSON-RPC version');
  if (!('method' in msg)) {
    if ('result' in msg || 'error' in msg) return 'id' in msg ? { kind: 'silent' } : invalid(-32600, 'Missing or invalid id');
    return invalid(-32600, 'Missing method or result or error');
  }
  if (isRec(msg.params)) return invalid(-32602, 'Named parameters not supported');
  if ('params' in msg && !Array.isArray(msg.params)) return invalid(-32600, 'Invalid parameters');

  const params = Array.isArray(msg.params) ? msg.params : [];
  const jsonrpc = 'jsonrpc' in msg;
  // null is a valid id in JSON-RPC 2.0 but means "no id" in 1.0
  const hasId = 'id' in msg && (jsonrpc || msg.id !== null);
  const head = { id: msg.id ?? null, ...(jsonrpc ? { jsonrpc: '2.0' } : {}) };
  const ok = (result: unknown): Rec => ({ ...head, result: result ?? null });
  const fail = (err: unknown): Rec => ({ ...head, error: errorJson(err) });
  const answer = (run: () => unknown): RpcOutcome => {
    let result: unknown;
    try {
      result = run();
    } catch (err) {
      return hasId ? { kind: 'reply', body: fail(err) } : { kind: 'silent' };
    }
    if (result instanceof Promise) {
      if (!hasId) {
        result.catch(() => {});
        return { kind: 'silent' };
      }
      return { kind: 'later', body: result.then(ok, fail) };
    }
    return hasId ? { kind: 'reply', body: ok(result) } : { kind: 'silent' };
  };

  const method = msg.method as string;
  return answer(() => {
    if (method === 'notice' || method === 'callback') return null; // callbacks a client sends us: nothing registered
    const injected = options.injected?.(calledMethod(msg));
    if (injected) throw injected;
    if (method !== 'call') return dispatchCall(ctx, 0, method, params);
    if (!(params.length === 3 && Array.isArray(params[2]))) {
      throw FcError.assert('args.size() == 3 && args[2].is_array()', { file: 'websocket_api.cpp', line: 17, method: 'operator()' });
    }
    let apiId: unknown = params[0];
    if (typeof apiId === 'string') apiId = dispatchCall(ctx, 1, apiId, []);
    if (typeof apiId !== 'number' || !Number.isInteger(apiId) || apiId < 0) {
      throw FcError.raise(
        { name: 'bad_cast_exception', code: 7, what: 'Bad Cast' },
        { file: 'variant.cpp', line: 415, method: 'as_uint64' },
        'Invalid cast from ${type} to uint64',
        { type: typeof apiId },
      );
    }
    return dispatchCall(ctx, apiId, String(params[1]), params[2] as unknown[]);
  });
}

/** The JSON-RPC error object for what a call threw. */
function errorJson(err: unknown): Rec {
  if (err instanceof FcError) return err.fcName === 'method_not_found_exception' ? methodNotFoundJson(err) : err.toJson();
  // A std::exception in the node is -32603 with its what() as data.
  return { code: -32603, message: 'Internal error', data: String((err as Error)?.message ?? err) };
}
