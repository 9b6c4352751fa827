// The payout listing's SQL lives in src/db/payoutListing.ts (SQL only in src/db/); kept here for its importers.
export { type ListedPayout, listPayouts, type PayoutFilter } from '../db/payoutListing.js';
