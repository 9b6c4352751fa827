/**
 * The node simulator in its own process for benchmarks, so the figures measure the daemon side alone (its CPU and
 * its RSS). Started with fork + tsx; options arrive over IPC, the URL and broker facts go back over IPC.
 */
import { type ChainSimOptions, startChainSimulator } from '../src/sim/chain/index.js';

process.once('message', async (msg: { options: ChainSimOptions; latencyMs?: number; broker: string }) => {
  const sim = await startChainSimulator(msg.options);
  if (msg.latencyMs) sim.faults.latencyMs = msg.latencyMs;
  const broker = sim.account(msg.broker) ?? sim.createAccount(msg.broker, { seed: msg.broker });
  process.send?.({ url: sim.url, chainId: sim.chainId, head: sim.headBlockNumber, broker: { id: broker.id, memoWif: broker.memoWif } });
  process.once('disconnect', () => void sim.close().then(() => process.exit(0)));
});
