import { parseConfig } from '../../src/config/index.js';
import { toJson } from '../../src/db/receipts.js';
import { parseDecimalBts } from '../../src/domain/money.js';
import { parseMemo } from '../../src/domain/parseMemo.js';
import { type IncomingTransfer, type PlanInput, planFailedIncoming, planIncoming } from '../../src/domain/planIncoming.js';
import type { OpenContractRows } from '../../src/domain/settleStop.js';

/** How a case of test/fixtures/planIncoming.json becomes the planner's input (test/domain/planIncoming.test.ts). */

export type Defaults = {
  block: number;
  trx: number;
  op: number;
  txId: string;
  asset: string;
  blockTime: number;
  maxSupplySats: string;
  brokerId: string;
  sender: { name: string | null; id: string; manager: boolean; funding: boolean };
  treasury: PlanInput['treasury'];
};

export type Memo = string | null | { undecryptable: true } | { hex: string };
export type Case = {
  description: string;
  rules: string[];
  transfer: { amount: string; asset?: string; memo: Memo; memoText?: string | null; block?: number; trx?: number; op?: number };
  sender?: { name?: string | null; id?: string; manager?: boolean; funding?: boolean };
  openContracts?: OpenContractRows[];
  terms?: Record<string, unknown>;
  treasury?: PlanInput['treasury'];
  blockTime?: number;
  now?: number;
  maxSupplySats?: string;
  failedWith?: string;
  effects?: unknown[];
  throws?: string;
};

function readMemo(memo: Memo): Pick<IncomingTransfer, 'memo' | 'memoText'> {
  if (memo === null) return { memo: parseMemo(null), memoText: null };
  if (typeof memo === 'string') return { memo: parseMemo(memo), memoText: memo };
  if ('undecryptable' in memo) return { memo: { kind: 'undecryptable' }, memoText: null };
  const bytes = Buffer.from(memo.hex, 'hex');
  return { memo: parseMemo(bytes), memoText: bytes.toString('utf8') };
}

export function inputOfCase(c: Case, D: Defaults): PlanInput {
  const t = c.transfer;
  const memo = readMemo(t.memo);
  const sender = { ...D.sender, ...c.sender };
  return {
    transfer: {
      blockNum: t.block ?? D.block,
      trxInBlock: t.trx ?? D.trx,
      opInTrx: t.op ?? D.op,
      txId: D.txId,
      fromId: sender.id,
      amountSats: parseDecimalBts(t.amount),
      assetId: t.asset ?? D.asset,
      ...memo,
      ...(t.memoText !== undefined ? { memoText: t.memoText } : {}),
    },
    blockTime: c.blockTime ?? D.blockTime,
    openContracts: c.openContracts ?? [],
    terms: parseConfig({ terms: c.terms ?? {} }).terms,
    now: c.now ?? c.blockTime ?? D.blockTime,
    senderName: sender.name ?? undefined,
    senderIsManager: sender.manager,
    senderIsFundingAccount: sender.funding,
    maxSupplySats: BigInt(c.maxSupplySats ?? D.maxSupplySats),
    brokerId: D.brokerId,
    treasury: c.treasury ?? D.treasury,
  };
}

export function planCase(c: Case, D: Defaults): unknown[] {
  const input = inputOfCase(c, D);
  const effects = c.failedWith ? planFailedIncoming(input.transfer, input.blockTime, input.senderName, c.failedWith) : planIncoming(input);
  return JSON.parse(toJson(effects));
}
