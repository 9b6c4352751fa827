import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from 'better-sqlite3';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { readHealthFacts } from '../db/health.js';
import { readMetricsCounts } from '../db/metricsCounts.js';
import { assessHealth, type Health, type HealthLimits } from '../status/assessHealth.js';
import { collectDbStatus } from '../status/collectDbStatus.js';
import { VERSION } from '../version.js';

export type MetricsServerOptions = {
  db: Database;
  /** @default 0 (any free port) */
  port?: number;
  /** Loopback unless the operator says otherwise (--metrics-host): the figures name no client but are still private. @default '127.0.0.1' */
  host?: string;
  /** Last irreversible block the listener has seen, if known. */
  irreversibleBlock?: () => number | null;
  /** Whether the last call to the nodes was answered (false: none reachable; null: not known yet). */
  nodeReachable?: () => boolean | null;
  health?: HealthLimits;
};

export type MetricsServer = { url: string; healthUrl: string; registry: Registry; health(): Health; close(): Promise<void> };

const sats = (v: bigint) => Number(v / 100_000n); // whole BTS as a float is fine for a dashboard; money decisions never read it

/**
 * A Prometheus endpoint (`GET /metrics`) and a health check (`GET /healthz`: 200 "ok", or 503 with the reasons,
 * one a line) with a dedicated registry. Names follow the Prometheus conventions: counters end in `_total`, units
 * are suffixes, the default `process_*` and `nodejs_*` metrics keep their standard names (dashboards and alert
 * rules written for any Node exporter work unchanged). Every business figure is read from the database at scrape
 * time, so counters survive restarts (they are totals of the append-only history, not in-memory tallies).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { db, port = 0, host = '127.0.0.1', irreversibleBlock = () => null, nodeReachable = () => null } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  new Gauge({ name: 'stakebts_build_info', help: 'Always 1; the version as a label', labelNames: ['version'], registers }).set(
    { version: VERSION },
    1,
  );
  const cursor = new Gauge({ name: 'stakebts_cursor_block', help: 'Last block applied by the listener', registers });
  const lib = new Gauge({ name: 'stakebts_irreversible_block', help: 'Last irreversible block seen on the node', registers });
  const lag = new Gauge({ name: 'stakebts_cursor_lag_blocks', help: 'Irreversible head minus cursor', registers });
  const open = new Gauge({ name: 'stakebts_open_contracts', help: 'Contracts whose principal is pending', registers });
  const inFlight = new Gauge({
    name: 'stakebts_payments_in_flight',
    help: 'Payments sending, submitted or unknown: money may be on its way',
    registers,
  });
  const uncertain = new Gauge({
    name: 'stakebts_payments_uncertain',
    help: 'Payments whose outcome is not known yet (state unknown)',
    registers,
  });
  const due = new Gauge({ name: 'stakebts_liabilities_due_bts', help: 'BTS owed within the window', labelNames: ['window'], registers });
  const broker = new Gauge({ name: 'stakebts_broker_balance_bts', help: 'Broker BTS balance (last receipted)', registers });
  const exchange = new Gauge({
    name: 'stakebts_exchange_balance_bts',
    help: 'Available BTS per exchange rail (at the last start)',
    labelNames: ['rail'],
    registers,
  });
  const internal = new Gauge({
    name: 'stakebts_incoming_internal_errors',
    help: 'Incoming operations whose handling failed (invalid:internal): not applied, need the manager',
    registers,
  });
  const up = new Gauge({ name: 'stakebts_healthy', help: '1 when /healthz answers 200', registers });
  const incoming = new Counter({
    name: 'stakebts_incoming_total',
    help: 'Incoming operations by outcome',
    labelNames: ['outcome'],
    registers,
  });
  const payments = new Counter({
    name: 'stakebts_payments_total',
    help: 'Payments written, by rail, purpose and current state',
    labelNames: ['rail', 'purpose', 'state'],
    registers,
  });
  const alarms = new Counter({ name: 'stakebts_alarms_total', help: 'Alarms raised, by kind', labelNames: ['kind'], registers });

  let lastHealth: Health = { ok: false, reasons: ['not checked yet'] };
  const refresh = () => {
    const s = collectDbStatus(db, { errors: 0 });
    const c = s.cursor?.blockNum ?? 0;
    cursor.set(c);
    const l = irreversibleBlock();
    let lagBlocks: number | null = null;
    if (l !== null) {
      lib.set(l);
      lagBlocks = Math.max(0, l - c);
      lag.set(lagBlocks);
    }
    open.set(s.openContracts);
    internal.set(s.internalErrors);
    inFlight.set(s.inFlight);
    uncertain.set(s.uncertain);
    due.set({ window: '7d' }, sats(s.due7dSats));
    due.set({ window: '30d' }, sats(s.due30dSats));
    if (s.lastBalances?.brokerSats != null) broker.set(sats(s.lastBalances.brokerSats));
    for (const b of s.lastBalances?.rails ?? []) exchange.set({ rail: b.rail }, sats(b.availableSats));
    // Counters are totals of the history: set by reset + inc to the counted value.
    const counts = readMetricsCounts(db);
    incoming.reset();
    for (const r of counts.incoming) incoming.inc({ outcome: r.outcome }, r.count);
    payments.reset();
    for (const r of counts.payments) payments.inc({ rail: r.rail, purpose: r.purpose, state: r.state }, r.count);
    alarms.reset();
    for (const r of counts.alarms) alarms.inc({ kind: r.kind }, r.count);
    lastHealth = assessHealth({ ...readHealthFacts(db), lagBlocks, nodeReachable: nodeReachable(), now: Date.now() }, options.health);
    up.set(lastHealth.ok ? 1 : 0);
  };
  const tryRefresh = (): boolean => {
    try {
      refresh();
      return true;
    } catch {
      return false; // a busy database must not take the endpoint down: serve the last values
    }
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || (path !== '/metrics' && path !== '/healthz')) {
      res.writeHead(404).end();
      return;
    }
    const fresh = tryRefresh();
    if (path === '/healthz') {
      const h = fresh ? lastHealth : { ok: false, reasons: ['the database could not be read'] };
      res.writeHead(h.ok ? 200 : 503, { 'Content-Type': 'text/plain; charset=utf-8' }).end(h.ok ? 'ok\n' : `${h.reasons.join('\n')}\n`);
      return;
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
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  let closing: Promise<void> | undefined;
  return {
    url: `${base}/metrics`,
    healthUrl: `${base}/healthz`,
    registry,
    health() {
      tryRefresh();
      return lastHealth;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
