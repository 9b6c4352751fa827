export {
  createNodeClient,
  type GetBlockOptions,
  type NodeClient,
  type NodeClientOptions,
} from './createNodeClient.js';
export type {
  AssetAmount,
  ChainAccount,
  ChainAsset,
  DynamicGlobalProperties,
  OperationHistory,
  RawBlock,
  RawTransaction,
} from './schemas.js';
