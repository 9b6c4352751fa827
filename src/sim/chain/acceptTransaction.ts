import { type ChainMemo, encryptMemo, plainMemo, recoverSigners, transactionId } from '../../chain/bitshares/index.js';
import { ChainState, type PendingTx } from './ChainState.js';
import { FcError } from './FcError.js';
import { fcInt, fcTime, hashHex, parseFcTimeSec, readInt, refBlockPrefix } from './fcJson.js';
import type { ClientTransferParameters } from './types.js';

const MAX_EXPIRATION_SEC = 86_400;

type Transfer = PendingTx['transfers'][number];
type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks one transfer payload; returns the ledger facts and its normalised JSON. */
function readTransfer(state: ChainState, payload: unknown): { t: Transfer; json: Rec; memo: unknown } {
  if (!isRec(payload)) throw FcError.assert('operation payload must be an object');
  const from = state.findAccount(payload.from);
  const to = state.findAccount(payload.to);
  if (!from || typeof payload.from !== 'string' || !payload.from.startsWith('1.2.')) throw FcError.assert('from account not found');
  if (!to || typeof payload.to !== 'string' || !payload.to.startsWith('1.2.')) throw FcError.assert('to account not found');
  if (from.id === to.id) throw FcError.assert('from != to');
  const amount = isRec(payload.amount) ? payload.amount : {};
  const fee = isRec(payload.fee) ? payload.fee : {};
  const amountSats = readInt(amount.amount);
  const feeSats = readInt(fee.amount);
  const assetId = String(amount.asset_id);
  if (amountSats === null || amountSats <= 0n) throw FcError.assert('amount.amount > 0');
  if (feeSats === null || feeSats < 0n) throw FcError.assert('fee.amount >= 0');
  if (!state.assets.has(assetId)) throw FcError.assert(`asset ${assetId} not found`);
  if (fee.asset_id !== '1.3.0') throw FcError.assert('the simulator takes fees in 1.3.0 only');
  let memo: ChainMemo | undefined;
  const m = payload.memo;
  if (m !== undefined) {
    if (!isRec(m) || typeof m.from !== 'string' || typeof m.to !== 'string' || typeof m.message !== 'string') {
      throw FcError.assert('invalid memo');
    }
    const nonce = readInt(m.nonce);
    if (nonce === null || nonce < 0n) throw FcError.assert('invalid memo nonce');
    memo = {
      from: m.from,
      to: m.to,
      nonce: nonce.toString(),
      message: m.message,
    };
  }
  const json: Rec = {
    fee: ChainState.amount(feeSats, '1.3.0'),
    from: from.id,
    to: to.id,
    amount: ChainState.amount(amountSats, assetId),
    ...(memo ? { memo: { ...memo, nonce: fcInt(BigInt(memo.nonce)) } } : {}),
    extensions: [],
  };
  const t: Transfer = {
    txId: '',
    opInTrx: 0,
    from: from.id,
    fromName: from.name,
    to: to.id,
    toName: to.name,
    amountSats,
    assetId,
    feeSats,
    memo,
  };
  return { t, json, memo: m };
}

/** Debits every transfer's amount and fee, or throws without changing anything. */
function applyBalances(state: ChainState, transfers: Transfer[]): void {
  const need = new Map<string, bigint>();
  const key = (acc: string, asset: string) => `${acc}|${asset}`;
  for (const t of transfers) {
    need.set(key(t.from, t.assetId), (need.get(key(t.from, t.assetId)) ?? 0n) + t.amountSats);
    need.set(key(t.from, '1.3.0'), (need.get(key(t.from, '1.3.0')) ?? 0n) + t.feeSats);
  }
  for (const [k, amount] of need) {
    const [acc, asset] = k.split('|') as [string, string];
    if (state.balance(acc, asset) < amount) {
      throw FcError.assert(`Insufficient Balance: ${state.accounts.get(acc)?.name}'s balance is less than required ${amount} of ${asset}`);
    }
  }
  for (const t of transfers) {
    state.credit(t.from, t.assetId, -t.amountSats);
    state.credit(t.from, '1.3.0', -t.feeSats);
    state.credit(t.to, t.assetId, t.amountSats);
  }
}

/**
 * Verifies a broadcast transaction as a node does and puts it in the pending pool:
 * 1. shape and id (duplicate ids refused), 2. signatures satisfy every sender's active authority,
 * 3. TaPoS ref block, 4. now < expiration ≤ now + 86400, 5. fee ≥ required, 6. balances.
 * @throws FcError in the node's shape (assert_exception, tx_missing_active_auth, insufficient_fee)
 */
