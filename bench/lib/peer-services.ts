// The peers of ../shared/peers/ (seedstack, rawpg) as benchmark targets: each is copied to a
// folder under the system's temp dir (never installed inside ../shared, which may be read-only),
// installed with `npm ci` as its README says (its postinstall builds it; seedstack's build sets
// PRISMA_SCHEMA_ENGINE_BINARY itself, the offline workaround of its README), migrated with its own
// scripts/migrate.mjs into a database of its own, and started as `node dist/main.js` — what
// `npm start` runs, without npm's wrapper process, so the pid measured is the server's.
// An installed copy is reused while the peer's files are unchanged (keyed by a hash of them).
import { spawn, spawnSync, type Subprocess } from 'bun';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { sparePort } from '../../test/support/processes.ts';
import { stringOption } from './args.ts';

/** ../shared/peers beside the worktree (or the clone, in CI); --peers-dir to point elsewhere */
export const PEERS_DIR = stringOption('--peers-dir', join(import.meta.dir, '..', '..', '..', 'shared', 'peers'));
const INSTALL_ROOT = join(tmpdir(), 'health-ingest-bench-peers');

export type PeerName = 'seedstack' | 'rawpg';

function filesOf(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesOf(path));
    else out.push(path);
  }
  return out.sort();
}

function treeHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of filesOf(dir)) hash.update(relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

function makeWritable(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    chmodSync(path, statSync(path).mode | 0o200);
    if (entry.isDirectory()) makeWritable(path);
  }
}

/** The installed copy's folder; installs it first when there is none for these files. */
export function installPeer(name: PeerName, options: { reinstall?: boolean; log?: (line: string) => void } = {}): { dir: string; installSeconds: number } {
  const source = join(PEERS_DIR, name);
  if (!existsSync(join(source, 'package.json'))) throw new Error(`no peer at ${source} (pass --peers-dir)`);
  const dir = join(INSTALL_ROOT, `${name}-${treeHash(source)}`);
  const marker = join(dir, '.bench-installed');
  if (!options.reinstall && existsSync(marker)) return { dir, installSeconds: 0 };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(INSTALL_ROOT, { recursive: true });
  const copied = (path: string) => !relative(source, path).split('/').some((part) => part === 'node_modules' || part === 'dist');
  cpSync(source, dir, { recursive: true, filter: copied });
  makeWritable(dir);
  options.log?.(`installing ${name} into ${dir} (npm ci)…`);
  const started = performance.now();
  const result = spawnSync(['npm', 'ci', '--no-audit', '--no-fund'], { cwd: dir, stdout: 'pipe', stderr: 'pipe', env: process.env });
  if (result.exitCode !== 0) throw new Error(`npm ci of ${name} failed:\n${result.stderr.toString().slice(-3000)}`);
  if (!existsSync(join(dir, 'dist', 'main.js'))) throw new Error(`npm ci of ${name} built no dist/main.js`);
  writeFileSync(marker, new Date().toISOString());
  return { dir, installSeconds: (performance.now() - started) / 1000 };
}

export interface PeerProcess {
  name: PeerName;
  baseUrl: string;
  process: Subprocess;
  stop(): Promise<void>;
}

/** Migrates the peer's database (created when missing) and starts its server on a spare port. */
export async function startPeer(
  name: PeerName,
  dir: string,
  env: { DATABASE_URL: string; JWT_SECRET: string; DB_POOL_SIZE: number },
): Promise<PeerProcess> {
  const port = sparePort();
  const childEnv = {
    ...process.env,
    DATABASE_URL: env.DATABASE_URL,
    JWT_SECRET: env.JWT_SECRET,
    DB_POOL_SIZE: String(env.DB_POOL_SIZE),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  // not spawnSync: the database may sit behind a proxy served by this process's event loop
  const migrate = spawn(['node', 'scripts/migrate.mjs'], { cwd: dir, env: childEnv, stdout: 'ignore', stderr: 'pipe' });
  if ((await migrate.exited) !== 0) throw new Error(`${name} migration failed: ${await new Response(migrate.stderr).text()}`);
  const child = spawn(['node', 'dist/main.js'], { cwd: dir, env: childEnv, stdout: 'ignore', stderr: 'inherit' });
  process.on('exit', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start`);
    }
    await Bun.sleep(100);
  }
  return {
    name,
    baseUrl,
    process: child,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([child.exited, Bun.sleep(5000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
