import { SATS_PER_BTS } from '../../../domain/money.js';
import { BaseError } from '../../../errors/BaseError.js';
import { createLogger } from '../../../log.js';
import { SIM_ACCOUNTS, SIM_CLIENTS, SIM_EXCHANGE_ACCOUNT, startSimDesk } from '../../../sim/desk/index.js';

type UpOpts = { dir: string; chainPort: string; bittrexPort: string; blockIntervalMs: string; completeAfterMs: string };

/** `sim up` (loaded only when it runs; see ../../lazyAction.ts). */
export async function simUpAction(opts: UpOpts): Promise<void> {
  const chainPort = port(opts.chainPort, '--chain-port');
  const bittrexPort = port(opts.bittrexPort, '--bittrex-port');
  const blockIntervalMs = whole(opts.blockIntervalMs, '--block-interval-ms', 100, 60_000);
  const completeAfterMs = whole(opts.completeAfterMs, '--complete-after-ms', 0, 3_600_000);
  const logger = createLogger({ level: 'warn', dest: 2 });
  const desk = await startSimDesk({ dir: opts.dir, chainPort, bittrexPort, blockIntervalMs, completeAfterMs, logger });
  const d = opts.dir;
  const funds = (name: string) => (desk.chain.balance(name) / SATS_PER_BTS).toLocaleString('en-US');
  const lines = [
    `chain simulator    ${desk.chain.url}  (chain id ${desk.chain.chainId.slice(0, 16)}…, a block every ${blockIntervalMs} ms, irreversible 2 blocks behind)`,
    `Bittrex simulator  ${desk.bittrex.url}  (3 accounts; a completed withdrawal is a transfer from ${SIM_EXCHANGE_ACCOUNT} on the chain)`,
    `accounts           ${SIM_ACCOUNTS.map((n) => `${n} ${desk.chain.account(n)?.id} (${funds(n)} BTS)`).join(', ')}; ${SIM_CLIENTS.join(', ')} also hold 1,000 USD`,
    `keys               ${desk.keysCreated ? 'made now' : 'reused'}: ${d}/sim-keys.json (0600; distinct owner, active and memo keys; Bittrex API credentials)`,
    `keystore           ${d}/stakebts.keystore.json, password (throwaway, also in ${d}/password): ${desk.password}`,
    `config             ${d}/stakebts.config.json  (database ${desk.files.db})`,
    '',
    'Next, in another terminal:',
    `  stakebts start --config ${d}/stakebts.config.json --password-file ${d}/password`,
    `  stakebts sim send --dir ${d} --from alice --amount 25000 --memo six_months`,
    `  stakebts status --config ${d}/stakebts.config.json`,
    `  stakebts sim send --dir ${d} --from alice --amount 1 --memo stop`,
    `  stakebts audit payouts --config ${d}/stakebts.config.json --user alice`,
    '',
    `Ctrl+C stops the simulators. Keys, credentials, keystore and password stay in ${d} and are reused; the chain starts anew each run (new chain id, new database).`,
    'simulators ready',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    void desk.close().then(() => process.stderr.write('stakebts sim up: simulators stopped\n'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function port(text: string, flag: string): number {
  return whole(text, flag, 0, 65_535);
}

function whole(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new BaseError('USAGE', `${flag} must be a whole number from ${min} to ${max}.`);
  return n;
}
