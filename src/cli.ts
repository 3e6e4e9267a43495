// bun run cli <command>: migrate | token --user <uuid> [--ttl 3600] | jobs … (see `help`).
import { parseArgs } from 'node:util';
import { createUserTokens } from './auth/user-tokens.ts';
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

const HELP = `usage: bun run cli <command>
  migrate                          create the database if missing and apply pending migrations
  migrate:status                   print applied and pending migrations
  catalog [--markdown]             print the metric catalog as JSON, or as the Markdown table
                                   committed as src/domain/catalog/metric-catalog.md
  token --user <uuid> [--ttl 3600] print a user token signed with JWT_SECRET
  jobs list [--json]               the built-in jobs, their schedules (UTC) and last runs
  jobs run <name>                  run one tick of a job now and print the run as JSON
                                   (exit 1 when it failed; "skipped" when another replica holds it)
  import <format> <file> --user <uuid> [--time-zone <IANA>]
                                   import a file (apple-health: export.zip or export.xml; csv) for
                                   a user, in this process; progress on stderr, the final import as
                                   JSON on stdout (exit 1 unless it completed)`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'catalog') {
    // the shipped catalog needs no configuration, database or Redis
    if (rest.includes('--markdown')) process.stdout.write(catalogToMarkdown(defaultCatalog));
    else console.log(JSON.stringify(catalogToJson(defaultCatalog), null, 2));
    return;
  }
  const config = loadConfigOrExit();
  switch (command) {
    case 'migrate': {
      await ensureDatabase(config.databaseUrl);
      const db = createDb(config.databaseUrl, { max: 1, statementTimeoutMs: 0 });
      try {
        const applied = await migrate(db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      } finally {
        await db.end();
      }
      return;
    }
    case 'migrate:status': {
      const db = createDb(config.databaseUrl, { max: 1 });
      try {
        const status = await migrationStatus(db);
        console.log(JSON.stringify(status));
        const mismatch = describeMismatch(status);
        if (mismatch) fail(mismatch);
      } finally {
        await db.end();
      }
      return;
    }
    case 'token': {
      const { values } = parseArgs({ args: rest, options: { user: { type: 'string' }, ttl: { type: 'string', default: '3600' } } });
      if (!values.user) fail('token needs --user <uuid>');
      const ttl = Number(values.ttl);
      if (!Number.isInteger(ttl) || ttl <= 0) fail('--ttl must be a positive number of seconds');
      console.log(await createUserTokens(config.jwtSecret).sign(values.user, ttl));
      return;
    }
    case 'jobs': {
      const [action, name, ...flags] = rest;
      if (action !== 'list' && !(action === 'run' && name)) fail('usage: jobs list [--json] | jobs run <name>');
      const db = createDb(config.databaseUrl, { max: 3, applicationName: 'health-ingest-cli', statementTimeoutMs: 60_000 });
      try {
        const runner = buildJobRunner({ config, db, log: createLogger('silent') });
        if (action === 'list') {
          const list = await listJobs(runner);
          if (name === '--json' || flags.includes('--json')) console.log(JSON.stringify(list, null, 2));
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
      return;
    }
    case 'import': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { user: { type: 'string' }, 'time-zone': { type: 'string' } },
      });
      const [format, path] = positionals;
      if (!format || !path || !values.user) fail('usage: import <format> <file> --user <uuid> [--time-zone <IANA>]');
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(values.user)) fail('--user must be a UUID');
      if (config.migrateOnStart) await ensureDatabase(config.databaseUrl);
      const db = createDb(config.databaseUrl, { max: 4, applicationName: 'health-ingest-cli', statementTimeoutMs: 60_000 });
      try {
        if (config.migrateOnStart) await migrate(db);
        const result = await runImportCommand(
          { db, registry: defaultImportRegistry, maxImportBytes: config.maxImportBytes, slice: importSliceDeps(config), stderr: process.stderr },
          { format, path, userId: values.user, timeZone: values['time-zone'] ?? null },
        );
        console.log(JSON.stringify(result, null, 2));
        if (result.status !== 'completed') process.exitCode = 1;
      } finally {
        await db.end({ timeout: 5 });
      }
      return;
    }
    default:
      console.log(HELP);
      if (command !== 'help' && command !== undefined) process.exit(2);
  }
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
