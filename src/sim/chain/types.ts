import type { ChainMemo } from '../../chain/bitshares/index.js';

/** Default chain id of the simulator (a fixed test id; not mainnet, so a mainnet-configured daemon refuses it). */
export const SIM_CHAIN_ID = '6bad081792deb5d41ed7acb3aa9a52e81b0c4c5223c39c7e124dc0802175dace'; // sha256('stakebts chain simulator')

/** An fc error to inject: its type (`data.name` / `data.code`), `what()` text and one log message. */
export type FcErrorSpec = {
  name: string;
  code: number;
  /** `data.message`, fc's `what()` (the short text of the type). @default name */
  message?: string;
  /** `data.stack[0].format`. @default '' */
  format?: string;
  /** `data.stack[0].data`. @default {} */
  data?: Record<string, unknown>;
};

/** Faults the simulator injects; every field is optional and can be changed at run time. */
export type ChainSimFaults = {
  /** Added to every reply, ms. */
  latencyMs?: number;
  /** Random extra latency 0..jitter ms per reply. */
  latencyJitterMs?: number;
  /** Delay each reply by a random 0..N ms so replies overtake each other. */
  outOfOrderMaxMs?: number;
  /** Answer these methods with an error. */
  errors?: Record<string, FcErrorSpec>;
  /** Never answer these methods (`'*'` = every call, handshake included). */
  hang?: string[];
  /** Run these methods but lose the reply (the node acted; the caller never hears): an outcome the caller cannot know. */
  loseReply?: string[];
  /** Terminate the connection (without answering) on every N-th call of a connection. */
  dropEveryNCalls?: number;
  /** Refuse new WebSocket connections (HTTP 503 on upgrade). */
  refuseConnections?: boolean;
  /** Send a garbage frame before every N-th reply. */
  garbageEveryNCalls?: number;
  /**
   * Refuse calls beyond this many in flight on one connection with JSON-RPC error 429 "Too Many Requests", as a
   * rate-limiting proxy in front of a public node does (bitshares-core itself has no such limit).
   */
  maxInflight?: number;
  /**
   * Leave these operation history numbers (1.11.N) out of every history api answer: a node whose history lost an
   * operation (a plugin bug, a replay with other options). The blocks still hold them.
   */
  historyOmits?: number[];
};

export type SyntheticHistoryOptions = {
  /** Number of pre-existing blocks (1..blocks), generated on request. */
  blocks: number;
  /** Transactions per synthetic block (one op each). @default 4 */
  opsPerBlock?: number;
  /** Transfers to the broker placed in given blocks; `memo` is encrypted as a wallet would. */
  transfersToBroker?: Array<{
    block: number;
    from: string;
    amountSats: bigint;
    memo?: string;
  }>;
  /** Receiver of `transfersToBroker`; created if missing. @default 'broker' */
  broker?: string;
  /** @default 1 */
  seed?: number;
};

export type ChainSimOptions = {
  /** @default 0 (any free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default SIM_CHAIN_ID */
  chainId?: string;
  /** Real-time block interval; 0 = only `produceBlocks(n)`. @default 0 */
  blockIntervalMs?: number;
  /** Chain time per block (e.g. 3_600_000 makes months pass in seconds). @default 3_000 */
  blockTimeMs?: number;
  /** last_irreversible_block_num = head − lag. @default 2 */
  irreversibleLag?: number;
  /** Chain time of block 0 (ms). @default now − synthetic blocks × blockTimeMs, whole seconds */
  genesisTimeMs?: number;
  /** Transfer base fee in BTS satoshis. @default 45_000n */
  transferFeeSats?: bigint;
  /** Memo price per kbyte in BTS satoshis. @default 15_000n */
  pricePerKbyteSats?: bigint;
  /**
   * Offer the history api (`get_account_history`, `get_relative_account_history`). Off by default: a node whose
   * api-access does not allow it refuses `login_api::history()` with an assert ("is_allowed: Access denied").
   * @default false
   */
  historyApi?: boolean;
  /**
   * Grant the block api (`login_api::block()`, whose `get_blocks(from, to)` returns `vector<optional<signed_block>>`).
   * Off by default, as on public nodes: bitshares-core grants an api set only when the node's api-access config lists
   * it (`block_api`), and the default access does not; a refused `block()` is an assert ("is_allowed: Access denied").
   * @default false
   */
  blockApi?: boolean;
  /**
   * The account_history plugin's `max-ops-per-account`: keep only each account's newest N operations; older ones are
   * removed (counted in the statistics' `removed_ops`), as a node with partial history does. Unlimited by default.
   */
  maxOpsPerAccount?: number;
  /**
   * Answer `get_block` with a plain `signed_block` (no `block_id`, `signing_key`, `transaction_ids`), as
   * bitshares-core 7's database_api does (libraries/protocol/include/graphene/protocol/block.hpp reflects only the
   * header, signature and transactions). By default the reply carries them, as the mainnet vector
   * test/fixtures/vectors/blocks/get_block-1.json has them (the `signed_block_with_info` shape).
   * @default false
   */
  omitBlockInfo?: boolean;
  syntheticHistory?: SyntheticHistoryOptions;
  faults?: ChainSimFaults;
};

/** An account created through the test hook, with its keys (test keys only). */
export type SimAccount = {
  id: string;
  name: string;
  /** Owner key: its own key (as on a real account), never the active one unless asked. */
  ownerWif: string;
  activeWif: string;
  memoWif: string;
  ownerPub: string;
  activePub: string;
  memoPub: string;
};

/** One transfer as the simulator applied it: the ground truth tests check exactly-once against. */
export type LedgerTransfer = {
  blockNum: number;
  trxInBlock: number;
  opInTrx: number;
  txId: string;
  from: string;
  fromName: string | undefined;
  to: string;
  toName: string | undefined;
  amountSats: bigint;
  assetId: string;
  feeSats: bigint;
  memo: ChainMemo | undefined;
  /** Block time, UTC ms. */
  timeMs: number;
};

export type ClientTransferParameters = {
  from: string;
  to: string;
  amountSats: bigint;
  /** @default '1.3.0' */
  assetId?: string;
  /** Encrypted with the sender's memo key to the receiver's memo key, as a wallet does. */
  memo?: string;
  /** Unencrypted memo (null keys). */
  plainMemo?: string;
  /** Memo JSON exactly as given (e.g. undecryptable, stale key). */
  rawMemo?: ChainMemo;
};
