// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fc message formats carry ${key} placeholders, filled from the data
import { type ChainMemo, encryptMemo, packTransaction, plainMemo, recoverSigners, transactionId } from '../../chain/bitshares/index.js';
import { ChainState, type PendingTx } from './ChainState.js';
import { FcError, type FcWhere } from './FcError.js';
import { FC_EXCEPTIONS } from './fcExceptions.js';
import { fcTime, fcUint64, hashHex, parseFcTimeSec, readInt, refBlockPrefix } from './fcJson.js';
import type { ClientTransferParameters } from './types.js';

/** chain_parameters.maximum_time_until_expiration and maximum_transaction_size (defaults, as in global properties). */
const MAX_EXPIRATION_SEC = 86_400;
const MAX_TRANSACTION_SIZE = 2048;

type Transfer = PendingTx['transfers'][number];
type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

// Where bitshares-core 7.0.2 throws or rethrows what the simulator reproduces (file, line of the macro, function).
const AT = {
  trxValidate: { file: 'transaction.cpp', line: 60, method: 'validate' },
  transferValidate: { file: 'transfer.cpp', line: 41, method: 'validate' },
  dupe: { file: 'db_block.cpp', line: 708, method: '_apply_transaction' },
  tapos: { file: 'db_block.cpp', line: 740, method: '_apply_transaction' },
  expiration: { file: 'db_block.cpp', line: 745, method: '_apply_transaction' },
  size: { file: 'db_block.cpp', line: 749, method: '_apply_transaction' },
  applyTrx: { file: 'db_block.cpp', line: 782, method: '_apply_transaction' },
  pushTrx: { file: 'db_block.cpp', line: 280, method: 'push_transaction' },
  missingActive: { file: 'transaction.cpp', line: 336, method: 'verify_authority' },
  verifyAuthority: { file: 'transaction.cpp', line: 347, method: 'verify_authority' },
  trxVerifyAuthority: { file: 'transaction.cpp', line: 475, method: 'verify_authority' },
  indexGet: { file: 'index.hpp', line: 113, method: 'get' },
  fee: { file: 'evaluator.hpp', line: 156, method: 'evaluate' },
  balance: { file: 'transfer_evaluator.cpp', line: 68, method: 'do_evaluate' },
  transferRethrow: { file: 'transfer_evaluator.cpp', line: 73, method: 'do_evaluate' },
  doEvaluate: { file: 'transfer_evaluator.cpp', line: 75, method: 'do_evaluate' },
  startEvaluate: { file: 'evaluator.cpp', line: 49, method: 'start_evaluate' },
  applyOperation: { file: 'db_block.cpp', line: 797, method: 'apply_operation' },
  adjustBalance: { file: 'db_balance.cpp', line: 76, method: 'adjust_balance' },
  adjustBalanceRethrow: { file: 'db_balance.cpp', line: 83, method: 'adjust_balance' },
} satisfies Record<string, FcWhere>;

/** `Unable to find Object ${id}` from the object index, as a missing account or asset id is refused. */
const notFound = (id: string): FcError => FcError.assert('maybe_found != nullptr', AT.indexGet, 'Unable to find Object ${id}', { id });

/** fc's pretty amount (`asset_object::amount_to_pretty_string`): integer part, `.` + all decimals when any, symbol. */
function prettyAmount(state: ChainState, sats: bigint, assetId: string): string {
  const a = state.assets.get(assetId);
  if (!a) return `${sats} ${assetId}`;
  const scale = 10n ** BigInt(a.precision);
  const neg = sats < 0n;
  const abs = neg ? -sats : sats;
  const whole = `${neg ? '-' : ''}${abs / scale}`;
  const frac = abs % scale;
  return `${frac ? `${whole}.${(scale + frac).toString().slice(1)}` : whole} ${a.symbol}`;
}

/** One transfer as `transfer_operation::validate` and the JSON reader see it (ids not resolved yet). */
type ReadTransfer = {
  from: string;
  to: string;
  amountSats: bigint;
  assetId: string;
  feeSats: bigint;
  memo: ChainMemo | undefined;
  raw: Rec;
};

