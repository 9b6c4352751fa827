import { join } from 'node:path';
import { formatBts } from '../../../domain/money.js';
import { CLIENT_TYPES } from '../../../domain/parseMemo.js';
import { BaseError } from '../../../errors/BaseError.js';
import { readSimKeys, readSimRun, SIM_FILES, sendSimTransfer } from '../../../sim/desk/index.js';

type SendOpts = { dir: string; from?: string; to: string; amount?: string; asset: string; memo?: string; memoText?: string; wait: boolean };

/** `sim send` (loaded only when it runs; see ../../lazyAction.ts). */
export async function simSendAction(opts: SendOpts): Promise<void> {
  if (opts.from === undefined) throw new BaseError('USAGE', '--from is required (the sending account, e.g. alice).');
  if (opts.amount === undefined) throw new BaseError('USAGE', '--amount is required (e.g. 25000).');
  if (opts.memo !== undefined && opts.memoText !== undefined) throw new BaseError('USAGE', 'Give --memo or --memo-text, not both.');
  if (opts.memo !== undefined && !(CLIENT_TYPES as readonly string[]).includes(opts.memo)) {
    throw new BaseError('USAGE', `--memo must be one of ${CLIENT_TYPES.join(', ')} (any other text: --memo-text).`);
  }
  const memoText = opts.memo !== undefined ? JSON.stringify({ type: opts.memo }) : opts.memoText;
  const keys = await readSimKeys(opts.dir);
  const sender = keys.accounts[opts.from];
  if (!sender) {
    throw new BaseError(
      'USAGE',
      `Unknown account ${opts.from}: ${join(opts.dir, SIM_FILES.keys)} has keys for ${Object.keys(keys.accounts).join(', ')}.`,
    );
  }
  const run = readSimRun(opts.dir);
  const r = await sendSimTransfer({
    url: run.chainUrl,
    chainId: run.chainId,
    from: opts.from,
    activeWif: sender.activeWif,
    memoWif: sender.memoWif,
    to: opts.to,
    amount: opts.amount,
    asset: opts.asset,
    ...(memoText === undefined ? {} : { memoText }),
    waitMs: opts.wait ? 30_000 : 0,
  }).catch((err: unknown) => {
    if (err instanceof BaseError && ['NODE_UNAVAILABLE', 'NODE_TIMEOUT', 'NODE_CLOSED'].includes(err.code)) {
      throw new BaseError(
        err.code,
        `The chain simulator at ${run.chainUrl} does not answer; is \`stakebts sim up --dir ${opts.dir}\` running?`,
        {
          cause: err,
        },
      );
    }
    throw err;
  });
  const memo = memoText === undefined ? 'no memo' : `memo ${JSON.stringify(memoText)} (encrypted)`;
  const where = r.blockNum !== null ? `in block ${r.blockNum}` : opts.wait ? 'broadcast, not in a block yet' : 'broadcast';
  process.stdout.write(
    `sent ${opts.amount} ${r.symbol} from ${opts.from} to ${opts.to}, ${memo}, fee ${formatBts(r.feeSats)} BTS: tx ${r.txId}, ${where}\n`,
  );
}
