/**
 * What every client is owed, recomputed from RULES.md alone: an executable specification, written apart from the
 * listener's code path on purpose (it shares no function with domain/: not the memo parser, not the schedule, not the
 * stop settlement), so that a defect in one shows up as a difference between the two. Pure: the transfers to the
 * broker (in chain order) and the terms in, the payments owed out.
 */

/** The terms of RULES.md, as configured. */
export type ReplayTerms = {
  amounts: readonly number[];
  months: { three_months: number; six_months: number; twelve_months: number };
  interestBps: number;
  penaltyBps: number;
  monthMs: number;
  invalidFee: number;
  minRefund: number;
  receiptAmount: number;
  adminMaxAgeMs: number;
};

/** One transfer to the broker, as the chain shows it. */
export type ReplayTransfer = {
  block: number;
  trx: number;
  op: number;
  /** Block time, ms. */
  time: number;
  from: string;
  amountSats: bigint;
  assetId: string;
  /** The memo as the broker reads it; null = no memo; undefined = it could not be decrypted. */
  memo: string | null | undefined;
  /** Chain time when the daemon processed it (the irreversible head then), for the one-hour rule of admin memos. */
  processedAt?: number;
};

export type ReplayParties = {
  managers: ReadonlySet<string>;
  fundingAccounts: ReadonlySet<string>;
  /** BTS's max supply (asset 1.3.0 on chain), satoshis: an instruction for more than can exist is invalid. */
  maxSupplySats: bigint;
};

export type Entitlement = {
  client: string;
  kind: 'contract_receipt' | 'interest' | 'principal' | 'stop' | 'refund';
  amountSats: bigint;
  /** When it falls due (chain time, ms). */
  due: number;
  /** The transfer that caused it. */
  source: string;
  /** Interest installment number, when kind is interest. */
  number?: number;
};

const SATS = 100_000n;
const CLIENT_WORDS = ['three_months', 'six_months', 'twelve_months', 'stop'] as const;
const MANAGER_WORDS = new Set([
  'bittrex_to_broker',
  'broker_to_bittrex',
  'loan_to_broker',
  'bittrex_to_bmg',
  'bmg_to_bittrex',
  'loan_to_bmg',
]);

type ClientWord = (typeof CLIENT_WORDS)[number];
type Read =
  | { kind: 'client'; word: ClientWord }
  | { kind: 'manager'; word: string; amount: unknown; account: unknown }
  | { kind: 'funding' }
  | { kind: 'bad' };

/** RULES.md "Memo": whitespace and case ignored; a JSON object with `type`, a JSON string, or the bare word. */
function readMemo(text: string): Read {
  const squashed = text.replace(/\s+/g, '').toLowerCase();
  let value: unknown = squashed;
  let isObject = false;
  try {
    value = JSON.parse(squashed);
  } catch {
    value = squashed.replace(/^'(.*)'$/, '$1');
  }
  let word: unknown = value;
  let obj: Record<string, unknown> | null = null;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    isObject = true;
    obj = value as Record<string, unknown>;
    word = Object.hasOwn(obj, 'type') ? obj.type : undefined;
  }
  if (typeof word !== 'string') return { kind: 'bad' };
  if ((CLIENT_WORDS as readonly string[]).includes(word)) return { kind: 'client', word: word as ClientWord };
  if (word === 'funding') return { kind: 'funding' };
  if (MANAGER_WORDS.has(word) && isObject && obj) {
    return { kind: 'manager', word, amount: obj.amount, account: obj.account ?? obj.api };
  }
  return { kind: 'bad' };
}

type Contract = { client: string; amount: bigint; start: number; months: number; stoppedAt: number | null; key: string };

/**
 * Every payment owed for the given transfers, due at or before `until` (chain time).
 * @param transfers - every transfer to the broker, in chain order (block, trx, op)
 */
