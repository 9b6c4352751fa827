import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { NodeClient } from '../chain/nodeClient/index.js';
import type { Config } from '../config/index.js';
import type { Secret } from '../wallet/Secret.js';
import type { RailRegistry } from './rails/registry.js';
import type { JobRunner } from './workerJobs.js';

/**
 * Keys of the payout engine. They stay in the engine's process: it signs chain txs and exchange requests itself,
 * and its workers receive only signed txs / signed requests. Each stays a {@link Secret} (printing, logging or
 * JSON gives `[REDACTED]`) until the signing or HMAC call that uses it reveals it.
 */
export type PayoutSecrets = {
  brokerActiveWif: Secret;
  brokerMemoWif: Secret;
  /** Memo keys replaced by `keys rotate-memo`: memos to them are still read (incoming stakes, our own old payments). */
  brokerRetiredMemoWifs?: Secret[];
  /** API keys of the exchange accounts, by the account number their `rails` entry names. */
  exchangeKeys: Array<{ account: number; apiKey: Secret; apiSecret: Secret }>;
};

/** What one rail try achieved, as the round over the rails needs it. */
export type RailResult =
  /** The rail holds the payment (attempt submitted): the round stops, tracking continues in reconciliation. */
  | { kind: 'sent'; rail: string }
  /** May or may not have been sent: attempt `unknown`, the round stops, no failover (rule 4). */
  | { kind: 'ambiguous'; rail: string; reason: string }
  /**
   * Definitely not sent. `cause`: `funds` (short of funds), `unusable` (this rail cannot carry this payment: below
   * the exchange minimum, account not configured), `other` — the next rail may be tried after these; `payment` (the
   * payment itself is refused: unknown recipient, recipient not authorised for the asset, memo too large) — every
   * rail would refuse it the same way, so the payment fails with an alarm and no other rail is tried.
   */
  | { kind: 'rejected'; rail: string; code: string; cause: 'funds' | 'unusable' | 'other' | 'payment'; reason?: string }
  /** Definitely not sent now, but the same rail should be tried again later (throttled, node down, expired at broadcast). */
  | { kind: 'retry'; rail: string; code: string; afterMs: number };

/** Shared state of one engine, passed to the modules of a cycle. Rails hold their own clients and caches. */
export type EngineContext = {
  db: Database;
  config: Config;
  node: NodeClient;
  brokerAccount: { id: string; name: string };
  logger: Logger;
  rails: RailRegistry;
  /** Runs one worker per attempt (time limit, shutdown signal, statistics). */
  runner: JobRunner;
  /** Last irreversible block time, ms: "now" for due payments and processed times. */
  libNow: number;
  /** A treasury top-up is on its way to the broker this cycle (payments the broker cannot cover yet wait for it). */
  topUpPending: boolean;
};
