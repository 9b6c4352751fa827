import type { IncomingHttpHeaders } from 'node:http';
import { formatBts } from '../../domain/money.js';
import type { SimDeposit, SimWithdrawal } from './createSimExchange.js';

/** Bittrex prints amounts with 8 decimals as JSON strings ("2.67000000"); BTS has 5, so 3 zeros follow. */
export function decimal8(sats: bigint): string {
  return `${formatBts(sats)}000`;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A Withdrawal object in the shape of the real bodies (optional fields only when set). */
export function renderWithdrawal(w: SimWithdrawal): Record<string, unknown> {
  return {
    id: w.id,
    currencySymbol: 'BTS',
    quantity: decimal8(w.quantity),
    cryptoAddress: w.cryptoAddress,
    cryptoAddressTag: w.cryptoAddressTag,
    txCost: decimal8(w.txCost),
    ...(w.txId === null ? {} : { txId: w.txId }),
    status: w.status,
    createdAt: iso(w.createdAt),
    ...(w.completedAt === null ? {} : { completedAt: iso(w.completedAt) }),
    ...(w.clientWithdrawalId === null ? {} : { clientWithdrawalId: w.clientWithdrawalId }),
    target: 'BLOCKCHAIN',
    ...(w.status === 'ERROR_INVALID_ADDRESS' ? { error: { code: 'ERROR_INVALID_ADDRESS' } } : {}),
  };
}

export function renderBalance(balanceSats: bigint, updatedAt: number): Record<string, unknown> {
  return { currencySymbol: 'BTS', total: decimal8(balanceSats), available: decimal8(balanceSats), updatedAt: iso(updatedAt) };
}

export function renderDeposit(d: SimDeposit, depositAccountName: string, depositTag: string): Record<string, unknown> {
  return {
    id: d.id,
    currencySymbol: 'BTS',
    quantity: decimal8(d.quantity),
    cryptoAddress: depositAccountName,
    cryptoAddressTag: depositTag,
    txId: d.txId,
    confirmations: 1,
    updatedAt: iso(d.completedAt),
    completedAt: iso(d.completedAt),
    status: 'COMPLETED',
    source: 'BLOCKCHAIN',
  };
}

export function renderCurrency(txFeeSats: bigint, online: boolean, depositAccountName: string): Record<string, unknown> {
  return {
    symbol: 'BTS',
    name: 'BitShares',
    coinType: 'BITSHARES',
    status: online ? 'ONLINE' : 'OFFLINE',
    minConfirmations: 1,
    notice: '',
    txFee: decimal8(txFeeSats),
    prohibitedIn: [],
    baseAddress: depositAccountName,
    associatedTermsOfService: [],
    tags: [],
  };
}

/**
 * The error body of a gateway that echoes the request headers (fault `echoHeaders`): the API key in `code`, every
 * header in `detail` and in `data.requestHeaders`.
 */
export function renderHeaderEcho(headers: IncomingHttpHeaders): Record<string, unknown> {
  const flat = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
  return {
    code: `HEADER_REJECTED:Api-Key=${flat['api-key'] ?? ''}`,
    detail: `Request rejected by the gateway. Headers: ${Object.entries(flat)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}`,
    data: { requestHeaders: flat },
  };
}
