import { buildSignedTransfer, buildTransferOp, encryptMemo } from '../../chain/bitshares/index.js';
import { createNodeClient } from '../../chain/nodeClient/index.js';
import { classifyBroadcastRefusal } from '../../chain/rpc/classifyBroadcastRefusal.js';
import { RpcNodeError } from '../../chain/rpc/errors.js';
import { BaseError } from '../../errors/BaseError.js';
import { wait } from '../../utils/promise/index.js';

export type SendSimTransferParameters = {
  /** Node URL (the running chain simulator). */
  url: string;
  chainId: string;
  /** Sender account name and its keys (from D/sim-keys.json). */
  from: string;
  activeWif: string;
  memoWif: string;
  to: string;
  /** Amount as typed, in whole units of the asset with up to its precision in decimals ("25000", "0.5"). */
  amount: string;
  /** Asset symbol. @default 'BTS' */
  asset?: string;
  /** Memo text, encrypted from the sender's memo key to the receiver's; none when undefined. */
  memoText?: string;
  /** Wait this long for the transfer to be in a block; 0 returns after the broadcast. @default 30_000 */
  waitMs?: number;
};

export type SendSimTransferResult = {
  txId: string;
  amountSats: bigint;
  assetId: string;
  symbol: string;
  precision: number;
  feeSats: bigint;
  /** The block holding it, when it was seen within `waitMs`. */
  blockNum: number | null;
};

/**
 * Signs and broadcasts a client's transfer, as a wallet does: the receiver's memo key read from the chain, the memo
 * encrypted to it (src/chain/bitshares/memo.ts), the fee asked of the node, the transaction built and signed offline
 * with the sender's active key (src/chain/bitshares/transfer.ts) and sent with `broadcast_transaction`.
 * @throws BaseError USAGE (unknown account or asset, bad amount), NODE_* (node unreachable), TX_INVALID (refused)
 */
export async function sendSimTransfer(p: SendSimTransferParameters): Promise<SendSimTransferResult> {
  const node = createNodeClient({ urls: [p.url], expectedChainId: p.chainId, callTimeoutMs: 5_000, rpc: { retryCount: 0 } });
  try {
    const [from, to] = await node.getAccounts([p.from, p.to]);
    if (!from) throw new BaseError('USAGE', `There is no account ${p.from} on the chain at ${p.url}.`);
    if (!to) throw new BaseError('USAGE', `There is no account ${p.to} on the chain at ${p.url}.`);
    const symbol = (p.asset ?? 'BTS').toUpperCase();
    const [asset] = await node.lookupAssetSymbols([symbol]);
    if (!asset) throw new BaseError('USAGE', `There is no asset ${symbol} on the chain at ${p.url}.`);
    const amountSats = parseAssetAmount(p.amount, asset.precision, symbol);
    const memo = p.memoText === undefined ? undefined : encryptMemo({ fromWif: p.memoWif, toPub: to.memoKey, text: p.memoText });
    const op = buildTransferOp({ from: from.id, to: to.id, amount: amountSats, assetId: asset.id, ...(memo ? { memo } : {}) });
    const [fee] = await node.getRequiredFees([[0, op]], '1.3.0');
    if (!fee) throw new BaseError('NODE_FAULT', `The node at ${p.url} quoted no fee for a transfer.`);
    const dgp = await node.getDynamicGlobalProperties();
    const { txId, signedTx } = buildSignedTransfer({
      chainId: p.chainId,
      activeWif: p.activeWif,
      from: from.id,
      to: to.id,
      amount: amountSats,
      assetId: asset.id,
      fee: fee.amount,
      ...(memo ? { memo } : {}),
      headBlockNumber: dgp.headBlockNumber,
      headBlockId: dgp.headBlockId,
      chainTimeSec: Math.floor(dgp.time / 1000),
    });
    try {
      await node.broadcastTransaction(signedTx);
    } catch (err) {
      if (err instanceof RpcNodeError) {
        const refusal = classifyBroadcastRefusal(err.frame);
        if (refusal.kind === 'rejected')
          throw new BaseError('TX_INVALID', `The node refused the transfer: ${refusal.reason}`, { cause: err });
      } else throw err;
    }
    const blockNum = await waitForBlock(node, txId, dgp.headBlockNumber, p.waitMs ?? 30_000);
    return { txId, amountSats, assetId: asset.id, symbol, precision: asset.precision, feeSats: fee.amount, blockNum };
  } finally {
    await node.close();
  }
}

/** The first block after `fromBlock` that holds `txId`, or null when none did within `waitMs`. */
async function waitForBlock(
  node: ReturnType<typeof createNodeClient>,
  txId: string,
  fromBlock: number,
  waitMs: number,
): Promise<number | null> {
  const giveUp = Date.now() + waitMs;
  let next = fromBlock + 1;
  while (Date.now() < giveUp) {
    const head = (await node.getDynamicGlobalProperties()).headBlockNumber;
    for (; next <= head; next++) {
      const block = await node.getBlock(next);
      if (block?.transactionIds?.includes(txId)) return next;
    }
    await wait(200);
  }
  return null;
}

/**
 * A positive amount typed in whole units of an asset, with at most `precision` decimals, as integer satoshis (never a
 * float: "0.1" is exactly 10 000 BTS satoshis).
 * @throws BaseError('USAGE') for anything else
 */
export function parseAssetAmount(text: string, precision: number, symbol = 'BTS'): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m)
    throw new BaseError(
      'USAGE',
      `--amount must be a positive number of ${symbol} (e.g. 25000 or 0.5), not ${JSON.stringify(text.slice(0, 40))}.`,
    );
  const [, whole = '0', frac = ''] = m;
  if (frac.length > precision) throw new BaseError('USAGE', `--amount has more than ${precision} decimals, the precision of ${symbol}.`);
  const sats = BigInt(whole) * 10n ** BigInt(precision) + BigInt(frac.padEnd(precision, '0') || '0');
  if (sats <= 0n)
    throw new BaseError('USAGE', `--amount must be a positive number of ${symbol}, not ${JSON.stringify(text.slice(0, 40))}.`);
  return sats;
}