/** Reads one transfer payload and applies `transfer_operation::validate` (fee ≥ 0, from ≠ to, amount > 0). */
function readTransfer(payload: unknown): ReadTransfer {
  if (!isRec(payload)) throw FcError.assert('op.is_object()', AT.trxValidate, 'operation payload must be an object');
  const amount = isRec(payload.amount) ? payload.amount : {};
  const fee = isRec(payload.fee) ? payload.fee : {};
  const amountSats = readInt(amount.amount);
  const feeSats = readInt(fee.amount);
  if (typeof payload.from !== 'string' || !/^1\.2\.\d+$/.test(payload.from)) throw FcError.assert('from.is_account_id()', AT.trxValidate);
  if (typeof payload.to !== 'string' || !/^1\.2\.\d+$/.test(payload.to)) throw FcError.assert('to.is_account_id()', AT.trxValidate);
  if (amountSats === null || feeSats === null) throw FcError.assert('amount.is_int64()', AT.trxValidate);
  if (feeSats < 0n) throw FcError.assert('fee.amount >= 0', AT.transferValidate);
  if (payload.from === payload.to) throw FcError.assert('from != to', { ...AT.transferValidate, line: 42 });
  if (amountSats <= 0n) throw FcError.assert('amount.amount > 0', { ...AT.transferValidate, line: 43 });
  if (fee.asset_id !== '1.3.0')
    throw FcError.assert('fee.asset_id == asset_id_type()', AT.trxValidate, 'the simulator takes fees in 1.3.0 only');
  let memo: ChainMemo | undefined;
  const m = payload.memo;
  if (m !== undefined) {
    const nonce = isRec(m) ? readInt(m.nonce) : null;
    if (
      !isRec(m) ||
      typeof m.from !== 'string' ||
      typeof m.to !== 'string' ||
      typeof m.message !== 'string' ||
      nonce === null ||
      nonce < 0n
    ) {
      throw FcError.assert('memo.is_valid()', AT.trxValidate, 'invalid memo');
    }
    memo = { from: m.from, to: m.to, nonce: nonce.toString(), message: m.message };
  }
  return { from: payload.from, to: payload.to, amountSats, assetId: String(amount.asset_id), feeSats, memo, raw: payload };
}

/** Normalised JSON of a transfer (as the node re-serialises it: int64 and uint64 as fc writes them). */
function transferJson(t: ReadTransfer): Rec {
  return {
    fee: ChainState.amount(t.feeSats, '1.3.0'),
    from: t.from,
    to: t.to,
    amount: ChainState.amount(t.amountSats, t.assetId),
    ...(t.memo ? { memo: { ...t.memo, nonce: fcUint64(BigInt(t.memo.nonce)) } } : {}),
    extensions: [],
  };
}

/**
 * Evaluates and applies one transfer against the pending state, as `evaluator::evaluate` + `apply` do: fee ≥ required
 * (insufficient_fee), `to` and the asset exist, the amount is covered (transfer_evaluator), then the amount moves and
 * the fee is taken (`adjust_balance` refuses a fee the balance no longer covers). Returns the undo steps.
 */
function applyTransfer(state: ChainState, t: ReadTransfer, op: Rec, undo: Array<() => void>): Transfer {
  const capture = (err: FcError): FcError =>
    err
      .rethrow(AT.doEvaluate, { op })
      .rethrow(AT.startEvaluate)
      .rethrow(AT.applyOperation, { op: [0, op] });
  const required = state.transferFeeFor(t.memo);
  if (t.feeSats < required) {
    throw FcError.raise(FC_EXCEPTIONS.insufficient_fee, AT.fee, 'Insufficient Fee Paid', {
      core_fee_paid: ChainState.int64(t.feeSats),
      required: ChainState.int64(required),
    })
      .rethrow(AT.startEvaluate)
      .rethrow(AT.applyOperation, { op: [0, op] });
  }
  const from = state.accounts.get(t.from)!;
  const to = state.accounts.get(t.to);
  if (!to) throw capture(notFound(t.to));
  if (!state.assets.has(t.assetId)) throw capture(notFound(t.assetId));
  const balance = state.balance(from.id, t.assetId);
  if (balance < t.amountSats) {
    const err = FcError.assert(
      'insufficient_balance',
      AT.balance,
      "Insufficient Balance: ${balance}, unable to transfer '${total_transfer}' from account '${a}' to '${t}'",
      {
        a: from.name,
        t: to.name,
        total_transfer: prettyAmount(state, t.amountSats, t.assetId),
        balance: prettyAmount(state, balance, t.assetId),
      },
    ).rethrow(
      AT.transferRethrow,
      { a: prettyAmount(state, t.amountSats, t.assetId), f: from.name, t: to.name },
      'Unable to transfer ${a} from ${f} to ${t}',
      'error',
    );
    throw capture(err);
  }
  const move = (acc: string, asset: string, delta: bigint) => {
    state.credit(acc, asset, delta);
    undo.push(() => state.credit(acc, asset, -delta));
  };
  move(from.id, t.assetId, -t.amountSats);
  move(to.id, t.assetId, t.amountSats);
  const left = state.balance(from.id, '1.3.0');
  if (left < t.feeSats) {
    throw FcError.assert(
      'abo->get_balance() >= -delta',
      AT.adjustBalance,
      "Insufficient Balance: ${a}'s balance of ${b} is less than required ${r}",
      {
        a: from.name,
        b: prettyAmount(state, left, '1.3.0'),
        r: prettyAmount(state, t.feeSats, '1.3.0'),
      },
    )
      .rethrow(AT.adjustBalanceRethrow, { account: from.id, delta: ChainState.amount(-t.feeSats, '1.3.0') })
      .rethrow(AT.startEvaluate)
      .rethrow(AT.applyOperation, { op: [0, op] });
  }
  move(from.id, '1.3.0', -t.feeSats);
  state.payFee(from.id, t.feeSats);
  undo.push(() => state.payFee(from.id, -t.feeSats));
  return {
    txId: '',
    opInTrx: 0,
    from: from.id,
    fromName: from.name,
    to: to.id,
    toName: to.name,
    amountSats: t.amountSats,
    assetId: t.assetId,
    feeSats: t.feeSats,
    memo: t.memo,
  };
}

