export { parseAssetAmount, type SendSimTransferResult, sendSimTransfer } from './sendSimTransfer.js';
export {
  readSimKeys,
  readSimRun,
  SIM_ACCOUNTS,
  SIM_BROKER,
  SIM_CLIENTS,
  SIM_EXCHANGE_ACCOUNT,
  SIM_FILES,
  SIM_MANAGER,
} from './simDeskFiles.js';
export { type SimDesk, type SimDeskOptions, startSimDesk } from './startSimDesk.js';
