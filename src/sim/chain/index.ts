export { startChainSimulator, type ChainSimulator, type SimConnection } from './startChainSimulator.js';
export { parseChainSimArgs } from './parseChainSimArgs.js';
export { runChainSim } from './runChainSim.js';
export { ChainState } from './ChainState.js';
export { FcError } from './FcError.js';
export {
  SIM_CHAIN_ID,
  type ChainSimFaults,
  type ChainSimOptions,
  type ClientTransferParameters,
  type FcErrorSpec,
  type LedgerTransfer,
  type SimAccount,
  type SyntheticHistoryOptions,
} from './types.js';
