export { createPayoutEngine, type CycleReport, type PayoutEngine, type PayoutEngineOptions } from './PayoutEngine.js';
export { defaultWorkerPath, runWorker, type RunWorkerOptions, type WorkerEnd } from './runWorker.js';
export type { PayoutSecrets } from './types.js';
