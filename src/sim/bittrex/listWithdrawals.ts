import { OPEN_STATUSES, type SimError, type SimWithdrawal } from './createSimExchange.js';

const BAD_REQUEST_DETAIL = 'Refer to the data field for specific field validation failures.';
const badRequest = (data: Record<string, unknown>): SimError => ({ status: 400, code: 'BAD_REQUEST', detail: BAD_REQUEST_DETAIL, data });

/** `GET /withdrawals/open`: createdAt desc, optional status/currency filters, capped at 1000 without paging. */
export function listOpen(all: SimWithdrawal[], q: URLSearchParams): { ok: true; items: SimWithdrawal[] } | { ok: false; error: SimError } {
  const status = q.get('status');
  if (status !== null && !OPEN_STATUSES.has(status))
    return { ok: false, error: badRequest({ status: ['Invalid open withdrawal status.'] }) };
  const currency = q.get('currencySymbol');
  const items = all
    .filter((w) => OPEN_STATUSES.has(w.status) && (status === null || w.status === status) && (currency === null || currency === 'BTS'))
    .sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq)
    .slice(0, 1000);
  return { ok: true, items };
}

/** Parses an ISO-8601 query date; Bittrex refuses sub-second precision. */
function parseDate(name: string, text: string | null): { ok: true; ms: number | undefined } | { ok: false; error: SimError } {
  if (text === null) return { ok: true, ms: undefined };
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return { ok: false, error: badRequest({ [name]: ['The value is not a valid date.'] }) };
  if (ms % 1000 !== 0)
    return { ok: false, error: badRequest({ [name]: ['Precision beyond 1 second is not supported on this date field.'] }) };
  return { ok: true, ms };
}

/**
 * `GET /withdrawals/closed`: completedAt desc, `startDate`/`endDate` on completedAt, pageSize 1–200 (100),
 * nextPageToken = id of the last item seen (items after it), previousPageToken = id of the first (items before it).
 */
export function listClosed(
  all: SimWithdrawal[],
  q: URLSearchParams,
): { ok: true; items: SimWithdrawal[] } | { ok: false; error: SimError } {
  const status = q.get('status');
  if (status !== null && status !== 'COMPLETED' && status !== 'CANCELLED') {
    return { ok: false, error: badRequest({ status: ['Invalid closed withdrawal status.'] }) };
  }
  const pageSizeText = q.get('pageSize');
  const pageSize = pageSizeText === null ? 100 : Number(pageSizeText);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) {
    return { ok: false, error: badRequest({ pageSize: ['The field pageSize must be between 1 and 200.'] }) };
  }
  const start = parseDate('startDate', q.get('startDate'));
  if (!start.ok) return start;
  const end = parseDate('endDate', q.get('endDate'));
  if (!end.ok) return end;
  const next = q.get('nextPageToken');
  const prev = q.get('previousPageToken');
  if (next !== null && prev !== null) return { ok: false, error: badRequest({ nextPageToken: ['Only one page token may be given.'] }) };
  const currency = q.get('currencySymbol');

  const sorted = all
    .filter(
      (w) =>
        (w.status === 'COMPLETED' || w.status === 'CANCELLED') &&
        w.completedAt !== null &&
        (status === null || w.status === status) &&
        (currency === null || currency === 'BTS') &&
        (start.ms === undefined || w.completedAt >= start.ms) &&
        (end.ms === undefined || w.completedAt <= end.ms),
    )
    .sort((a, b) => (b.completedAt ?? 0) - (a.completedAt ?? 0) || b.seq - a.seq);

  if (next !== null) {
    const i = sorted.findIndex((w) => w.id === next);
    if (i < 0) return { ok: false, error: { status: 400, code: 'INVALID_NEXT_PAGE_TOKEN' } };
    return { ok: true, items: sorted.slice(i + 1, i + 1 + pageSize) };
  }
  if (prev !== null) {
    const i = sorted.findIndex((w) => w.id === prev);
    if (i < 0) return { ok: false, error: { status: 400, code: 'INVALID_PREVIOUS_PAGE_TOKEN' } };
    return { ok: true, items: sorted.slice(Math.max(0, i - pageSize), i) };
  }
  return { ok: true, items: sorted.slice(0, pageSize) };
}
