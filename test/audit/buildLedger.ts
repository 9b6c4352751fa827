import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { type Config, configSchema } from '../../src/config/index.js';
import { settleStakeRow } from '../../src/db/contracts.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { insertPayoutIntent } from '../../src/db/payouts.js';
import { parseMemo } from '../../src/domain/parseMemo.js';
import { stakeRowKey } from '../../src/domain/paymentKeys.js';
import { applyBlock } from '../../src/ledger/applyBlock.js';
import type { IncomingOp, PreparedBlock } from '../../src/listener/prepareBlock.js';

/** BTS's max supply on mainnet, satoshis. */
const BTS_MAX_SUPPLY = 360_057_050_210_207n;

export const BROKER_ID = '1.2.100';
export const IDS = { alice: '1.2.201', bob: '1.2.202', carol: '1.2.203', dave: '1.2.204', boss: '1.2.300' } as const;
export type Who = keyof typeof IDS;
const NAMES = new Map(Object.entries(IDS).map(([name, id]) => [id, name]));

/** Well before the wall clock, so intents the listener stamps with Date.now() never fall in a test's time window. */
export const T0 = Date.UTC(2020, 0, 15, 12, 0, 0);
export const DAY = 86_400_000;

export function testConfig(dbPath: string): Config {
  return configSchema.parse({
    db: dbPath,
    broker: 'broker',
    managers: ['boss'],
    bittrex: { accounts: [{ index: 1, depositMemo: 'memo-1' }] },
    payout: { rails: ['broker', 'bittrex1'] },
  });
}

export type Transfer = { from: Who; bts: number | bigint; memo?: string; asset?: string; sats?: bigint };

/**
 * Drives the real listener: each call is one irreversible block with the given incoming transfers (and outgoing
 * ones), applied by applyBlock in one transaction with the cursor, exactly as the scanner does.
 */
export class Ledger {
  readonly db: Database;
  readonly config: Config;
  private blockNum = 100;
  private txCounter = 0;

  constructor(dir: string) {
    const path = join(dir, 'audit.sqlite');
    this.config = testConfig(path);
    this.db = openDatabase(path);
  }

  block(time: number, transfers: Transfer[]): number {
    const blockNum = ++this.blockNum;
    const ops: IncomingOp[] = transfers.map((t, i) => ({
      direction: 'in',
      blockNum,
      trxInBlock: i,
      opInTrx: 0,
      fromId: IDS[t.from],
      amountSats: t.sats ?? BigInt(t.bts) * 100_000n,
      assetId: t.asset ?? '1.3.0',
      memo: parseMemo(t.memo ?? null),
      memoText: t.memo ?? null,
      txId: (++this.txCounter).toString(16).padStart(40, 'a'),
    }));
    const block: PreparedBlock = { blockNum, blockTime: time, ops };
    applyBlock(block, {
      db: this.db,
      config: this.config,
      brokerId: BROKER_ID,
      managerIds: new Set([IDS.boss]),
      fundingIds: new Set(),
      names: NAMES,
      now: time,
      maxSupplySats: BTS_MAX_SUPPLY,
    });
    return blockNum;
  }

  /** An outgoing transfer of the broker seen in a block (the listener records it as chain evidence). */
  outgoing(time: number, toId: string, sats: bigint, txId: string): void {
    const blockNum = ++this.blockNum;
    applyBlock(
      {
        blockNum,
        blockTime: time,
        ops: [{ direction: 'out', blockNum, trxInBlock: 0, opInTrx: 0, toId, amountSats: sats, assetId: '1.3.0', txId, ref: null }],
      },
      {
        db: this.db,
        config: this.config,
        brokerId: BROKER_ID,
        managerIds: new Set(),
        fundingIds: new Set(),
        names: NAMES,
        now: time,
        maxSupplySats: BTS_MAX_SUPPLY,
      },
    );
  }

  stakeId(contractId: number, type: string, number = 0): number {
    const row = this.db
      .prepare(`SELECT id FROM stakes WHERE contract_id = ? AND (type = ? OR (? = 'contract' AND type LIKE 'contract_%')) AND number = ?`)
      .get(contractId, type, type, number) as { id: number } | undefined;
    if (!row) throw new Error(`no ${type} ${number} in contract ${contractId}`);
    return row.id;
  }

  contractOf(user: Who): number[] {
    return (this.db.prepare('SELECT id FROM contracts WHERE user = ? ORDER BY id').all(user) as { id: number }[]).map((r) => r.id);
  }

  /** The intent the payout engine writes for a due row (or the existing one: intents are idempotent). */
  intentFor(stakeId: number, at: number, opts: { sourceKey?: string; amountSats?: bigint } = {}): number {
    const row = this.db
      .prepare('SELECT s.*, c.source_key AS contract_key FROM stakes s JOIN contracts c ON c.id = s.contract_id WHERE s.id = ?')
      .get(stakeId) as {
      contract_id: number;
      contract_key: string;
      user: string;
      amount: number;
      type: string;
      number: number;
    };
    const purpose = row.type.startsWith('contract_') ? 'contract_receipt' : (row.type as 'interest' | 'principal');
    return insertPayoutIntent(
      this.db,
      {
        sourceKey: opts.sourceKey ?? stakeRowKey(row.contract_key, row.type, row.number),
        purpose,
        contractId: row.contract_id,
        stakeId,
        recipient: row.user,
        recipientId: IDS[row.user as Who] ?? null,
        amountSats: opts.amountSats ?? BigInt(row.amount) * 100_000n,
        memo: `pay ${row.type}`,
      },
      at,
    ).id;
  }

