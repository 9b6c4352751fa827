import pino, { type Logger } from 'pino';

/**
 * Field paths whose values are secrets. Defined once here: every logger stakebts makes redacts them,
 * a second line of defence behind "errors and receipts are built from sanitised values".
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'apiSecret',
  '*.apiSecret',
  'apiKey',
  '*.apiKey',
  'wif',
  '*.wif',
  'privateKey',
  '*.privateKey',
  'activeKey',
  '*.activeKey',
  'memoKey',
  '*.memoKey',
  'keys',
  '*.keys',
  'headers["Api-Key"]',
  'headers["Api-Signature"]',
  '*.headers["Api-Key"]',
  '*.headers["Api-Signature"]',
];

export type CreateLoggerOptions = {
  /** @default process.env.LOG_LEVEL ?? 'info' */
  level?: string;
  /** File descriptor or path for the log lines. @default 1 (stdout) */
  dest?: number | string;
  /** Pretty output for people; only ever used on a terminal. @default stdout is a TTY or LOG_PRETTY=1 */
  pretty?: boolean;
};

/**
 * Root logger. Synchronous destination: the daemon can be SIGKILLed and its last lines must survive.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const {
    level = process.env.LOG_LEVEL ?? 'info',
    dest = 1,
    pretty = process.env.LOG_PRETTY === '1' || (dest === 1 && process.stdout.isTTY === true),
  } = options;
  const base = { level, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } };
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, destination: dest } } });
  }
  return pino(base, pino.destination({ dest, sync: true }));
}

/** A logger that writes nothing: for library code called from tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
