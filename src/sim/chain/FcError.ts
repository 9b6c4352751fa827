// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fc message formats carry ${key} placeholders, filled from the data
import type { FcErrorSpec } from './types.js';

/** Where an fc log message was made (`FC_LOG_CONTEXT`): the source file, line and function of bitshares-core/fc. */
export type FcWhere = { file: string; line: number; method: string };

/** One entry of an fc exception's log (`data.stack[]` on the wire). */
export type FcLogEntry = FcWhere & {
  level: 'error' | 'warn';
  /** Message format with `${key}` placeholders filled from `data`; `""` for a bare FC_CAPTURE_AND_RETHROW. */
  format: string;
  data: Record<string, unknown>;
};

/**
 * fc's `format_string` (bitshares-fc src/string.cpp): `${key}` becomes the value's string form (objects and arrays as
 * JSON); an unknown key stays as it was.
 */
export function formatFcString(format: string, data: Record<string, unknown>): string {
  return format.replace(/\$\{([^}]*)\}/g, (whole, key: string) => {
    if (!Object.hasOwn(data, key)) return whole;
    const v = data[key];
    if (v !== null && typeof v === 'object') return JSON.stringify(v);
    return v === null || v === undefined ? '' : String(v);
  });
}

/**
 * An exception the simulated node answers with, built as fc builds one: a code, a name (the C++ type), a short
 * `what` text ("Assert Exception") and a log of messages, the first where it was thrown and one more per
 * `FC_CAPTURE_AND_RETHROW` / `FC_RETHROW_EXCEPTIONS` it passed through on its way out.
 */
export class FcError extends Error {
  override name = 'FcError';
  readonly log: FcLogEntry[];

  constructor(
    readonly fcName: string,
    readonly fcCode: number,
    /** fc `what()`: the short text of the exception type (`Assert Exception`, `insufficient fee`). */
    readonly what: string,
    log: FcLogEntry[],
  ) {
    super(what);
    this.log = log;
    this.message = this.toFcString();
  }

  /** `FC_ASSERT(expr, format, data)`: format on the wire is `"<expr>: <format>"`. */
  static assert(expr: string, at: FcWhere, format = '', data: Record<string, unknown> = {}): FcError {
    return new FcError('assert_exception', 10, 'Assert Exception', [{ level: 'error', ...at, format: `${expr}: ${format}`, data }]);
  }

  /** `FC_THROW_EXCEPTION` / `GRAPHENE_ASSERT` of a named exception type. */
  static raise(
    type: { name: string; code: number; what: string },
    at: FcWhere,
    format: string,
    data: Record<string, unknown> = {},
  ): FcError {
    return new FcError(type.name, type.code, type.what, [{ level: 'error', ...at, format, data }]);
  }

  /** An error injected through the simulator's fault options. */
  static from(spec: FcErrorSpec, method: string): FcError {
    const what = spec.message ?? spec.name;
    return new FcError(spec.name, spec.code, what, [
      { level: 'error', file: 'simulator', line: 0, method, format: spec.format ?? '', data: spec.data ?? {} },
    ]);
  }

  /** `FC_CAPTURE_AND_RETHROW((…))` (empty format, captured values) or `FC_RETHROW_EXCEPTIONS` (a format) on the way out. */
  rethrow(at: FcWhere, data: Record<string, unknown> = {}, format = '', level: 'error' | 'warn' = 'warn'): this {
    this.log.push({ level, ...at, format, data });
    this.message = this.toFcString();
    return this;
  }

  /** fc `exception::to_string()`: `what()` + `:` + every non-empty formatted message, each after a space. */
  toFcString(): string {
    return this.log.reduce((s, e) => (e.format ? `${s} ${formatFcString(e.format, e.data)}` : s), `${this.what}:`);
  }

  /**
   * The JSON-RPC `error` member (bitshares-fc src/rpc/websocket_api.cpp `on_request`): code = the fc code,
   * message = "Execution error: " + to_string(), data = the exception as a variant (src/exception.cpp `to_variant`).
   */
  toJson(nowMs = Date.now()): Record<string, unknown> {
    return { code: this.fcCode, message: `Execution error: ${this.toFcString()}`, data: this.variant(nowMs) };
  }

  /** `{code, name, message: what(), stack: [{context, format, data}]}`. */
  variant(nowMs = Date.now()): Record<string, unknown> {
    const timestamp = new Date(nowMs).toISOString().slice(0, 19);
    return {
      code: this.fcCode,
      name: this.fcName,
      message: this.what,
      stack: this.log.map((e) => ({
        context: { level: e.level, file: e.file, line: e.line, method: e.method, hostname: '', thread_name: 'th_a', timestamp },
        format: e.format,
        data: e.data,
      })),
    };
  }
}

/** fc::method_not_found_exception (code 22), thrown by `generic_api::call` for a name the api does not have. */
export function methodNotFound(method: string, apiMethods: readonly string[]): FcError {
  return FcError.raise(
    { name: 'method_not_found_exception', code: 22, what: 'Method Not Found' },
    { file: 'api_connection.hpp', line: 121, method: 'call' },
    "No method with name '${name}'",
    // `_by_name` is a std::map<string, uint32_t>: fc writes a map as an array of [key, value] pairs, sorted by key.
    { name: method, api: apiMethods.map((m, i): [string, number] => [m, i]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) },
  );
}

/**
 * The -32601 reply to an unknown method: fc's websocket_api answers it with `error_object{-32601, "Method not found",
 * variant(e)}`, so `data` is the whole method_not_found_exception.
 */
export function methodNotFoundJson(err: FcError, nowMs = Date.now()): Record<string, unknown> {
  return { code: -32601, message: 'Method not found', data: err.variant(nowMs) };
}
