import { inspect } from 'node:util';

const REDACTED = '[REDACTED]';

/** Shorter values are not scrubbed from text: they would match ordinary words. Real keys are far longer. */
const MIN_SCRUB_LENGTH = 8;
/** Bound on remembered values (a test process wraps thousands of throwaway secrets; a daemon a handful). */
const MAX_REMEMBERED = 1_000;

/**
 * Every value wrapped in this process, kept only to be scrubbed out of text (see {@link Secret.scrub}). Private to
 * this module: nothing can list it.
 */
const remembered = new Map<string, string | null>();

/** How a value sits inside JSON text (a log line, a receipt) when escaping changes it; null when it does not. */
const escapedForm = (value: string): string | null => {
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped === value ? null : escaped;
};

function remember(value: string): void {
  if (value.length < MIN_SCRUB_LENGTH || remembered.has(value)) return;
  if (remembered.size >= MAX_REMEMBERED) {
    const oldest = remembered.keys().next().value;
    if (oldest !== undefined) remembered.delete(oldest);
  }
  remembered.set(value, escapedForm(value));
}

/** `value` replaced in `text`, raw and in its JSON-escaped form. */
function replaceValue(text: string, value: string, escaped: string | null): string {
  let out = text.includes(value) ? text.split(value).join(REDACTED) : text;
  if (escaped !== null && out.includes(escaped)) out = out.split(escaped).join(REDACTED);
  return out;
}

/**
 * A string that refuses to be printed. `toString`, `toJSON`, template literals, `util.inspect`
 * (hence `console.log`) and pino all see `[REDACTED]`; only an explicit `.reveal()` gives the value.
 * Why: a payload or a config object that reaches a log line by accident must not leak a key.
 *
 * @example
 * const s = new Secret('5K…');
 * `${s}`            // '[REDACTED]'
 * JSON.stringify(s) // '"[REDACTED]"'
 * s.reveal()        // '5K…'
 */
export class Secret {
  // A true private field: not enumerable, not copied by spread or structuredClone, invisible to inspect.
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    remember(value);
  }

  /** The secret value. Call it only where the value is used (signing, HMAC), never to build a message. */
  reveal(): string {
    return this.#value;
  }

  /** Value equality (e.g. the same key pasted twice). Not constant-time: never use it to check a password. */
  equals(other: Secret): boolean {
    return this.#value === other.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  /**
   * Text with every secret value known to this process replaced by `[REDACTED]`: the values of all Secrets
   * created so far (8+ characters) and the `extra` ones given (4+ characters). For text from outside (an exchange
   * error body that echoes the request headers, a node's error message) before it is stored or logged, and as the
   * last step before a log line or a receipt is written.
   * @example Secret.scrub('{"code":"BAD Api-Key=abcd1234…"}', [apiKey]) // '{"code":"BAD Api-Key=[REDACTED]"}'
   */
  static scrub(text: string, extra: readonly Secret[] = []): string {
    let out = text;
    for (const s of extra) if (s.#value.length >= 4) out = replaceValue(out, s.#value, escapedForm(s.#value));
    for (const [value, escaped] of remembered) out = replaceValue(out, value, escaped);
    return out;
  }
}
