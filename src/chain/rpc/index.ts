export { createWsRpc, type ApiName, type RpcRequest, type SessionInfo, type WsRpc, type WsRpcOptions } from './createWsRpc.js';
export {
  createFallbackRpc,
  type FallbackRequest,
  type FallbackRpc,
  type FallbackRpcOptions,
  type RpcResponseInfo,
} from './createFallbackRpc.js';
export { RpcNodeError, RpcTransportError, isTransportError, chainIdMismatch, type FcErrorObject } from './errors.js';
export { sanitizeUrl } from './sanitizeUrl.js';
