// bun run cli <command> [options]: one entry per command in COMMANDS (its usage line, its
// options for util.parseArgs in strict mode, and what it runs), so `--help` lists them all and an
// unknown command, option or stray argument is an error (exit 2) instead of being ignored.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { configuredUserTokens } from './auth/configured-tokens.ts';
import { createDb } from './db/client.ts';
import { defaultCatalog } from './domain/catalog/catalog.ts';
import { catalogToJson } from './domain/catalog/catalog-json.ts';
import { catalogToMarkdown } from './domain/catalog/catalog-markdown.ts';
import { describeMismatch, ensureDatabase, migrate, migrationStatus } from './db/migrator.ts';
import { listJobs } from './jobs/job-list.ts';
import { createLogger } from './log.ts';
import { runImportCommand } from './imports/import-command.ts';
import { defaultImportRegistry } from './imports/registry.ts';
import { buildJobRunner, importSliceDeps } from './start/parts.ts';
import { fail, loadConfigOrExit } from './start/runtime.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

interface Command {
  usage: string;
  summary: string;
  options: Options;
  /** positional arguments it takes (beyond them: an error) */
  positionals: { min: number; max: number };
  run(args: Parsed): Promise<void>;
}

const COMMANDS: Record<string, Command> = {
  migrate: {
    usage: 'migrate',
    summary: 'create the database if missing and apply pending migrations',
    options: {},
    positionals: { min: 0, max: 0 },
    async run() {
      const config = loadConfigOrExit();
      await ensureDatabase(config.databaseUrl);
      const db = createDb(config.databaseUrl, { max: 1, statementTimeoutMs: 0 });
      try {
        const applied = await migrate(db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      } finally {
        await db.end();
      }
    },
  },
  'migrate:status': {
    usage: 'migrate:status',
    summary: 'print applied and pending migrations (exit 1 when the schema does not match)',
    options: {},
    positionals: { min: 0, max: 0 },
    async run() {
      const config = loadConfigOrExit();
      const db = createDb(config.databaseUrl, { max: 1 });
      try {
        const status = await migrationStatus(db);
        console.log(JSON.stringify(status));
        const mismatch = describeMismatch(status);
        if (mismatch) fail(mismatch);
      } finally {
        await db.end();
      }
    },
  },
  catalog: {
    usage: 'catalog [--markdown]',
    summary: 'the metric catalog as JSON, or as the Markdown table of src/domain/catalog/metric-catalog.md',
    options: { markdown: { type: 'boolean', default: false } },
    positionals: { min: 0, max: 0 },
    async run({ values }) {
      // the shipped catalog needs no configuration, database or Redis
      if (values.markdown) process.stdout.write(catalogToMarkdown(defaultCatalog));
      else console.log(JSON.stringify(catalogToJson(defaultCatalog), null, 2));
    },
  },
  token: {
    usage: 'token --user <uuid> [--ttl 3600]',
    summary: 'print a user token signed with JWT_SECRET (with JWT_ISSUER / JWT_AUDIENCE when set)',
    options: { user: { type: 'string' }, ttl: { type: 'string', default: '3600' } },
    positionals: { min: 0, max: 0 },
    async run({ values }) {
      const config = loadConfigOrExit();
      if (typeof values.user !== 'string') usageError('token needs --user <uuid>', 'token');
      const ttl = Number(values.ttl);
      if (!Number.isInteger(ttl) || ttl <= 0) usageError('--ttl must be a positive number of seconds', 'token');
      if (config.jwtJwksUrl !== null) fail('JWT_JWKS_URL is set: user tokens come from the identity provider, not from this command');
      console.log(await configuredUserTokens(config).sign(values.user, ttl));
    },
  },
  jobs: {
    usage: 'jobs list [--json] | jobs run <name>',
    summary: 'the built-in jobs, their schedules (UTC) and last runs; or run one tick now and print the run as JSON (exit 1 when it failed; "skipped" when another replica holds it)',
    options: { json: { type: 'boolean', default: false } },
    positionals: { min: 1, max: 2 },
    async run({ values, positionals }) {
      const [action, name] = positionals;
      if (!((action === 'list' && name === undefined) || (action === 'run' && name !== undefined))) usageError('usage: jobs list [--json] | jobs run <name>', 'jobs');
      const config = loadConfigOrExit();
      const db = createDb(config.databaseUrl, { max: 3, applicationName: 'health-ingest-cli', statementTimeoutMs: 60_000 });
      try {
        const runner = buildJobRunner({ config, db, log: createLogger('silent') });
        if (action === 'list') {
          const list = await listJobs(runner);
          if (values.json) console.log(JSON.stringify(list, null, 2));
          else console.log(formatJobList(list.jobs));
          return;
        }
        const run = await runner.run(name!, 'manual');
        if (!run) fail(`no job named "${name}" (known: ${runner.jobs.map((job) => job.name).join(', ')})`);
        console.log(JSON.stringify(run, null, 2));
        if (run.status === 'failed') process.exitCode = 1;
      } finally {
        await db.end({ timeout: 5 });
      }
    },
  },
  import: {
    usage: 'import <format> <file> --user <uuid> [--time-zone <IANA>]',
    summary:
      'import a file (apple-health: export.zip or export.xml; csv) for a user, in this process: progress on stderr, the final import as JSON on stdout (exit 1 unless it completed)',
    options: { user: { type: 'string' }, 'time-zone': { type: 'string' } },
    positionals: { min: 2, max: 2 },
    async run({ values, positionals }) {
      const [format, path] = positionals as [string, string];
      const user = values.user;
      if (typeof user !== 'string') usageError('import needs --user <uuid>', 'import');
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(user)) usageError('--user must be a UUID', 'import');
      const timeZone = typeof values['time-zone'] === 'string' ? values['time-zone'] : null;
      const config = loadConfigOrExit();
      if (config.migrateOnStart) await ensureDatabase(config.databaseUrl);
      const db = createDb(config.databaseUrl, { max: 4, applicationName: 'health-ingest-cli', statementTimeoutMs: 60_000 });
      try {
        if (config.migrateOnStart) await migrate(db);
        const result = await runImportCommand(
          { db, registry: defaultImportRegistry, maxImportBytes: config.maxImportBytes, slice: importSliceDeps(config), stderr: process.stderr },
          { format, path, userId: user, timeZone },
        );
        console.log(JSON.stringify(result, null, 2));
        if (result.status !== 'completed') process.exitCode = 1;
      } finally {
        await db.end({ timeout: 5 });
      }
    },
  },
};

