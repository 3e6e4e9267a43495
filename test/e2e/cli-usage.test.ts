// The CLI's command line (issue 14): --help lists every command and exits 0; an unknown command,
// an unknown option or a stray argument is an error on stderr with the usage, exit 2, and runs
// nothing.
import { expect, test } from 'bun:test';

async function cli(...args: string[]) {
  const child = Bun.spawn(['bun', 'run', 'src/cli.ts', ...args], {
    cwd: `${import.meta.dir}/../..`,
    // an unreachable database: a command line that got past its checks would fail differently
    env: { ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', LOG_LEVEL: 'silent' },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { stdout, stderr, code };
}

test('--help, -h, help and no command print every command and exit 0', async () => {
  for (const args of [['--help'], ['-h'], ['help'], []]) {
    const { stdout, stderr, code } = await cli(...args);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const command of ['migrate', 'migrate:status', 'catalog', 'token --user <uuid>', 'jobs list']) expect(stdout).toContain(command);
  }
});

test('<command> --help prints its usage and exits 0 without running it', async () => {
  const { stdout, code } = await cli('migrate', '--help');
  expect(code).toBe(0);
  expect(stdout).toStartWith('usage: bun run cli migrate');
});

test('an unknown command, option or stray argument is exit 2 with the usage on stderr', async () => {
  for (const [args, message] of [
    [['bogus'], 'unknown command "bogus"'],
    [['token', '--user', crypto.randomUUID(), '--tll', '60'], "Unknown option '--tll'"],
    [['catalog', '--markdown', 'extra'], "Unexpected argument 'extra'"],
    [['migrate', '--force'], "Unknown option '--force'"],
    [['jobs'], 'wrong arguments for jobs'],
    [['jobs', 'list', 'now'], 'usage: jobs list [--json] | jobs run <name>'],
  ] as const) {
    const { stdout, stderr, code } = await cli(...args);
    expect({ args, code }).toEqual({ args, code: 2 });
    expect(stderr).toContain(message);
    expect(stderr).toContain('usage: bun run cli');
    expect(stdout).toBe('');
  }
});

test('valid command lines still run: catalog needs nothing, token prints a JWT', async () => {
  const catalog = await cli('catalog');
  expect(catalog.code).toBe(0);
  expect(JSON.parse(catalog.stdout).metrics.length).toBeGreaterThan(10);
  const token = await cli('token', '--user', crypto.randomUUID(), '--ttl', '60');
  expect(token.code).toBe(0);
  expect(token.stdout.trim().split('.')).toHaveLength(3);
});
