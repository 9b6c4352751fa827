import { randomBytes, randomUUID } from 'node:crypto';

/** One simulated Bittrex login. */
export type SimAccountInput = { apiKey: string; apiSecret: string; balanceSats: bigint; depositTag: string };

export type SimWithdrawalStatus = 'REQUESTED' | 'AUTHORIZED' | 'PENDING' | 'COMPLETED' | 'CANCELLED' | 'ERROR_INVALID_ADDRESS';

/** A withdrawal as the simulator keeps it (amounts in satoshis, times in ms). */
export type SimWithdrawal = {
  id: string;
  accountIndex: number;
  quantity: bigint;
  txCost: bigint;
  cryptoAddress: string;
  cryptoAddressTag: string;
  clientWithdrawalId: string | null;
  status: SimWithdrawalStatus;
  createdAt: number;
  completedAt: number | null;
  txId: string | null;
  /** Creation order, to break createdAt/completedAt ties deterministically. */
  seq: number;
};

export type SimDeposit = { id: string; accountIndex: number; quantity: bigint; txId: string; completedAt: number };

export type SimAccount = SimAccountInput & {
  index: number;
  accountId: string;
  withdrawals: SimWithdrawal[];
  deposits: SimDeposit[];
  byClientId: Map<string, SimWithdrawal>;
  updatedAt: number;
};

export type SimError = { status: number; code: string; detail?: string; data?: Record<string, unknown> };

export type SendOnChain = (w: { to: string; amountSats: bigint; memo: string }) => Promise<{ txId: string }>;

export type SimExchangeOptions = {
  accounts: SimAccountInput[];
  txFeeSats: bigint;
  now: () => number;
  sendOnChain?: SendOnChain;
  /** Called when sendOnChain fails; the withdrawal stays PENDING. */
  onSendError?: (w: SimWithdrawal, err: unknown) => void;
};

export const OPEN_STATUSES: ReadonlySet<string> = new Set(['NEW', 'REQUESTED', 'AUTHORIZED', 'PENDING', 'ERROR_INVALID_ADDRESS']);
const CANCELLABLE: ReadonlySet<string> = new Set(['REQUESTED', 'AUTHORIZED', 'ERROR_INVALID_ADDRESS']);
/** BitShares account names: what `cryptoAddress` must be for BTS. */
const BTS_ACCOUNT_RE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/**
 * The exchange's books, without HTTP: balances, withdrawals with their status machine, deposits.
 * Single-threaded JS makes each method atomic; `sendOnChain` is the only await, guarded per withdrawal
 * so two drivers (timer and processPending) never pay the same withdrawal twice.
 */
