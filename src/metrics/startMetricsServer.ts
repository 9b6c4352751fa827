import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from 'better-sqlite3';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { collectDbStatus } from '../status/collectDbStatus.js';

export type MetricsServerOptions = {
  db: Database;
  /** @default 0 (any free port) */
  port?: number;
  /** Bound to loopback only: the figures are for the operator, not the world. @default '127.0.0.1' */
  host?: string;
  /** Last irreversible block the listener has seen, if known. */
  irreversibleBlock?: () => number | null;
};

export type MetricsServer = { url: string; registry: Registry; close(): Promise<void> };

/**
 * A Prometheus endpoint (`GET /metrics`) on loopback with a dedicated registry: process defaults plus gauges
 * read from the database at scrape time (cursor, lag, open contracts, payments by state, amounts due).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { db, port = 0, host = '127.0.0.1', irreversibleBlock = () => null } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'stakebts_' });
  const cursor = new Gauge({ name: 'stakebts_cursor_block', help: 'Last block applied by the listener', registers: [registry] });
  const lib = new Gauge({ name: 'stakebts_irreversible_block', help: 'Last irreversible block seen on the node', registers: [registry] });
  const lag = new Gauge({ name: 'stakebts_lag_blocks', help: 'Irreversible head minus cursor', registers: [registry] });
  const open = new Gauge({ name: 'stakebts_open_contracts', help: 'Contracts whose principal is pending', registers: [registry] });
  const payouts = new Gauge({ name: 'stakebts_payouts', help: 'Payments by state', labelNames: ['state'], registers: [registry] });
  const internal = new Gauge({
    name: 'stakebts_incoming_internal_errors',
    help: 'Incoming operations whose handling failed (invalid:internal): not applied, need the manager',
    registers: [registry],
  });
  const due = new Gauge({ name: 'stakebts_due_bts', help: 'BTS owed within the window', labelNames: ['window'], registers: [registry] });

  const refresh = () => {
    const s = collectDbStatus(db, { errors: 0 });
    const c = s.cursor?.blockNum ?? 0;
    cursor.set(c);
    const l = irreversibleBlock();
    if (l !== null) {
      lib.set(l);
      lag.set(Math.max(0, l - c));
    }
    open.set(s.openContracts);
    internal.set(s.internalErrors);
    payouts.reset();
    for (const p of s.payouts) payouts.set({ state: p.state }, p.count);
    // Whole BTS as a float is fine for a dashboard; money decisions never read this.
    due.set({ window: '7d' }, Number(s.due7dSats / 100_000n));
    due.set({ window: '30d' }, Number(s.due30dSats / 100_000n));
  };

  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    try {
      refresh();
    } catch {
      // A busy database must not take the endpoint down: serve the last values.
    }
    registry
      .metrics()
      .then((text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text))
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${bound}/metrics`,
    registry,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
