import { z } from 'zod';

/** fc integers: numbers up to 0xffffffff, decimal strings above. Always read as bigint. */
export const fcInt = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform((v) => BigInt(String(v)));

/** Node time `YYYY-MM-DDTHH:MM:SS` (UTC, no `Z`) → ms since epoch. */
export const fcTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/)
  .transform((s) => Date.parse(`${s}Z`));

export const objectId = (space: number, type: number) => z.string().regex(new RegExp(`^${space}\\.${type}\\.\\d+$`));

export const dynamicGlobalPropertiesSchema = z
  .looseObject({
    head_block_number: z.number().int().nonnegative(),
    head_block_id: z.string().regex(/^[0-9a-f]{40}$/),
    time: fcTime,
    last_irreversible_block_num: z.number().int().nonnegative(),
  })
  .transform((d) => ({
    headBlockNumber: d.head_block_number,
    headBlockId: d.head_block_id,
    time: d.time,
    lastIrreversibleBlockNum: d.last_irreversible_block_num,
  }));
export type DynamicGlobalProperties = z.output<typeof dynamicGlobalPropertiesSchema>;

const operationSchema = z.tuple([z.number().int().nonnegative(), z.record(z.string(), z.unknown())]);

/** A transaction inside a block; operation payloads stay raw JSON (select on them, do not trust them). */
export const rawTransactionSchema = z.looseObject({
  ref_block_num: z.number().int(),
  ref_block_prefix: z.number().int(),
  expiration: z.string(),
  operations: z.array(operationSchema),
  signatures: z.array(z.string()).optional(),
  operation_results: z.array(z.unknown()).optional(),
});
export type RawTransaction = z.output<typeof rawTransactionSchema>;

export const blockSchema = z.looseObject({
  previous: z.string().regex(/^[0-9a-f]{40}$/),
  timestamp: z.string(),
  witness: z.string(),
  transaction_merkle_root: z.string().optional(),
  extensions: z.array(z.unknown()).optional(),
  witness_signature: z.string().optional(),
  transactions: z.array(rawTransactionSchema),
  block_id: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
  transaction_ids: z.array(z.string()).optional(),
});

/** A block as the node sent it, plus the parsed fields callers need. */
export type RawBlock = {
  blockNum: number;
  /** Block time, UTC ms. */
  timestampMs: number;
  /** Raw `timestamp` string (UTC, no `Z`). */
  timestamp: string;
  previous: string;
  witness: string;
  /** Present on nodes that return `signed_block_with_info`; never required. */
  blockId: string | undefined;
  /** The id computed from the header as bitshares-core does (null when the header cannot be packed). */
  computedId: string | null;
  /** Transaction ids as the node gave them (`signed_block_with_info`), if it did. */
  transactionIds: string[] | undefined;
  /** Sanitised URL of the node that served the block. */
  servedBy: string;
  transactions: RawTransaction[];
};

const authoritySchema = z.looseObject({
  weight_threshold: z.number().int(),
  key_auths: z.array(z.tuple([z.string(), z.number().int()])),
  account_auths: z.array(z.tuple([z.string(), z.number().int()])).optional(),
});

export const accountSchema = z
  .looseObject({
    id: objectId(1, 2),
    name: z.string(),
    owner: authoritySchema.optional(),
    active: authoritySchema,
    options: z.looseObject({ memo_key: z.string() }),
  })
  .transform((a) => ({
    id: a.id,
    name: a.name,
    memoKey: a.options.memo_key,
    active: {
      weightThreshold: a.active.weight_threshold,
      keyAuths: a.active.key_auths,
    },
  }));
export type ChainAccount = z.output<typeof accountSchema>;

/** An account's statistics object (2.6.x): operation count and fees paid (int64 / uint64 per fc's rule). */
export const accountStatisticsSchema = z
  .looseObject({
    total_ops: fcInt,
    removed_ops: fcInt.optional(),
    lifetime_fees_paid: fcInt.optional(),
    pending_fees: fcInt.optional(),
    pending_vested_fees: fcInt.optional(),
  })
  .transform((s) => ({
    totalOps: s.total_ops,
    /** Operations the node's history no longer holds (max-ops-per-account). */
    removedOps: s.removed_ops ?? 0n,
    feesPaidSats: (s.lifetime_fees_paid ?? 0n) + (s.pending_fees ?? 0n) + (s.pending_vested_fees ?? 0n),
  }));
export type AccountStatistics = z.output<typeof accountStatisticsSchema>;

export const assetSchema = z
  .looseObject({
    id: objectId(1, 3),
    symbol: z.string(),
    precision: z.number().int().min(0).max(18),
    options: z.looseObject({ max_supply: fcInt }),
  })
  .transform((a) => ({ id: a.id, symbol: a.symbol, precision: a.precision, maxSupply: a.options.max_supply }));
export type ChainAsset = z.output<typeof assetSchema>;

export const assetAmountSchema = z
  .looseObject({ amount: fcInt, asset_id: objectId(1, 3) })
  .transform((a) => ({ amount: a.amount, assetId: a.asset_id }));
export type AssetAmount = z.output<typeof assetAmountSchema>;

export const operationHistorySchema = z
  .looseObject({
    id: objectId(1, 11),
    op: operationSchema,
    result: z.unknown().optional(),
    block_num: z.number().int(),
    trx_in_block: z.number().int(),
    op_in_trx: z.number().int(),
    virtual_op: z.number().int().optional(),
  })
  .transform((h) => ({
    id: h.id,
    op: h.op,
    result: h.result,
    blockNum: h.block_num,
    trxInBlock: h.trx_in_block,
    opInTrx: h.op_in_trx,
  }));
export type OperationHistory = z.output<typeof operationHistorySchema>;
