import { BaseError } from '../../errors/BaseError.js';

const CHAIN_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/**
 * Parses a node time string ("YYYY-MM-DDTHH:MM:SS", UTC without `Z`, as in `dgp.time`, block
 * `timestamp` and tx `expiration`) to unix seconds. Strict: a bare `Date.parse` would read the
 * string as LOCAL time.
 * @example parseChainTimeSec('2018-12-12T10:44:15') // 1544611455
 * @throws BaseError('TX_INVALID') on any other shape or an impossible date
 */
export function parseChainTimeSec(time: string): number {
  const m = typeof time === 'string' ? CHAIN_TIME.exec(time) : null;
  const ms = m ? Date.parse(`${time}Z`) : Number.NaN;
  // Date.parse rolls 2019-02-30 over to March; the round trip catches it.
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== time) {
    throw new BaseError('TX_INVALID', 'Chain time must read YYYY-MM-DDTHH:MM:SS (UTC)', {
      metaMessages: [`time: ${String(time).slice(0, 40)}`],
    });
  }
  return ms / 1000;
}
