import { v5 as uuidv5 } from 'uuid';

/**
 * Payment identity that survives the loss of the database. Every payment's key is derived from chain facts (the
 * operation or contract it pays), its UUID from that key, and the UUID travels in the memo. So after a restored
 * backup the daemon recomputes the same UUID for the same payment and recognises it on chain (the broker reads its
 * own outgoing memos) and on the exchange (the withdrawal id is derived from it too), instead of paying again.
 */

/** Namespace of stakebts payment UUIDs (UUIDv5, RFC 9562). Never change it: it would re-key every payment. */
export const PAYMENT_NAMESPACE = '8c1c3a52-2f7e-5b40-9a4e-6d0b9d1f3e17';

/** Key of a payment of one schedule row: the contract's own key (`op:B:T:O` or `import:…`), the row type and number. */
export function stakeRowKey(contractSourceKey: string, type: string, number: number): string {
  return `stake:${contractSourceKey}/${type}/${number}`;
}

/** The payment's UUID, the same every time it is derived from the same key. */
export function paymentUuid(sourceKey: string): string {
  return uuidv5(sourceKey, PAYMENT_NAMESPACE);
}

/**
 * The exchange's idempotency key (`clientWithdrawalId`) for attempt `attemptNo` of a payment on account `account`:
 * recomputable, so a withdrawal made by an attempt whose record was lost is found again under the same id.
 */
export function withdrawalIdOf(paymentUuidValue: string, account: number, attemptNo: number): string {
  return uuidv5(`${paymentUuidValue}:${account}:${attemptNo}`, PAYMENT_NAMESPACE);
}

/** Attempt numbers tried when looking a lost withdrawal up by its derived id (a payment rarely needs more). */
export const MAX_DERIVED_ATTEMPTS = 64;

const REF = /\(ref ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)$/;

/** The memo as sent: the text a client reads, then the payment's reference. */
export function withRef(memo: string, uuid: string): string {
  return `${memo} (ref ${uuid})`;
}

/** The payment UUID a memo carries, or null. */
export function refOf(memo: string | null | undefined): string | null {
  if (typeof memo !== 'string') return null;
  return REF.exec(memo.trim())?.[1] ?? null;
}
