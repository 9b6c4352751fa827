export type { BittrexFault } from './createFaultBook.js';
export type { SendOnChain, SimAccountInput, SimWithdrawal } from './createSimExchange.js';
export { generateSimAccounts } from './generateSimAccounts.js';
export { type BittrexSimulator, type BittrexSimulatorOptions, startBittrexSimulator } from './startBittrexSimulator.js';
