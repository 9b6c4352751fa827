import { inspect } from 'node:util';

const REDACTED = '[REDACTED]';

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
}
