export {
  createFallbackRpc,
  type FallbackRequest,
  type FallbackRpc,
  type FallbackRpcOptions,
  type RpcResponseInfo,
} from './createFallbackRpc.js';
export {
  type ApiName,
  createWsRpc,
  type RpcRequest,
  type SessionInfo,
  type WsRpc,
  type WsRpcOptions,
} from './createWsRpc.js';
export {
  chainIdMismatch,
  type FcErrorObject,
  isApiMissing,
  isTransportError,
  RpcApiMissingError,
  RpcNodeError,
  RpcTransportError,
} from './errors.js';
export { sanitizeUrl } from './sanitizeUrl.js';
