export { wait } from './wait.js';
export { backoffDelay, type WithRetryOptions, withRetry } from './withRetry.js';
export { type WithTimeoutOptions, withTimeout } from './withTimeout.js';
