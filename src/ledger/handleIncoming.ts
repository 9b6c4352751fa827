import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { openContractsOf } from '../db/contracts.js';
import { planIncoming } from '../domain/planIncoming.js';
import { applyEffects } from './applyEffects.js';
import type { IncomingOp, PreparedBlock } from './preparedBlock.js';
import { treasuryFacts } from './treasuryFacts.js';

export type HandleContext = {
  db: Database;
  config: Config;
  brokerId: string;
  managerIds: ReadonlySet<string>;
  fundingIds: ReadonlySet<string>;
  /** Account names by id, for every sender in the block. */
  names: ReadonlyMap<string, string>;
  /** Last irreversible block time (ms): "now" for admin freshness. */
  now: number;
  /** BTS max supply in satoshis (asset 1.3.0 on chain): the cap of every amount from outside. */
  maxSupplySats: bigint;
  logger?: Logger;
};

/**
 * One incoming transfer to the broker → its documented outcome (RULES.md), inside the caller's block transaction:
 * the sender's open contracts are read, the pure planner decides (src/domain/planIncoming.ts), the one writer applies.
 * Returns false when the operation was already handled (replay): nothing is written twice.
 */
export function handleIncoming(op: IncomingOp, block: PreparedBlock, ctx: HandleContext): boolean {
  const senderName = ctx.names.get(op.fromId);
  const effects = planIncoming({
    transfer: op,
    blockTime: block.blockTime,
    openContracts: openContractsOf(ctx.db, senderName ?? op.fromId, block.blockTime),
    terms: ctx.config.terms,
    now: ctx.now,
    senderName,
    senderIsManager: ctx.managerIds.has(op.fromId),
    senderIsFundingAccount: ctx.fundingIds.has(op.fromId),
    maxSupplySats: ctx.maxSupplySats,
    brokerId: ctx.brokerId,
    treasury: treasuryFacts(ctx.config),
  });
  return applyEffects(ctx.db, effects).claimed;
}
