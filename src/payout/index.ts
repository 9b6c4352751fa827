export { type CycleReport, createPayoutEngine, type PayoutEngine, type PayoutEngineOptions } from './PayoutEngine.js';
export { defaultWorkerPath, type RunWorkerOptions, runWorker, type WorkerEnd } from './runWorker.js';
export type { PayoutSecrets } from './types.js';
