// Runs an entry point of the service as a child process (so server and load generator are
// separate processes, as in production) and waits until it answers /healthz.
import { spawn, type Subprocess } from 'bun';
import { sparePort } from '../../test/support/processes.ts';

export interface ServiceProcess {
  baseUrl: string;
  process: Subprocess;
  stop(): Promise<void>;
}

/**
 * A bench that throws mid-run must not leave its service behind: an orphan keeps the output
 * pipe open and keeps working on the next run's database (same name, recreated).
 */
function killOnExit(child: Subprocess): void {
  process.on('exit', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
}

export async function startServiceProcess(entry: string, env: Record<string, string>): Promise<ServiceProcess> {
  // a port the kernel just handed out is free (a random pick collided with an exiting service)
  const port = sparePort();
  const child = spawn(['bun', 'run', entry], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdout: 'inherit',
    stderr: 'inherit',
  });
  killOnExit(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL'); // an orphan would keep the bench's output pipe (and a port) open
      throw new Error(`${entry} did not start`);
    }
    await Bun.sleep(100);
  }
  return {
    baseUrl,
    process: child,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([child.exited, Bun.sleep(5000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** A process without HTTP (the worker): started, not probed; the caller watches its effects. */
export async function startWorkerProcess(entry: string, env: Record<string, string>): Promise<{ stop(): Promise<void> }> {
  const child = spawn(['bun', 'run', entry], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdout: 'inherit', stderr: 'inherit' });
  killOnExit(child);
  return {
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([child.exited, Bun.sleep(10_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