export function createSimExchange(options: SimExchangeOptions) {
  const { txFeeSats, now, sendOnChain, onSendError } = options;
  const accounts: SimAccount[] = options.accounts.map((a, index) => ({
    ...a,
    index,
    accountId: randomUUID(),
    withdrawals: [],
    deposits: [],
    byClientId: new Map(),
    updatedAt: now(),
  }));
  const byKey = new Map(accounts.map((a) => [a.apiKey, a]));
  const inFlight = new Map<string, Promise<void>>();
  let seq = 0;
  let currencyOnline = true;

  function account(i: number): SimAccount {
    const a = accounts[i];
    if (!a) throw new RangeError(`No simulated account ${i}`);
    return a;
  }

  /** Validated POST: dedupe first (an existing id wins over every other check), then fee/minimum/funds. */
  function createWithdrawal(
    a: SimAccount,
    input: {
      quantity: bigint;
      cryptoAddress: string;
      cryptoAddressTag: string;
      clientWithdrawalId: string | null;
      forceInsufficient: boolean;
    },
  ): { ok: true; withdrawal: SimWithdrawal } | { ok: false; error: SimError } {
    if (input.clientWithdrawalId !== null) {
      const existing = a.byClientId.get(input.clientWithdrawalId);
      if (existing) {
        return {
          ok: false,
          error: {
            status: 409,
            code: 'CLIENTWITHDRAWALID_ALREADY_EXISTS',
            detail: 'A withdrawal with this clientWithdrawalId already exists.',
            data: { withdrawalId: existing.id },
          },
        };
      }
    }
    if (!currencyOnline) return { ok: false, error: { status: 503, code: 'CURRENCY_OFFLINE' } };
    if (input.quantity <= 3n * txFeeSats) return { ok: false, error: { status: 400, code: 'WITHDRAWAL_TOO_SMALL' } };
    if (input.forceInsufficient || input.quantity > a.balanceSats) return { ok: false, error: { status: 409, code: 'INSUFFICIENT_FUNDS' } };
    const t = now();
    const w: SimWithdrawal = {
      id: randomUUID(),
      accountIndex: a.index,
      quantity: input.quantity,
      txCost: txFeeSats,
      cryptoAddress: input.cryptoAddress,
      cryptoAddressTag: input.cryptoAddressTag,
      clientWithdrawalId: input.clientWithdrawalId,
      status: 'REQUESTED',
      createdAt: t,
      completedAt: null,
      txId: null,
      seq: ++seq,
    };
    a.balanceSats -= input.quantity;
    a.updatedAt = t;
    a.withdrawals.push(w);
    if (w.clientWithdrawalId !== null) a.byClientId.set(w.clientWithdrawalId, w);
    return { ok: true, withdrawal: w };
  }

  function cancel(a: SimAccount, id: string): { ok: true; withdrawal: SimWithdrawal } | { ok: false; error: SimError } {
    const w = a.withdrawals.find((x) => x.id === id);
    if (!w) return { ok: false, error: { status: 404, code: 'NOT_FOUND' } };
    if (!CANCELLABLE.has(w.status) || inFlight.has(w.id)) return { ok: false, error: { status: 409, code: 'NOT_ALLOWED' } };
    w.status = 'CANCELLED';
    w.completedAt = now();
    a.balanceSats += w.quantity;
    a.updatedAt = w.completedAt;
    return { ok: true, withdrawal: w };
  }

  /** Sends one withdrawal on chain (once at a time) and completes it; a failure leaves it PENDING. */
  function complete(w: SimWithdrawal): Promise<void> {
    const running = inFlight.get(w.id);
    if (running) return running;
    const job = (async () => {
      if (!BTS_ACCOUNT_RE.test(w.cryptoAddress)) {
        w.status = 'ERROR_INVALID_ADDRESS';
        return;
      }
      w.status = 'PENDING';
      let txId: string;
      try {
        txId = sendOnChain
          ? (await sendOnChain({ to: w.cryptoAddress, amountSats: w.quantity - w.txCost, memo: w.cryptoAddressTag })).txId
          : randomBytes(20).toString('hex');
      } catch (err) {
        onSendError?.(w, err);
        return;
      }
      w.txId = txId;
      w.status = 'COMPLETED';
      w.completedAt = now();
    })().finally(() => inFlight.delete(w.id));
    inFlight.set(w.id, job);
    return job;
  }

  function openWithdrawals(): SimWithdrawal[] {
    return accounts.flatMap((a) =>
      a.withdrawals.filter((w) => w.status === 'REQUESTED' || w.status === 'AUTHORIZED' || w.status === 'PENDING'),
    );
  }

  return {
    accounts,
    account,
    findByKey: (apiKey: string) => byKey.get(apiKey),
    createWithdrawal,
    cancel,
    setCurrencyOnline(online: boolean) {
      currencyOnline = online;
    },
    currencyOnline: () => currencyOnline,

    /** Drives every in-flight withdrawal to COMPLETED now (retrying failed chain sends). */
    async processPending(): Promise<void> {
      await Promise.all(openWithdrawals().map(complete));
    },

    /** Time-based progress: REQUESTED → AUTHORIZED at a third of `afterMs`, PENDING and on-chain send at `afterMs`. */
    async advance(afterMs: number): Promise<void> {
      const t = now();
      const due: SimWithdrawal[] = [];
      for (const w of openWithdrawals()) {
        const age = t - w.createdAt;
        if (age >= afterMs) due.push(w);
        else if (w.status === 'REQUESTED' && age >= afterMs / 3) w.status = 'AUTHORIZED';
      }
      await Promise.all(due.map(complete));
    },

    /** A deposit arriving on the shared deposit account with this memo; false if no account owns the memo. */
    credit(depositTag: string, sats: bigint, txId = randomBytes(20).toString('hex')): boolean {
      const a = accounts.find((x) => x.depositTag === depositTag);
      if (!a) return false;
      const t = now();
      a.balanceSats += sats;
      a.updatedAt = t;
      a.deposits.push({ id: randomUUID(), accountIndex: a.index, quantity: sats, txId, completedAt: t });
      return true;
    },
  };
}

export type SimExchange = ReturnType<typeof createSimExchange>;
