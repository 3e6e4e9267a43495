// The service's entry points as child processes of a bench (server and load generator are
// separate processes, as in production), through the tests' one launcher
// (test/support/processes.ts): logs at warn, passed through, and stopped with SIGTERM.
// The per-user rate limit is on, as deployed, at a limit no bench reaches (every request pays its
// Redis round trip, none is refused: a load generator is not a user); a bench may set its own.
import { startService, type ServiceChild } from '../../test/support/processes.ts';

export interface ServiceProcess {
  baseUrl: string;
  process: ServiceChild['process'];
  stop(): Promise<void>;
}

/** requests per user per minute: never reached by a bench */
export const BENCH_RATE_LIMIT = '10000000';

const asServiceProcess = (child: ServiceChild): ServiceProcess => ({
  baseUrl: child.baseUrl,
  process: child.process,
  stop: () => child.kill('SIGTERM'),
});

/** An API entry (src/api.ts, src/main.ts), once it answers /healthz. */
export async function startServiceProcess(entry: 'src/main.ts' | 'src/api.ts', env: Record<string, string>): Promise<ServiceProcess> {
  return asServiceProcess(await startService(entry, { LOG_LEVEL: 'warn', USER_RATE_LIMIT_PER_MINUTE: BENCH_RATE_LIMIT, ...env }, { inheritOutput: true }));
}

/** The worker (no HTTP): started, not probed; the bench watches its effects. */
export async function startWorkerProcess(entry: 'src/worker.ts', env: Record<string, string>): Promise<{ stop(): Promise<void>; pid: number | undefined }> {
  const child = asServiceProcess(await startService(entry, { LOG_LEVEL: 'warn', ...env }, { inheritOutput: true, ready: false }));
  return { stop: child.stop, pid: child.process.pid };
}
