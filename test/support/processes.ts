// Dependencies and service entry points as child processes of a test, each on a spare loopback
// port, so a test can SIGKILL or restart them without touching the shared PostgreSQL (5432) and
// Redis (6379). Used by the chaos suite, the long fuzz, the log scan and the benches (the one
// process launcher).
//
// PostgreSQL: initdb into a temp dir (as the `postgres` user when we are root: initdb refuses
// root), fsync off (the host never crashes in these tests), managed with pg_ctl.
// Redis: no persistence, so a restart loses every queued job — the harsh case.
import { spawn, spawnSync, type Subprocess } from 'bun';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './poll.ts';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const ROOT = process.getuid?.() === 0;

/** A port nobody listens on right now (the kernel's pick, then released). */
export function sparePort(): number {
  const listener = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

async function portOpen(port: number): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } });
    socket.end();
    return true;
  } catch {
    return false;
  }
}

function asPostgres(argv: string[]): string[] {
  return ROOT ? ['runuser', '-u', 'postgres', '--', ...argv] : argv;
}

function must(argv: string[], what: string): void {
  const result = spawnSync(argv, { stdout: 'pipe', stderr: 'pipe' });
  if (result.exitCode !== 0) throw new Error(`${what} failed: ${result.stderr.toString()}${result.stdout.toString()}`);
}

// ---- PostgreSQL

export interface OwnPostgres {
  port: number;
  /** the server's log file (log_min_messages = warning; errors such as deadlocks are logged) */
  logFile: string;
  /** URL of a database on this server (created by the service's start-up when missing) */
  url(database?: string): string;
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
  restart(mode?: 'fast' | 'immediate'): void;
  destroy(): void;
}

export function startPostgres(options: { settings?: Record<string, string> } = {}): OwnPostgres {
  const dir = mkdtempSync(join(tmpdir(), 'hi-chaos-pg-'));
  if (ROOT) chownSync(dir, Number(idOf('-u')), Number(idOf('-g')));
  const data = join(dir, 'data');
  const port = sparePort();
  must(asPostgres([`${PG_BIN}/initdb`, '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']), 'initdb');
  const settings = {
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    unix_socket_directories: `'${dir}'`,
    // fsync off is safe here: only processes crash in these tests, never the host, so what was
    // written reaches the disk; synchronous_commit stays on, so a commit acknowledged before an
    // immediate (crash-like) stop is not lost (the service sets it off itself where it means to)
    fsync: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    shared_buffers: '64MB',
    log_min_messages: 'warning',
    ...options.settings,
  };
  const conf = Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n');
  spawnSync(asPostgres(['sh', '-c', `cat >> '${data}/postgresql.auto.conf'`]), { stdin: new TextEncoder().encode(`${conf}\n`) });
  const log = join(dir, 'postgres.log');
  const pgCtl = (...args: string[]) => must(asPostgres([`${PG_BIN}/pg_ctl`, '-D', data, ...args]), `pg_ctl ${args.join(' ')}`);
  const pg: OwnPostgres = {
    port,
    logFile: log,
    url: (database = 'health_ingest') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: () => pgCtl('-l', log, '-w', '-t', '30', 'start'),
    stop: (mode = 'fast') => pgCtl('-m', mode, '-w', '-t', '30', 'stop'),
    restart(mode = 'fast') {
      pg.stop(mode);
      pg.start();
    },
    destroy() {
      spawnSync(asPostgres([`${PG_BIN}/pg_ctl`, '-D', data, '-m', 'immediate', '-w', 'stop']), { stdout: 'ignore', stderr: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
  pg.start();
  return pg;
}

function idOf(flag: '-u' | '-g'): string {
  return spawnSync(['id', flag, 'postgres']).stdout.toString().trim();
}

// ---- Redis

export interface OwnRedis {
  port: number;
  url: string;
  /** SIGKILL (no persistence: every key is gone) */
  kill(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startRedis(): Promise<OwnRedis> {
  const port = sparePort();
  let child: Subprocess | undefined;
  const redis: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn(
        ['redis-server', '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
        { stdout: 'ignore', stderr: 'ignore' },
      );
      await until(() => portOpen(port), Boolean, 10_000, `redis on ${port}`);
    },
    async kill() {
      child?.kill('SIGKILL');
      await child?.exited;
      await until(async () => !(await portOpen(port)), Boolean, 10_000, `redis on ${port} gone`);
    },
    async restart() {
      await redis.kill();
      await redis.start();
    },
    async destroy() {
      if (child && child.exitCode === null) await redis.kill();
    },
  };
  await redis.start();
  return redis;
}

// ---- the service

/** The flags the package scripts (`bun run start`, …) give Bun: the app, not Bun, answers 431s. */
export const BUN_FLAGS = ['--max-http-header-size=65536'];

export interface ServiceChild {
  entry: string;
  /** http://127.0.0.1:PORT (the worker entry listens on nothing) */
  baseUrl: string;
  port: number;
  process: Subprocess;
  /** every line the child wrote to stdout and stderr so far */
  output(): string;
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

/**
 * `bun run <entry>` with the given environment; resolves once it answers /healthz (API entries)
 * or logs `readyLine` (the worker), or at once with `ready: false`. stdout/stderr are captured,
 * or passed through with `inheritOutput` (the benches: their services log little, and a long
 * run must not hold its logs in memory). A child still running when this process exits is
 * killed: an orphan would keep its port, the output pipe and the next run's database busy.
 */
export async function startService(
  entry: 'src/main.ts' | 'src/api.ts' | 'src/worker.ts',
  env: Record<string, string>,
  options: { readyLine?: string; port?: number; timeoutMs?: number; ready?: boolean; inheritOutput?: boolean; bunFlags?: string[] } = {},
): Promise<ServiceChild> {
  const port = options.port ?? sparePort();
  const output = options.inheritOutput ? 'inherit' : 'pipe';
  // bunFlags: more runtime flags (a bench's --cpu-prof)
  const child = spawn(['bun', ...BUN_FLAGS, ...(options.bunFlags ?? []), 'run', entry], {
    cwd: join(import.meta.dir, '..', '..'),
    env: { ...process.env, LOG_LEVEL: 'info', ...env, PORT: String(port) },
    stdout: output,
    stderr: output,
  });
  process.on('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const chunks: string[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) chunks.push(decoder.decode(chunk, { stream: true }));
  };
  if (!options.inheritOutput) {
    void pump(child.stdout as ReadableStream<Uint8Array>);
    void pump(child.stderr as ReadableStream<Uint8Array>);
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  const outputSoFar = () => chunks.join('');
  const readyLine = options.readyLine ?? (entry === 'src/worker.ts' ? 'worker started' : undefined);
  try {
    if (options.ready !== false) await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}: ${outputSoFar().slice(-2000)}`);
        if (readyLine) return outputSoFar().includes(readyLine);
        try {
          return (await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
        } catch {
          return false;
        }
      },
      Boolean,
      options.timeoutMs ?? 30_000,
      `${entry} ready`,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    entry,
    baseUrl,
    port,
    process: child,
    output: outputSoFar,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await Promise.race([child.exited, Bun.sleep(15_000)]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await child.exited;
      }
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc), or null when it is gone. */
export function rssOf(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
