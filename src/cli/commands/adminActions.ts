import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { checkBrokerCover } from '../../admin/checkBrokerCover.js';
import { listLoans } from '../../admin/listLoans.js';
import { queueAdminMove } from '../../admin/queueAdminMove.js';
import { secretsFromPayload } from '../../admin/unlockSecrets.js';
import { COMPACT } from '../../audit/formatRows.js';
import { createNodeClient } from '../../chain/nodeClient/index.js';
import type { Config } from '../../config/index.js';
import { openDatabase } from '../../db/openDatabase.js';
import { BTS_MAX_SUPPLY_SATS, formatBts, parseDecimalBts } from '../../domain/money.js';
import { BaseError } from '../../errors/BaseError.js';
import { silentLogger } from '../../log.js';
import { exchangeRailEntry } from '../../payout/rails/registry.js';
import { keystoreFingerprint } from '../../wallet/keystoreFingerprint.js';
import { unlockKeystore } from '../../wallet/unlockKeystore.js';
import { configFor } from './shared.js';

type MoveOpts = { account: string; amount: string; yes?: boolean; passwordFile?: string; keystore?: string };

/** `admin bittrex-to-broker` (loaded only when it runs; see ../lazyAction.ts). */
export const bittrexToBrokerAction = (opts: MoveOpts, cmd: Command) => move('bittrex_to_broker', opts, cmd);

/** `admin broker-to-bittrex`. */
export const brokerToBittrexAction = (opts: MoveOpts, cmd: Command) => move('broker_to_bittrex', opts, cmd);

/** `admin loans`. */
export function loansAction(opts: { json?: boolean }, cmd: Command): void {
  const config = configFor(cmd);
  const db = openDatabase(config.db, { readonly: true });
  try {
    const loans = listLoans(db);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(loans, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
      return;
    }
    if (loans.length === 0) {
      process.stdout.write('No loans recorded.\n');
      return;
    }
    const table = new Table({ head: ['manager', 'loans', 'total BTS', 'blocks'], style: { head: [], border: [] }, chars: COMPACT });
    for (const m of loans) table.push([m.manager, m.count, formatBts(m.totalSats), m.loans.map((l) => l.block ?? '-').join(' ')]);
    process.stdout.write(`${table.toString()}\n`);
  } finally {
    db.close();
  }
}

async function move(action: 'bittrex_to_broker' | 'broker_to_bittrex', opts: MoveOpts, cmd: Command): Promise<void> {
  const config = configFor(cmd);
  // Which numbers exist is the config's answer (planAdminMove refuses an unconfigured one in one sentence).
  const account = /^[1-9][0-9]?$/.test(opts.account) ? Number(opts.account) : Number.NaN;
  if (Number.isNaN(account)) throw new BaseError('USAGE', `--account "${opts.account}" is not an exchange account number (1-99).`);
  let amountSats: bigint;
  try {
    amountSats = parseDecimalBts(opts.amount);
  } catch (cause) {
    throw new BaseError('USAGE', `--amount "${opts.amount}" is not a BTS amount (up to 5 decimals).`, { cause });
  }
  if (amountSats <= 0n) throw new BaseError('USAGE', '--amount must be more than 0 BTS.');
  if (amountSats > BTS_MAX_SUPPLY_SATS) {
    throw new BaseError('USAGE', `--amount ${opts.amount} BTS is more than the BTS max supply (${formatBts(BTS_MAX_SUPPLY_SATS, 0)} BTS).`);
  }
  if (!existsSync(config.db)) {
    throw new BaseError('DB_OPEN_FAILED', `The database ${config.db} does not exist yet; start the daemon (stakebts start) first.`);
  }
  // The keystore of THIS desk (its broker, a key for every configured exchange account) must open: the password is
  // the authorisation. Its public fingerprint goes into the receipt.
  const payload = await unlockKeystore({
    keystorePath: opts.keystore ?? config.keystore,
    passwordFile: opts.passwordFile,
    nothingDone: 'nothing was queued',
  });
  secretsFromPayload(payload, config);
  const fingerprint = keystoreFingerprint(payload);
  const manager = `cli:${safeUser()}`;
  const broker = await brokerOnChain(config, action === 'broker_to_bittrex');
  const db = openDatabase(config.db, { migrate: false });
  try {
    if (action === 'broker_to_bittrex') {
      // Pre-check here for a clear answer now; the payout loop checks again with a fresh balance before sending.
      const cover = checkBrokerCover(db, config, broker?.balanceSats ?? 0n, amountSats);
      process.stdout.write(
        `Cover check: ${formatBts(cover.leftSats)} BTS left on the broker vs ${formatBts(cover.dueSats)} BTS due in the next ${config.terms.coverDays} days.\n`,
      );
    }
    const queued = queueAdminMove(db, config, {
      action,
      account,
      amountSats,
      manager,
      brokerId: broker?.id ?? null,
      facts: { via: 'cli', user: manager, manager, keystoreFingerprint: fingerprint },
    });
    const label = exchangeRailEntry(config, account)?.label ?? `exchange account ${account}`;
    process.stdout.write(
      `Queued ${action} of ${formatBts(amountSats)} BTS (${label}) as payment ${queued.payoutId}; the running daemon sends it on its next cycle (see \`stakebts status\`).\n`,
    );
  } finally {
    db.close();
  }
}

/** The broker's id and balance; required (and reachable) for a move off the broker. */
async function brokerOnChain(config: Config, required: boolean): Promise<{ id: string; balanceSats: bigint } | null> {
  const node = createNodeClient({
    urls: config.nodes,
    callTimeoutMs: 10_000,
    logger: silentLogger,
    ...(config.chainId ? { expectedChainId: config.chainId } : {}),
    rpc: { reconnectAttempts: 0 },
  });
  try {
    const account = await node.getAccountByName(config.broker);
    if (!account) throw new BaseError('AUTH_FAILED', `The broker account "${config.broker}" does not exist on this chain.`);
    return { id: account.id, balanceSats: await node.getAccountBalance(account.id) };
  } catch (err) {
    if (!required) return null;
    if (err instanceof BaseError && err.code === 'AUTH_FAILED') throw err;
    throw new BaseError('NODE_UNAVAILABLE', 'No BitShares node answered, so the broker balance cannot be checked; nothing was queued.', {
      cause: err,
    });
  } finally {
    await node.close();
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
