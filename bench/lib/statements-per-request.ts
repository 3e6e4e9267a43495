// Statements, round trips, WAL and PostgreSQL time per request of a running service: the
// service reaches the private cluster through a counting proxy (bench/lib/round-trip-proxy.ts),
// pg_stat_statements is reset and the WAL position taken after a warm-up, then requests go one at a time.
import postgres from 'postgres';
import { startRoundTripProxy } from './round-trip-proxy.ts';

export interface PerRequest {
  service: string;
  requests: number;
  statementsPerRequest: number;
  roundTripsPerRequest: number;
  bytesToServerPerRequest: number;
  /** the whole request's WAL (claim, samples, watermark, outbox, request row, commit) */
  walBytesPerSample: number;
  /** PostgreSQL's execution time of the request's statements (pg_stat_statements; not COMMIT's flush) */
  execMsPerRequest: number;
  statements: { query: string; callsPerRequest: number }[];
}

export async function statementsPerRequest(options: {
  service: string;
  /** the private cluster: its port (the proxy's target) and its URL without a database */
  pg: { port: number; serverUrl: string };
  database: string;
  token: string;
  /** 5 warm-up bodies, then the measured ones */
  bodies: string[];
  batchRows: number;
  start: (url: string) => Promise<{ baseUrl: string; stop(): Promise<void> }>;
}): Promise<PerRequest> {
  const { service, pg, database, token, bodies, batchRows: BATCH, start } = options;
  const REQUESTS = bodies.length - 5;
  const proxy = await startRoundTripProxy({ host: '127.0.0.1', port: pg.port });
  const child = await start(`postgres://postgres@127.0.0.1:${proxy.port}/${database}`);
  const db = postgres(`${pg.serverUrl}/${database}`, { max: 1, onnotice: () => {} });
  try {
    await db.unsafe('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const post = async (body: string) => {
      const response = await fetch(`${child.baseUrl}/api/v1/health/samples/batch-upsert`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${service} answered ${response.status}`);
    };
    for (const body of bodies.slice(0, 5)) await post(body); // warm: statements prepared, pool open
    await db.unsafe('SELECT pg_stat_statements_reset()');
    // WAL by LSN: exact at once (the service's backends report pg_stat_wal up to 10 s late)
    const [lsn0] = await db.unsafe('SELECT pg_current_wal_lsn()::text AS lsn');
    const turns0 = proxy.turns();
    const bytes0 = proxy.bytes().toServer;
    for (const body of bodies.slice(5)) await post(body); // one at a time: nothing else on the wire
    const turns = proxy.turns() - turns0;
    const bytes = proxy.bytes().toServer - bytes0;
    const [wal] = await db.unsafe('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint AS bytes', [lsn0!.lsn]);
    const [exec] = await db.unsafe(`SELECT sum(total_exec_time)::float8 AS ms FROM pg_stat_statements
                                    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`);
    const rows = await db.unsafe(`SELECT query, sum(calls)::bigint AS calls FROM pg_stat_statements
                                  WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                                    AND query NOT ILIKE '%pg_stat_statements%' AND query NOT ILIKE '%pg_current_wal_lsn%'
                                  GROUP BY query ORDER BY sum(calls) DESC, query`);
    const statements = rows.map((r) => ({ query: String(r.query).replace(/\s+/g, ' ').slice(0, 90), callsPerRequest: Number(r.calls) / REQUESTS }));
    // postgres.js sends COMMIT as a prepared statement, which pg_stat_statements does not record
    const begins = statements.find((s) => s.query.toLowerCase() === 'begin');
    if (begins && !statements.some((s) => s.query.toLowerCase() === 'commit')) {
      statements.push({ query: 'commit (prepared: not in pg_stat_statements, one per begin)', callsPerRequest: begins.callsPerRequest });
    }
    return {
      service,
      requests: REQUESTS,
      statementsPerRequest: statements.reduce((sum, s) => sum + s.callsPerRequest, 0),
      roundTripsPerRequest: turns / REQUESTS,
      bytesToServerPerRequest: bytes / REQUESTS,
      walBytesPerSample: Number(wal!.bytes) / (REQUESTS * BATCH),
      execMsPerRequest: Number(exec!.ms) / REQUESTS,
      statements: statements.filter((s) => s.callsPerRequest >= 0.05),
    };
  } finally {
    await db.end();
    await child.stop();
    proxy.stop();
  }
}
