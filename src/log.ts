import pino, { type Logger } from 'pino';
import { Secret } from './wallet/Secret.js';

/** Field names whose values are secrets, wherever they sit in a logged object. */
const SECRET_FIELDS = [
  'password',
  'passphrase',
  'secret',
  'secrets',
  'apiSecret',
  'apiKey',
  'wif',
  'activeWif',
  'memoWif',
  'brokerActiveWif',
  'brokerMemoWif',
  'privateKey',
  'activeKey',
  'memoKey',
  'keys',
  '["Api-Key"]',
  '["Api-Signature"]',
];

const SECRET_FIELD_SET: ReadonlySet<string> = new Set(SECRET_FIELDS.map((f) => (f.startsWith('[') ? f.slice(2, -2) : f)));

/**
 * Field paths whose values are secrets, at the top level and one level down (pino's redaction, fast at that
 * depth). Defined once here. Deeper fields are censored by {@link censorSecretFields}; and both sit behind the two
 * defences that make secrets unloggable by construction: keys and API secrets live in {@link Secret} objects (which
 * print as `[REDACTED]`) until the line that signs with them, and every log line is scrubbed of the values of all
 * Secrets of the process before it is written ({@link scrubLine}).
 */
export const REDACT_PATHS: string[] = SECRET_FIELDS.flatMap((f) => (f.startsWith('[') ? [f.slice(2, -2), `*${f}`] : [f, `*.${f}`]));

/** Nesting looked through by {@link censorSecretFields}. */
const MAX_DEPTH = 8;

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/**
 * The logged object with every secret-named field (any depth of plain objects and arrays) set to `[REDACTED]`,
 * copying only the branches that change. Wildcard redaction paths that deep cost pino ~0.3 ms a line; this walk
 * costs about what serialising does.
 */
export function censorSecretFields(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = censorSecretFields(item, depth + 1);
      if (next === item) return;
      out ??= [...value];
      out[i] = next;
    });
    return out ?? value;
  }
  if (!isPlain(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const next =
      SECRET_FIELD_SET.has(key) && !(item instanceof Secret) && item !== undefined ? '[REDACTED]' : censorSecretFields(item, depth + 1);
    if (next === item) continue;
    out ??= { ...value };
    out[key] = next;
  }
  return out ?? value;
}

/** A WIF private key (base58, version 0x80: 51 characters from 5H/5J/5K) standing alone in text. */
const WIF_IN_TEXT = /(?<![1-9A-HJ-NP-Za-km-z])5[HJK][1-9A-HJ-NP-Za-km-z]{49}(?![1-9A-HJ-NP-Za-km-z])/g;

/**
 * The last step before a line is written: every known secret value (whatever field or message it hides in, at any
 * depth, even inside an error text quoted from outside) and anything shaped like a WIF becomes `[REDACTED]`.
 */
export function scrubLine(line: string): string {
  return Secret.scrub(line).replace(WIF_IN_TEXT, '[REDACTED]');
}

export type CreateLoggerOptions = {
  /** @default process.env.LOG_LEVEL ?? 'info' */
  level?: string;
  /** File descriptor or path for the log lines. @default 1 (stdout) */
  dest?: number | string;
  /** Pretty output for people; only ever used on a terminal. @default stdout is a TTY or LOG_PRETTY=1 */
  pretty?: boolean;
};

/**
 * Root logger. Synchronous destination: the daemon can be SIGKILLed and its last lines must survive. A log file is
 * created with mode 0600 (it names clients and their payments), whatever the umask.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const {
    level = process.env.LOG_LEVEL ?? 'info',
    dest = 1,
    pretty = process.env.LOG_PRETTY === '1' || (dest === 1 && process.stdout.isTTY === true),
  } = options;
  const base = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    formatters: { log: (obj: Record<string, unknown>) => censorSecretFields(obj) as Record<string, unknown> },
    hooks: { streamWrite: scrubLine },
  };
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: !noColor(), destination: dest } } });
  }
  return pino(base, pino.destination({ dest, sync: true, mode: 0o600 }));
}

/** https://no-color.org: any non-empty NO_COLOR turns colour off. */
export function noColor(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.NO_COLOR ?? '') !== '';
}

/** A logger that writes nothing: for library code called from tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
