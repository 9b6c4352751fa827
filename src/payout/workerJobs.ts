import type { ChainOutcome, HttpOutcome, HttpPostJob, WsBroadcastJob } from './protocol.js';
import { runWorker } from './runWorker.js';

/** What a rail asks its worker to send: one of the generic jobs of protocol.ts. */
export type WorkerJob = WsBroadcastJob | HttpPostJob;

/** What came back from one worker, as a rail interprets it. */
export type WorkerReport =
  | { kind: 'ws-broadcast'; txId: string; outcome: ChainOutcome }
  | { kind: 'http-post'; outcome: HttpOutcome }
  /** The worker refused the job before anything left the process: definitely not sent. */
  | { kind: 'refused'; reason: string }
  /** No report: killed at the limit, crashed or broke the protocol. The request may or may not have gone out. */
  | { kind: 'silent'; reason: string };

export type JobRunner = {
  workerPath: string;
  /** Hard limit of one worker, ms. */
  timeoutMs: number;
  /** Aborts in-flight workers at shutdown (their attempts are reconciled). */
  signal: AbortSignal;
  stats: { workers: number; workerMs: number };
};

/**
 * Forks one worker for one job and returns its report. The job is built when the worker says it is ready, so a signed
 * request's timestamp is fresh. A result for another transaction than the job's is ignored (it stays silent).
 */
export async function runJob(runner: JobRunner, job: () => WorkerJob): Promise<WorkerReport> {
  let report: WorkerReport | null = null;
  let sent: WorkerJob | null = null;
  let refused: string | null = null;
  const end = await runWorker({
    workerPath: runner.workerPath,
    timeoutMs: runner.timeoutMs,
    signal: runner.signal,
    onMessage: (msg, reply) => {
      if (msg.type === 'ready') {
        sent = job();
        reply(sent);
      } else if (report !== null) {
        // one result per worker; anything after it changes nothing
      } else if (msg.type === 'ws-broadcast.result' && sent?.type === 'ws-broadcast' && msg.txId === sent.txId) {
        report = { kind: 'ws-broadcast', txId: msg.txId, outcome: msg.outcome };
      } else if (msg.type === 'http-post.result' && sent?.type === 'http-post') {
        report = { kind: 'http-post', outcome: msg.outcome };
      } else if (msg.type === 'failed') {
        refused = msg.reason;
      }
    },
  });
  runner.stats.workers++;
  runner.stats.workerMs += end.elapsedMs;
  const got = report as WorkerReport | null;
  if (got !== null) return got;
  if (refused !== null && !end.killed) return { kind: 'refused', reason: refused };
  const reason = end.killed
    ? `worker killed after ${runner.timeoutMs} ms`
    : (end.protocolError ?? refused ?? `worker exited (${end.code ?? end.exitSignal}) without a result`);
  return { kind: 'silent', reason };
}