  /** What the payout engine does once a rail confirmed: attempt paid, payout paid, row paid, in one transaction. */
  completePayout(payoutId: number, at: number, rail: string, externalId: string, idemKey = externalId, settleRow = true): void {
    this.db.transaction(() => {
      const n = (this.db.prepare('SELECT count(*) AS n FROM payout_attempts WHERE payout_id = ?').get(payoutId) as { n: number }).n;
      this.db
        .prepare(
          `INSERT INTO payout_attempts (payout_id, attempt_no, rail, idem_key, request, state, external_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, '{}', 'paid', ?, ?, ?)`,
        )
        .run(payoutId, n + 1, rail, idemKey, externalId, at, at);
      this.db
        .prepare(
          `UPDATE payouts SET state = 'paid', rail = ?, external_id = ?, attempts = attempts + 1, paid_at = ?, updated_at = ? WHERE id = ?`,
        )
        .run(rail, externalId, at, at, payoutId);
      const stake = this.db.prepare('SELECT stake_id FROM payouts WHERE id = ?').get(payoutId) as { stake_id: number | null };
      if (settleRow && stake.stake_id !== null) settleStakeRow(this.db, stake.stake_id, 'paid', at);
    })();
  }

  /** Intent + completion of one row; returns the payout id. */
  pay(stakeId: number, at: number, rail = 'broker', externalId = `tx-${stakeId}`): number {
    const id = this.intentFor(stakeId, at);
    this.completePayout(id, at, rail, externalId);
    return id;
  }

  payoutBySource(sourceKey: string): number {
    return (this.db.prepare('SELECT id FROM payouts WHERE source_key = ?').get(sourceKey) as { id: number }).id;
  }
}

export const MONTH = 2_592_000_000;

/**
 * A year of business: three clients open contracts, one matures, one stops after two months, an invalid transfer
 * is refunded, an unsupported asset is kept, a manager lends; every due row up to `until` is paid on a rail.
 */
export function buildYear(dir: string): Ledger {
  const l = new Ledger(dir);
  const b1 = l.block(T0, [
    { from: 'alice', bts: 100_000, memo: '{"type":"six_months"}' },
    { from: 'bob', bts: 50_000, memo: 'three_months' },
    { from: 'carol', bts: 25_000, memo: '"twelve_months"' },
    { from: 'dave', bts: 200, memo: 'hello, "world"' },
    { from: 'alice', bts: 0, sats: 777n, asset: '1.3.121', memo: 'six_months' },
  ]);
  l.block(T0 + DAY, [{ from: 'boss', bts: 5_000, memo: '{"type":"loan_to_broker"}' }]);
  const [alice] = l.contractOf('alice');
  const [bob] = l.contractOf('bob');
  const [carol] = l.contractOf('carol');
  if (alice === undefined || bob === undefined || carol === undefined) throw new Error('contracts not opened');
  // Contract receipts: broker rail for two, Bittrex for one.
  l.pay(l.stakeId(alice, 'contract'), T0 + 1000);
  l.pay(l.stakeId(bob, 'contract'), T0 + 1000);
  l.pay(l.stakeId(carol, 'contract'), T0 + 1000, 'bittrex1', 'wd-carol-receipt');
  // The refund of dave's invalid transfer is paid.
  l.completePayout(l.payoutBySource(`refund:${b1}:3:0`), T0 + 2000, 'broker', 'tx-refund-dave');
  // Monthly interest up to the stop / maturity.
  for (const k of [1, 2]) {
    l.pay(l.stakeId(alice, 'interest', k), T0 + k * MONTH + 10);
    l.pay(l.stakeId(bob, 'interest', k), T0 + k * MONTH + 10, 'bittrex1', `wd-bob-${k}`);
    l.pay(l.stakeId(carol, 'interest', k), T0 + k * MONTH + 10);
  }
  // Carol stops at 2.5 months (sending 1 BTS with the memo).
  l.block(T0 + 2 * MONTH + 15 * DAY, [{ from: 'carol', bts: 1, memo: 'stop' }]);
  // Bob matures at 3 months: interest 3 and principal.
  l.pay(l.stakeId(bob, 'interest', 3), T0 + 3 * MONTH + 10);
  l.pay(l.stakeId(bob, 'principal'), T0 + 3 * MONTH + 10);
  settleStakeRow(l.db, l.stakeId(bob, 'penalty'), 'aborted', T0 + 3 * MONTH + 10);
  // The stop payout goes out on the broker rail.
  const stop = l.db.prepare(`SELECT id FROM payouts WHERE purpose = 'stop'`).get() as { id: number };
  l.completePayout(stop.id, T0 + 2 * MONTH + 16 * DAY, 'broker', 'tx-stop-carol');
  // Alice: months 3 and 4 paid; the cursor ends after month 4.
  l.pay(l.stakeId(alice, 'interest', 3), T0 + 3 * MONTH + 10);
  l.pay(l.stakeId(alice, 'interest', 4), T0 + 4 * MONTH + 10);
  l.block(T0 + 4 * MONTH + DAY, []);
  return l;
}
