import { BaseError, type ErrorCode } from '../../errors/BaseError.js';

export type BittrexApiErrorParameters = {
  code: ErrorCode;
  shortMessage: string;
  /** Request method and path (no host credentials, no query secrets: the v3 URL has none). */
  request: string;
  httpStatus?: number;
  /** Bittrex error `code` from the response body, when there was one. */
  bittrexCode?: string;
  /** Network-level error code (ECONNRESET, ETIMEDOUT…) when no answer arrived. */
  networkCode?: string;
};

/**
 * Error thrown by the Bittrex client's read calls. Built only from sanitised values: the raw HTTP client
 * error is never chained, because it carries the request headers (API key and signature).
 */
export class BittrexApiError extends BaseError {
  override name = 'BittrexApiError';
  readonly httpStatus: number | undefined;
  readonly bittrexCode: string | undefined;
  readonly networkCode: string | undefined;

  constructor(params: BittrexApiErrorParameters) {
    const meta = [`Request: ${params.request}`];
    if (params.httpStatus !== undefined) meta.push(`HTTP status: ${params.httpStatus}`);
    if (params.bittrexCode !== undefined) meta.push(`Bittrex code: ${params.bittrexCode}`);
    if (params.networkCode !== undefined) meta.push(`Network: ${params.networkCode}`);
    super(params.code, params.shortMessage, { metaMessages: meta });
    this.httpStatus = params.httpStatus;
    this.bittrexCode = params.bittrexCode;
    this.networkCode = params.networkCode;
  }
}
