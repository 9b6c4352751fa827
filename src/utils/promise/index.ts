export { wait } from './wait.js';
export { withTimeout, type WithTimeoutOptions } from './withTimeout.js';
export { withRetry, backoffDelay, type WithRetryOptions } from './withRetry.js';