/**
 * Verifies a broadcast transaction as bitshares-core 7 does (`precompute_parallel` → `push_transaction` →
 * `_apply_transaction`, libraries/chain/db_block.cpp) and puts it in the pending pool, in the node's order:
 * 1. `validate()` (operations, each transfer's own checks); 2. duplicate id while the first copy is unexpired
 * (duplicate_transaction); 3. signatures satisfy each sender's active authority, or its owner authority
 * (tx_missing_active_auth); 4. TaPoS ref block; 5. expiration ≤ now + 86400 and now ≤ expiration; 6. packed size
 * ≤ maximum_transaction_size; 7. each operation evaluated and applied in turn (fee, recipient, balance).
 * Every refusal is thrown in fc's shape, with the log entries the real rethrow macros add.
 * @throws FcError
 */
export function acceptTransaction(state: ChainState, tx: unknown): PendingTx {
  try {
    return accept(state, tx);
  } catch (err) {
    if (err instanceof FcError && isRec(tx)) err.rethrow(AT.pushTrx, { trx: tx });
    throw err;
  }
}

function accept(state: ChainState, tx: unknown): PendingTx {
  // 1. precompute_parallel → transaction::validate
  if (!isRec(tx) || !Array.isArray(tx.operations) || tx.operations.length === 0) {
    throw FcError.assert('operations.size() > 0', AT.trxValidate, 'A transaction must have at least one operation', { trx: tx });
  }
  const read = tx.operations.map((op) => {
    if (!Array.isArray(op) || op[0] !== 0) {
      throw FcError.assert('op.which() == 0', AT.trxValidate, 'only transfer operations (type 0) are supported by the simulator');
    }
    return readTransfer(op[1]);
  });
  const txId = transactionId(tx);
  if (!txId) throw FcError.raise(FC_EXCEPTIONS.parse_error_exception, AT.trxValidate, 'transaction cannot be unpacked');
  const inTrx = (err: FcError): FcError => err.rethrow(AT.applyTrx, { trx: tx });
  const nowSec = Math.floor(state.headTimeMs / 1000);
  // 2. the transaction index keeps an id until its expiration has passed in a block
  const known = state.known.get(txId);
  if (known !== undefined && (known === 'pending' || nowSec <= known.expirationSec)) {
    throw inTrx(
      FcError.raise(FC_EXCEPTIONS.duplicate_transaction, AT.dupe, "Transaction '${txid}' is already in the database", { txid: txId }),
    );
  }
  // 3. authority: a signature of a key in the active authority, or else in the owner authority, of every sender
  const signers = new Set(recoverSigners(tx, state.chainId));
  for (const t of read) {
    const acc = state.accounts.get(t.from);
    const rethrowAuth = (err: FcError) =>
      inTrx(
        err
          .rethrow(AT.verifyAuthority, { rejected_custom_auths: [], ops: tx.operations, sigs: [...signers] })
          .rethrow(AT.trxVerifyAuthority, { '*this': tx }),
      );
    if (!acc) throw rethrowAuth(notFound(t.from));
    if (!signers.has(acc.activePub) && !signers.has(acc.ownerPub)) {
      throw rethrowAuth(
        FcError.raise(FC_EXCEPTIONS.tx_missing_active_auth, AT.missingActive, 'Missing Active Authority ${id}', {
          id: acc.id,
          auth: authorityJson(acc.activePub),
          owner: authorityJson(acc.ownerPub),
        }),
      );
    }
  }
  // 4. TaPoS: ref_block_num names the latest block with those low 16 bits; its id must carry the prefix
  const refNum = tx.ref_block_num;
  const refPrefix = tx.ref_block_prefix;
  if (typeof refNum !== 'number' || typeof refPrefix !== 'number') throw inTrx(FcError.assert('ref_block_num.is_uint16()', AT.tapos));
  const refBlock = state.head - ((state.head - refNum) & 0xffff);
  const expected = refBlock < 1 ? 0 : refBlockPrefix(state.blockId(refBlock));
  if (expected !== refPrefix)
    throw inTrx(FcError.assert('trx.ref_block_prefix == tapos_block_summary.block_id._hash[1].value()', AT.tapos));
  // 5. expiration against the head block time
  const expirationSec = parseFcTimeSec(tx.expiration);
  if (!Number.isFinite(expirationSec)) throw inTrx(FcError.assert('trx.expiration.is_valid()', AT.expiration));
  if (expirationSec > nowSec + MAX_EXPIRATION_SEC) {
    throw inTrx(
      FcError.assert('trx.expiration <= now + chain_parameters.maximum_time_until_expiration', AT.expiration, '', {
        'trx.expiration': fcTime(expirationSec * 1000),
        now: fcTime(nowSec * 1000),
        max_til_exp: MAX_EXPIRATION_SEC,
      }),
    );
  }
  if (!(nowSec <= expirationSec)) {
    throw inTrx(
      FcError.assert('now <= trx.expiration', { ...AT.expiration, line: 747 }, '', {
        now: fcTime(nowSec * 1000),
        'trx.exp': fcTime(expirationSec * 1000),
      }),
    );
  }
  // 6. packed size with signatures (65 bytes each and their count)
  const signatures = Array.isArray(tx.signatures) ? tx.signatures : [];
  const size = (packTransaction(tx)?.length ?? 0) + 1 + 65 * signatures.length;
  if (size > MAX_TRANSACTION_SIZE) {
    throw inTrx(
      FcError.assert(
        'head_block_time() <= HARDFORK_CORE_1573_TIME || trx.get_packed_size() <= chain_parameters.maximum_transaction_size',
        AT.size,
        'Transaction exceeds maximum transaction size.',
      ),
    );
  }
  // 7. operations, each evaluated and applied on the state the previous ones left; all undone on a refusal
  const undo: Array<() => void> = [];
  let transfers: Transfer[];
  try {
    transfers = read.map((t, opInTrx) => ({ ...applyTransfer(state, t, t.raw, undo), txId, opInTrx }));
  } catch (err) {
    for (const u of undo.reverse()) u();
    throw err instanceof FcError ? inTrx(err) : err;
  }
  const normalised: Rec = {
    ref_block_num: refNum,
    ref_block_prefix: refPrefix,
    expiration: fcTime(expirationSec * 1000),
    operations: read.map((t) => [0, transferJson(t)]),
    extensions: [],
    signatures,
  };
  const p: PendingTx = { txId, tx: normalised, expirationSec, transfers, onIncluded: [] };
  state.addPending(p);
  return p;
}

