import { SATS_PER_BTS } from './money.js';

export type OpenContractRows = {
  contractId: number;
  principal: { id: number; amount: number };
  penalty: { id: number; amount: number };
  /** Interest rows still pending. */
  pendingInterest: { id: number }[];
};

export type StopSettlement = {
  payoutSats: bigint;
  principalTotalBts: bigint;
  penaltyTotalBts: bigint;
  /** principal → premature, penalty → paid (the deduction was applied), pending interest → aborted. */
  premature: number[];
  penaltiesApplied: number[];
  aborted: number[];
  contractIds: number[];
};

/**
 * A stop (RULES.md "Stop"): all open contracts end in one payment of Σ(principal − penalty) plus everything
 * sent with the stop memo. Interest already paid is not taken back.
 */
export function settleStop(open: OpenContractRows[], stopAmountSats: bigint): StopSettlement {
  let principal = 0n;
  let penalty = 0n;
  for (const c of open) {
    principal += BigInt(c.principal.amount);
    penalty += BigInt(c.penalty.amount);
  }
  return {
    payoutSats: (principal - penalty) * SATS_PER_BTS + stopAmountSats,
    principalTotalBts: principal,
    penaltyTotalBts: penalty,
    premature: open.map((c) => c.principal.id),
    penaltiesApplied: open.map((c) => c.penalty.id),
    aborted: open.flatMap((c) => c.pendingInterest.map((r) => r.id)),
    contractIds: open.map((c) => c.contractId),
  };
}