export function computeEntitlements(
  transfers: readonly ReplayTransfer[],
  terms: ReplayTerms,
  parties: ReplayParties,
  until: number,
): Entitlement[] {
  const owed: Entitlement[] = [];
  const contracts: Contract[] = [];
  const refund = (t: ReplayTransfer, source: string) => {
    const back = t.amountSats / SATS - BigInt(terms.invalidFee);
    if (back > BigInt(terms.minRefund)) owed.push({ client: t.from, kind: 'refund', amountSats: back * SATS, due: t.time, source });
  };
  for (const t of transfers) {
    const source = `${t.block}:${t.trx}:${t.op}`;
    if (t.assetId !== '1.3.0') continue; // 1. other assets: receipted, never refunded
    const read: Read = t.memo === undefined ? { kind: 'bad' } : t.memo === null ? { kind: 'bad' } : readMemo(t.memo);
    if (read.kind === 'funding' || parties.fundingAccounts.has(t.from)) continue; // 2. funding: kept
    if (read.kind === 'client' && read.word !== 'stop') {
      // 3. a stake of an allowed whole-BTS amount; the fraction stays with the broker
      const whole = t.amountSats / SATS;
      if (terms.amounts.some((a) => BigInt(a) === whole)) {
        contracts.push({ client: t.from, amount: whole, start: t.time, months: terms.months[read.word], stoppedAt: null, key: source });
        continue;
      }
      refund(t, source);
      continue;
    }
    if (read.kind === 'client' && read.word === 'stop') {
      // 4. a stop ends the client's contracts not yet matured at the stop's block time
      const open = contracts.filter((c) => c.client === t.from && c.stoppedAt === null && c.start + c.months * terms.monthMs > t.time);
      if (open.length === 0) {
        refund(t, source);
        continue;
      }
      let pay = t.amountSats;
      for (const c of open) {
        c.stoppedAt = t.time;
        pay += (c.amount - (c.amount * BigInt(terms.penaltyBps)) / 10_000n) * SATS;
      }
      owed.push({ client: t.from, kind: 'stop', amountSats: pay, due: t.time, source });
      continue;
    }
    if (read.kind === 'manager' && parties.managers.has(t.from)) {
      // 5. a manager's instruction: the BTS sent is kept; nothing is owed to a client. Unusable fields are invalid.
      const amount =
        typeof read.amount === 'number'
          ? read.amount
          : typeof read.amount === 'string' && /^\d+$/.test(read.amount)
            ? Number(read.amount)
            : null;
      const account =
        typeof read.account === 'number'
          ? read.account
          : typeof read.account === 'string' && /^\d+$/.test(read.account)
            ? Number(read.account)
            : null;
      const loan = read.word === 'loan_to_broker' || read.word === 'loan_to_bmg';
      const usable =
        amount !== null &&
        amount >= 400 &&
        BigInt(amount) * SATS <= parties.maxSupplySats &&
        account !== null &&
        account >= 1 &&
        account <= 3;
      if (!loan && !usable) refund(t, source);
      continue;
    }
    refund(t, source); // 6. anything else is invalid
  }
  for (const c of contracts) {
    owed.push({ client: c.client, kind: 'contract_receipt', amountSats: BigInt(terms.receiptAmount) * SATS, due: c.start, source: c.key });
    const interest = (c.amount * BigInt(terms.interestBps)) / 10_000n;
    for (let k = 1; k <= c.months; k++) {
      const due = c.start + k * terms.monthMs;
      // interest due at or before a stop's block time is owed; after it, it is not
      if (c.stoppedAt !== null && due > c.stoppedAt) break;
      if (interest > 0n) owed.push({ client: c.client, kind: 'interest', amountSats: interest * SATS, due, source: c.key, number: k });
    }
    if (c.stoppedAt === null) {
      owed.push({
        client: c.client,
        kind: 'principal',
        amountSats: c.amount * SATS,
        due: c.start + c.months * terms.monthMs,
        source: c.key,
      });
    }
  }
  return owed.filter((e) => e.due <= until).sort((a, b) => a.due - b.due || a.source.localeCompare(b.source));
}
