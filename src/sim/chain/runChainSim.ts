import type { Logger } from 'pino';
import { silentLogger } from '../../log.js';
import { parseChainSimArgs } from './parseChainSimArgs.js';
import { type ChainSimulator, startChainSimulator } from './startChainSimulator.js';

/**
 * CLI runner for `stakebts sim chain`: starts the simulator, logs its URL and chain id, and closes it on
 * SIGINT/SIGTERM. Resolves with the simulator (the process stays up while it listens).
 * @example await runChainSim(['--port', '8090'], logger)
 */
export async function runChainSim(argv: readonly string[], logger: Logger = silentLogger): Promise<ChainSimulator> {
  const options = parseChainSimArgs(argv);
  const sim = await startChainSimulator(options);
  logger.info(
    {
      url: sim.url,
      chainId: sim.chainId,
      head: sim.headBlockNumber,
      blockIntervalMs: options.blockIntervalMs,
    },
    'chain simulator listening',
  );
  const stop = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    void sim.close().then(() => logger.info('chain simulator closed'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return sim;
}
