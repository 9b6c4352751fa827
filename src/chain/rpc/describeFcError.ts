/**
 * The JSON-RPC `error` member of a BitShares node reply, as bitshares-fc builds it (src/rpc/websocket_api.cpp
 * `on_request`): `code` = the fc code (-32601 for an unknown method), `message` = "Execution error: " + the
 * exception's to_string(), `data` = the exception as a variant (src/exception.cpp `to_variant`): its code, its
 * name (the C++ type), `message` = only the type's short `what()` text ("Assert Exception"), and `stack` = its
 * log: one entry where it was thrown, one per rethrow, each a `format` with `${key}` placeholders and its `data`.
 * Every field may be missing on an older or foreign node.
 */
export type FcErrorObject = {
  code?: unknown;
  message?: unknown;
  data?: {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    stack?: unknown;
  };
};

/** At most this many characters of node text reach a reason, a receipt or a log line. */
export const FC_TEXT_LIMIT = 300;

/** fc's `format_string`: `${key}` becomes the value (objects and arrays as JSON); unknown keys stay. */
function formatFc(format: string, data: unknown): string {
  const values = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  return format.replace(/\$\{([^}]{0,100})\}/g, (whole, key: string) => {
    if (!Object.hasOwn(values, key)) return whole;
    const v = values[key];
    if (v !== null && typeof v === 'object') return JSON.stringify(v).slice(0, 200);
    return v === null || v === undefined ? '' : String(v).slice(0, 200);
  });
}

/** Printable, single-line, bounded. */
function clean(text: string, limit: number): string {
  let out = '';
  for (const ch of text.slice(0, limit * 2)) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? ' ' : ch;
  }
  return out.replace(/ {2,}/g, ' ').trim().slice(0, limit);
}

/** The messages of the exception's log, formatted with their data (the entries with an empty format are skipped). */
export function fcStackMessages(err: FcErrorObject): string[] {
  const stack = err.data?.stack;
  if (!Array.isArray(stack)) return [];
  const out: string[] = [];
  for (const e of stack.slice(0, 20)) {
    const format = (e as { format?: unknown } | null)?.format;
    if (typeof format === 'string' && format.trim() !== '') {
      out.push(clean(formatFc(format.slice(0, 1_000), (e as { data?: unknown }).data), FC_TEXT_LIMIT));
    }
  }
  return out;
}

/** The exception's name, or `jsonrpc_<code>` for an error without fc data. */
export function fcErrorName(err: FcErrorObject): string {
  const name = err.data?.name;
  if (typeof name === 'string' && /^[A-Za-z_][A-Za-z0-9_:]{0,80}$/.test(name)) return name;
  const code = typeof err.code === 'number' || typeof err.code === 'string' ? String(err.code).slice(0, 20) : 'unknown';
  return `jsonrpc_${code}`;
}

/**
 * A bounded, readable account of a node error: `<name>: <what the node said>`, where what it said is the formatted
 * log (where the assertion text and its values sit on a real node), else the top-level message without its
 * "Execution error: " prefix, else `data.message` (on a real node often just "Assert Exception"). Node text only:
 * nothing of ours (keys, URLs) is in it, and data of the rethrow entries (the whole transaction) is left out.
 * @example describeFcError(frame) // 'assert_exception: now <= trx.expiration:'
 */
export function describeFcError(err: FcErrorObject, limit = FC_TEXT_LIMIT): string {
  const name = fcErrorName(err);
  const stack = fcStackMessages(err);
  let said = stack.join(' ');
  if (!said && typeof err.message === 'string') said = err.message.replace(/^Execution error:\s*/, '');
  if (!said && typeof err.data?.message === 'string') said = err.data.message;
  return clean(said ? `${name}: ${said}` : name, limit);
}
