export * from './configSchema.js';
export * from './exchangeAccounts.js';
export * from './loadConfig.js';
