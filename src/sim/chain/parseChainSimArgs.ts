import { parseArgs } from 'node:util';
import { BaseError } from '../../errors/BaseError.js';
import type { ChainSimOptions } from './types.js';

/**
 * Parses `stakebts sim chain` flags into simulator options.
 * Flags: --port, --host, --chain-id, --block-interval-ms, --block-time-ms, --irreversible-lag,
 * --synthetic-blocks, --ops-per-block, --seed, --history-api (offer the history api), --block-api (grant the block api), --omit-block-info (get_block as
 * bitshares-core 7's database api: no block_id, signing_key, transaction_ids).
 * @throws BaseError('USAGE') for an unknown flag or a bad number
 * @example parseChainSimArgs(['--port', '8090', '--block-interval-ms', '1000'])
 */
export function parseChainSimArgs(argv: readonly string[]): ChainSimOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'chain-id': { type: 'string' },
        'block-interval-ms': { type: 'string' },
        'block-time-ms': { type: 'string' },
        'irreversible-lag': { type: 'string' },
        'synthetic-blocks': { type: 'string' },
        'ops-per-block': { type: 'string' },
        seed: { type: 'string' },
        'history-api': { type: 'boolean' },
        'omit-block-info': { type: 'boolean' },
        'block-api': { type: 'boolean' },
      },
    }) as { values: Record<string, string | boolean | undefined> });
  } catch (cause) {
    throw new BaseError('USAGE', (cause as Error).message, { cause });
  }
  const int = (name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    const v = values[name] as string | undefined;
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new BaseError('USAGE', `--${name} must be an integer in ${min}..${max}`);
    return n;
  };
  const opts: ChainSimOptions = {
    port: int('port', 0, 65_535) ?? 8090,
    blockIntervalMs: int('block-interval-ms', 0) ?? 3_000,
  };
  if (typeof values.host === 'string') opts.host = values.host;
  if (values['history-api'] === true) opts.historyApi = true;
  if (values['omit-block-info'] === true) opts.omitBlockInfo = true;
  if (values['block-api'] === true) opts.blockApi = true;
  const chainId = values['chain-id'] as string | undefined;
  if (chainId !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(chainId)) throw new BaseError('USAGE', '--chain-id must be 64 lowercase hex characters');
    opts.chainId = chainId;
  }
  const blockTimeMs = int('block-time-ms', 1);
  if (blockTimeMs !== undefined) opts.blockTimeMs = blockTimeMs;
  const lag = int('irreversible-lag', 0);
  if (lag !== undefined) opts.irreversibleLag = lag;
  const blocks = int('synthetic-blocks', 1);
  if (blocks !== undefined) {
    const opsPerBlock = int('ops-per-block', 0, 1000);
    const seed = int('seed', 0);
    opts.syntheticHistory = {
      blocks,
      ...(opsPerBlock === undefined ? {} : { opsPerBlock }),
      ...(seed === undefined ? {} : { seed }),
    };
  }
  return opts;
}