export function acceptTransaction(state: ChainState, tx: unknown): PendingTx {
  if (!isRec(tx) || !Array.isArray(tx.operations) || tx.operations.length === 0) throw FcError.assert('trx.operations.size() > 0');
  const txId = transactionId(tx);
  if (!txId) throw new FcError('parse_error_exception', 4, 'Parse Error: transaction cannot be unpacked');
  if (state.known.has(txId)) throw FcError.assert('Duplicate transaction check failed');
  const read = tx.operations.map((op) => {
    if (!Array.isArray(op) || op[0] !== 0) throw FcError.assert('only transfer operations (type 0) are supported by the simulator');
    return readTransfer(state, op[1]);
  });
  // Authority: one signature must recover to a key of each sender's active authority (weight ≥ threshold 1).
  const signers = new Set(recoverSigners(tx, state.chainId));
  for (const { t } of read) {
    const acc = state.accounts.get(t.from)!;
    if (!signers.has(acc.activePub)) {
      throw new FcError('tx_missing_active_auth', 3030001, `Missing Active Authority ${t.from}`);
    }
  }
  // TaPoS: ref_block_num names the latest block with those low 16 bits; its id must carry the prefix.
  const refNum = tx.ref_block_num;
  const refPrefix = tx.ref_block_prefix;
  if (typeof refNum !== 'number' || typeof refPrefix !== 'number') throw FcError.assert('invalid TaPoS fields');
  const refBlock = state.head - ((state.head - refNum) & 0xffff);
  if (refBlock < 1 || refBlockPrefix(state.blockId(refBlock)) !== refPrefix) {
    throw FcError.assert('trx.ref_block_prefix == tapos_block_summary.block_id._hash[1]');
  }
  const nowSec = Math.floor(state.headTimeMs / 1000);
  const expirationSec = parseFcTimeSec(tx.expiration);
  if (!Number.isFinite(expirationSec)) throw FcError.assert('invalid expiration');
  if (expirationSec > nowSec + MAX_EXPIRATION_SEC) {
    throw FcError.assert('trx.expiration <= now + chain_parameters.maximum_time_until_expiration');
  }
  if (!(nowSec < expirationSec)) throw FcError.assert('now <= trx.expiration');
  for (const { t, memo } of read) {
    const required = state.transferFeeFor(memo);
    if (t.feeSats < required) {
      throw new FcError('insufficient_fee', 3050001, `Insufficient Fee Paid: ${t.feeSats} < ${required}`);
    }
  }
  const transfers = read.map(({ t }, opInTrx) => ({ ...t, txId, opInTrx }));
  applyBalances(state, transfers);
  const normalised: Rec = {
    ref_block_num: refNum,
    ref_block_prefix: refPrefix,
    expiration: fcTime(expirationSec * 1000),
    operations: read.map(({ json }) => [0, json]),
    extensions: [],
    signatures: Array.isArray(tx.signatures) ? tx.signatures : [],
  };
  const p: PendingTx = {
    txId,
    tx: normalised,
    expirationSec,
    transfers,
    onIncluded: [],
  };
  state.addPending(p);
  return p;
}

/**
 * Trusted test hook: a client's wallet sends a transfer. Skips signing (slow) but builds the memo as
 * a wallet would, charges the required fee and debits balances; the transfer goes into the next block.
 * @throws Error for unknown accounts or insufficient balance
 */
export function clientTransfer(state: ChainState, p: ClientTransferParameters): PendingTx {
  const from = state.simAccounts.get(p.from);
  const to = state.findAccount(p.to);
  if (!from) throw new Error(`unknown sender (create it with createAccount): ${p.from}`);
  if (!to) throw new Error(`unknown receiver: ${p.to}`);
  let memo: ChainMemo | undefined;
  if (p.rawMemo) memo = p.rawMemo;
  else if (p.plainMemo !== undefined) memo = plainMemo(p.plainMemo);
  else if (p.memo !== undefined)
    memo = encryptMemo({
      fromWif: from.memoWif,
      toPub: to.memoPub,
      text: p.memo,
    });
  const assetId = p.assetId ?? '1.3.0';
  const fee = state.transferFeeFor(memo);
  const head = state.head;
  const op: Rec = {
    fee: ChainState.amount(fee, '1.3.0'),
    from: from.id,
    to: to.id,
    amount: ChainState.amount(p.amountSats, assetId),
    ...(memo ? { memo: { ...memo, nonce: fcInt(BigInt(memo.nonce)) } } : {}),
    extensions: [],
  };
  const expirationSec = Math.floor(state.headTimeMs / 1000) + 3600;
  const tx: Rec = {
    ref_block_num: head & 0xffff,
    ref_block_prefix: refBlockPrefix(state.blockId(head)),
    expiration: fcTime(expirationSec * 1000),
    operations: [[0, op]],
    extensions: [],
    signatures: [],
  };
  let txId = transactionId(tx) ?? hashHex(state.chainId, 'client', state.ledger.length, state.pending.length).slice(0, 40);
  // Same transfer twice in one block would share an id: make each hook transfer unique, as wallets do via the nonce.
  while (state.known.has(txId)) txId = hashHex(txId, 'again').slice(0, 40);
  const t: Transfer = {
    txId,
    opInTrx: 0,
    from: from.id,
    fromName: from.name,
    to: to.id,
    toName: to.name,
    amountSats: p.amountSats,
    assetId,
    feeSats: fee,
    memo,
  };
  if (p.amountSats <= 0n) throw new Error('amountSats must be > 0');
  try {
    applyBalances(state, [t]);
  } catch (err) {
    throw new Error(err instanceof FcError ? err.message : String(err));
  }
  const pending: PendingTx = {
    txId,
    tx,
    expirationSec,
    transfers: [t],
    onIncluded: [],
  };
  state.addPending(pending);
  return pending;
}
