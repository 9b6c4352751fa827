// The contract listing's SQL lives in src/db/contractSummaries.ts (SQL only in src/db/); kept here for its importers.
export { type ContractFilter, type ContractState, type ContractSummary, listContracts, stopShares } from '../db/contractSummaries.js';
