export * from './configSchema.js';
export * from './loadConfig.js';
