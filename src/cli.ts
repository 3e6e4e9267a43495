// bun run cli <command>: migrate | token --user <uuid> [--ttl 3600] | jobs … (see `help`).
import { parseArgs } from 'node:util';
import { createUserTokens } from './auth/user-tokens.ts';
import { createDb } from './db/client.ts';
import { describeMismatch, ensureDatabase, migrate, migrationStatus } from './db/migrator.ts';
import { fail, loadConfigOrExit } from './startup.ts';

const HELP = `usage: bun run cli <command>
  migrate                          create the database if missing and apply pending migrations
  migrate:status                   print applied and pending migrations
  token --user <uuid> [--ttl 3600] print a user token signed with JWT_SECRET`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
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
    default:
      console.log(HELP);
      if (command !== 'help' && command !== undefined) process.exit(2);
  }
}

await main(process.argv.slice(2)).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
