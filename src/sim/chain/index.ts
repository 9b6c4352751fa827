export { ChainState } from './ChainState.js';
export { FcError } from './FcError.js';
export { parseChainSimArgs } from './parseChainSimArgs.js';
export { runChainSim } from './runChainSim.js';
export {
  type ChainSimulator,
  type SimConnection,
  startChainSimulator,
} from './startChainSimulator.js';
export {
  type ChainSimFaults,
  type ChainSimOptions,
  type ClientTransferParameters,
  type FcErrorSpec,
  type LedgerTransfer,
  SIM_CHAIN_ID,
  type SimAccount,
  type SyntheticHistoryOptions,
} from './types.js';
