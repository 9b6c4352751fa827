export { type CycleReport, createPayoutEngine, type PayoutEngine, type PayoutEngineOptions } from './createPayoutEngine.js';
export { defaultWorkerPath, type RunWorkerOptions, runWorker, type WorkerEnd } from './runWorker.js';
export type { PayoutSecrets } from './types.js';