function help(): string {
  const width = Math.max(...Object.values(COMMANDS).map((command) => command.usage.length));
  const lines = Object.values(COMMANDS).map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`);
  return `usage: bun run cli <command> [options]\n\n${lines.join('\n')}\n\n  --help, -h  this help (also after a command: its usage)`;
}

/** A command line the CLI cannot run: the reason and the usage on stderr, exit 2. */
function usageError(message: string, command?: string): never {
  const usage = command ? `usage: bun run cli ${COMMANDS[command]!.usage}` : help();
  process.stderr.write(`health-ingest: ${message}\n${usage}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return;
  }
  const command = COMMANDS[name];
  if (!command) usageError(`unknown command "${name}"`);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`usage: bun run cli ${command.usage}\n  ${command.summary}`);
    return;
  }
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: command.positionals.max > 0 }) as Parsed;
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error), name);
  }
  const count = parsed.positionals.length;
  if (count < command.positionals.min || count > command.positionals.max) usageError(`wrong arguments for ${name}`, name);
  await command.run(parsed);
}

await main(process.argv.slice(2)).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

function formatJobList(jobs: Awaited<ReturnType<typeof listJobs>>['jobs']): string {
  const rows = [
    ['job', 'schedule (UTC)', 'next run', 'last run', 'status', 'rows'],
    ...jobs.map((job) => [
      job.name,
      `${job.schedule}  (${job.description})`,
      job.nextRunAt ?? '-',
      job.lastRun?.startedAt ?? '-',
      job.lastRun?.status ?? '-',
      job.lastRun ? String(job.lastRun.affectedRows) : '-',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