const authorityJson = (pub: string) => ({ weight_threshold: 1, account_auths: [], key_auths: [[pub, 1]], address_auths: [] });

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
  if (p.amountSats <= 0n) throw new Error('amountSats must be > 0');
  let memo: ChainMemo | undefined;
  if (p.rawMemo) memo = p.rawMemo;
  else if (p.plainMemo !== undefined) memo = plainMemo(p.plainMemo);
  else if (p.memo !== undefined) memo = encryptMemo({ fromWif: from.memoWif, toPub: to.memoPub, text: p.memo });
  const assetId = p.assetId ?? '1.3.0';
  const read: ReadTransfer = {
    from: from.id,
    to: to.id,
    amountSats: p.amountSats,
    assetId,
    feeSats: state.transferFeeFor(memo),
    memo,
    raw: {},
  };
  const op = transferJson(read);
  read.raw = op;
  const head = state.head;
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
  const undo: Array<() => void> = [];
  let t: Transfer;
  try {
    t = { ...applyTransfer(state, read, op, undo), txId };
  } catch (err) {
    for (const u of undo.reverse()) u();
    throw new Error(err instanceof FcError ? err.message : String(err));
  }
  const pending: PendingTx = { txId, tx, expirationSec, transfers: [t], onIncluded: [] };
  state.addPending(pending);
  return pending;
}
