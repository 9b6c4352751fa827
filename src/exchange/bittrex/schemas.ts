import { z } from 'zod';
import { parseDecimalBts } from '../../domain/money.js';

/**
 * Zod schemas for the Bittrex v3 responses the payout rail relies on. Amounts arrive as decimal strings
 * (the spec says "number", real bodies carry strings) and become bigint satoshis here, truncated to BTS
 * precision 5: the exchange's 8-decimal strings never over-report.
 */

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'decimal string');
const satsFromDecimal = decimalString.transform((s) => parseDecimalBts(s, { truncate: true }));
const isoTimeMs = z
  .string()
  .transform((s) => Date.parse(s))
  .refine((ms) => Number.isFinite(ms), 'ISO-8601 time');

/** Statuses in which a withdrawal is still in flight (listed by `GET /withdrawals/open`). */
export const OPEN_WITHDRAWAL_STATUSES = ['NEW', 'REQUESTED', 'AUTHORIZED', 'PENDING', 'ERROR_INVALID_ADDRESS'] as const;
/** Final statuses (listed by `GET /withdrawals/closed`). */
export const CLOSED_WITHDRAWAL_STATUSES = ['COMPLETED', 'CANCELLED'] as const;

export const errorBodySchema = z.object({
  code: z.string(),
  detail: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type BittrexErrorBody = z.infer<typeof errorBodySchema>;

export const pingSchema = z.object({ serverTime: z.number().int() });

export const balanceSchema = z
  .object({ currencySymbol: z.string(), total: satsFromDecimal, available: satsFromDecimal })
  .transform((b) => ({ currencySymbol: b.currencySymbol, total: b.total, available: b.available }));

export const currencySchema = z.object({
  symbol: z.string(),
  status: z.string(),
  txFee: satsFromDecimal,
  minConfirmations: z.number().int().optional(),
  notice: z.string().optional(),
});

export const addressSchema = z.object({
  status: z.string(),
  currencySymbol: z.string(),
  cryptoAddress: z.string().min(1),
  cryptoAddressTag: z.string().optional(),
});

export const withdrawalSchema = z
  .object({
    id: z.string().min(1),
    currencySymbol: z.string(),
    quantity: satsFromDecimal,
    cryptoAddress: z.string(),
    cryptoAddressTag: z.string().optional(),
    txCost: satsFromDecimal.optional(),
    txId: z.string().optional(),
    // Unknown future statuses are kept as strings; callers treat anything not final as in flight.
    status: z.string(),
    createdAt: isoTimeMs,
    completedAt: isoTimeMs.optional(),
    clientWithdrawalId: z.string().optional(),
    target: z.string().optional(),
    error: errorBodySchema.optional(),
  })
  .transform((w) => ({
    id: w.id,
    currencySymbol: w.currencySymbol,
    quantity: w.quantity,
    txCost: w.txCost ?? 0n,
    cryptoAddress: w.cryptoAddress,
    cryptoAddressTag: w.cryptoAddressTag ?? '',
    status: w.status,
    txId: w.txId ?? null,
    clientWithdrawalId: w.clientWithdrawalId ?? null,
    createdAt: w.createdAt,
    completedAt: w.completedAt ?? null,
    errorCode: w.error?.code ?? null,
  }));

/** A withdrawal as the rail sees it: amounts in satoshis, times in ms, absent fields as null. */
export type Withdrawal = z.infer<typeof withdrawalSchema>;

export const withdrawalListSchema = z.array(withdrawalSchema);
