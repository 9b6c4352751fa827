import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { NodeClient } from '../../chain/nodeClient/index.js';
import type { Config } from '../../config/index.js';
import type { AttemptRow } from '../../db/payoutAttempts.js';
import type { PayoutRow } from '../../db/payouts.js';
import type { PayoutSecrets, RailResult } from '../types.js';
import type { WorkerJob, WorkerReport } from '../workerJobs.js';

/**
 * A payment rail: one way the desk can pay (the broker account on chain, one exchange account). The engine knows rails
 * only through this interface and the registry (registry.ts); everything specific to a rail lives in its folder.
 *
 * The exactly-once contract every rail keeps (reference/exactly-once-payouts.md):
 * - `prepare` commits the attempt (its idempotency key and the exact request) BEFORE the worker is forked; a refusal
 *   before that point is a plain {@link RailResult} and nothing was sent;
 * - the worker only sends the committed request and reports; `interpret` turns that report into the attempt's state;
 * - `reconcile` resolves a live attempt on the SAME rail with the SAME key before anything new is sent.
 */
export interface Rail {
  /** The rail's name in payout rows, attempts and receipts (`broker`, `bittrex1`): stable across versions. */
  readonly name: string;
  /** The kind it is an instance of (`broker`, `bittrex`). */
  readonly kind: string;
  /** For people: status, audit, logs. */
  readonly label: string;
  /**
   * Set for an exchange account the manager can move funds between and the broker: the number admin instructions name
   * (`"account": 1`) and where the broker deposits to it.
   */
  readonly exchange?: ExchangeAccount;
  /** False while the rail is halted (a withdrawal it did not make was found): no payment uses it until a restart. */
  usable(): boolean;
  /** Forget per-cycle caches (fees, account lookups, balance reservations). */
  beginCycle(cycle: CycleInfo): void;
  /**
   * Prepares one attempt of `p`: checks it can carry it, builds and signs the request, and commits the attempt with its
   * receipt. Returns the committed attempt and the job its worker runs, or why nothing was committed.
   */
  prepare(p: PayoutRow): Promise<Prepared | RailResult>;
  /** The worker's report (or its absence) → the attempt's new state, and what the round over the rails does next. */
  interpret(p: PayoutRow, a: AttemptRow, report: WorkerReport, phase: 'execute' | 'reconcile'): Promise<RailResult>;
  /** Resolves a live attempt (rule 8): paid, definitely not paid (due again), failed for good, or still open. */
  reconcile(p: PayoutRow, a: AttemptRow, send: SendJob): Promise<'paid' | 'expired' | 'cancelled' | 'failed' | 'open'>;
  /** What the rail can pay out now, satoshis (after its own withdrawal fee). */
  balance(): Promise<bigint>;
  /** What sending `count` payments costs the paying account in fees (the broker's chain fee), for the treasury's reserve. */
  feesFor?(count: number): Promise<bigint>;
  /** Lines the local clock up with the rail's (signed requests carry a timestamp). */
  syncClock?(): Promise<void>;
  /**
   * The foreign-withdrawal check: every withdrawal on the account must be one of ours; one that is not halts the rail
   * (with an alarm). `listed` says whether the account's withdrawals could be read at all.
   */
  checkForeign?(o: { caughtUp: boolean; now?: number }): Promise<{ listed: boolean; halted: boolean; adopted: number; deferred: number }>;
}

/**
 * An exchange account managers move funds between and the broker. Only its number: where its deposits go and with which
 * memo is read from config alone (src/config/exchangeAccounts.ts), so rail and ledger never hold two readings.
 */
export type ExchangeAccount = { account: number };

export type CycleInfo = {
  /** Last irreversible block time, ms: "now" for due payments and processed times. */
  libNow: number;
  chainId: string;
};

/** An attempt committed before the fork, and the job its worker runs (built when the worker is ready). */
export type Prepared = {
  kind: 'prepared';
  attempt: AttemptRow;
  /** Called when the worker is ready: a signed request's timestamp is then milliseconds old when it leaves. */
  job: () => WorkerJob;
  /** Gives back what `prepare` reserved (a balance) when the attempt turns out not to pay. */
  release?: () => void;
};

/** Runs one worker on a job and returns its report (used by reconciliations that re-send the committed request). */
export type SendJob = (job: () => WorkerJob) => Promise<WorkerReport>;

/** What a rail kind needs from the daemon to build its instances. */
export type RailDeps = {
  db: Database;
  config: Config;
  node: NodeClient;
  secrets: PayoutSecrets;
  brokerAccount: { id: string; name: string };
  logger: Logger;
  /** Chain tx expiration after chain time, seconds. */
  txExpiresInSec: number;
};

/**
 * A kind of rail: the schema of its config entry (`rails: [{ kind, …entry }]`), the rail name an entry gets, and the
 * factory. Adding a kind is one folder with one of these, and one line in registry.ts (docs/adding-a-rail.md).
 */
export type RailKind<E extends { kind: string } = { kind: string }> = {
  kind: string;
  /** For people: what this kind is. */
  describe: string;
  entrySchema: z.ZodType<E>;
  nameOf(entry: E): string;
  /** For people (status, logs): `Bittrex account 1`. */
  labelOf(entry: E): string;
  create(entry: E, deps: RailDeps): Rail;
  /**
   * The start-up check of one configured instance, before the database is opened: its credentials work (else throws
   * AUTH_FAILED with one sentence) and what it holds; `transient` when it did not answer this time (the caller retries).
   */
  preflight?(entry: E, secrets: PayoutSecrets): Promise<{ availableSats: bigint } | { transient: string }>;
  /**
   * The read side of one configured instance, for audits (no database, no node, nothing sent): what the account paid
   * out and what it holds. Absent for a kind whose payments the chain itself shows (the broker).
   */
  ledger?(entry: E, secrets: PayoutSecrets): RailLedger;
};

/** What an audit reads from a rail (`audit reconcile`, `audit replay`, `audit report`). */
export type RailLedger = {
  readonly name: string;
  readonly label: string;
  /**
   * Every withdrawal of the account, still open or closed, optionally only those completed in [sinceMs, untilMs]
   * (open ones are always listed: they are in flight). @throws when the account cannot be read
   */
  listWithdrawals(sinceMs?: number, untilMs?: number): Promise<RailWithdrawal[]>;
  /** What the account can pay out now, satoshis (after its own withdrawal fee), as {@link Rail.balance}. */
  balance(): Promise<bigint>;
};

export type RailWithdrawalOutcome = 'pending' | 'paid' | 'void';

/** One withdrawal as an exchange's ledger shows it; amounts in satoshis. */
export type RailWithdrawal = {
  /** The rail's name ('bittrex1' …). */
  rail: string;
  id: string;
  clientWithdrawalId: string | null;
  /** Amount withdrawn from the account, fee included. */
  quantitySats: bigint;
  /** The exchange's fee; the recipient receives quantity − txCost (the payout engine requests amount + fee). */
  txCostSats: bigint;
  cryptoAddress: string;
  /** The exchange's own word for its state, shown to people; audits judge by {@link outcome}, never by this word. */
  status: string;
  /**
   * What the rail kind reads from that word: `paid` (the money left, nothing more happens), `void` (it moved no money
   * and never will: cancelled, refused), `pending` (still on its way).
   */
  outcome: RailWithdrawalOutcome;
  /** The chain transfer the exchange made for it, once known (the engine records it as the payout's external id). */
  txId?: string | null;
  /** Completed (else created) time, ms, when known. */
  time?: number;
};
