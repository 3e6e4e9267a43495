// Loaded once per `bun test` run (bunfig.toml). Keeps test output readable; the databases
// themselves are created lazily by test/support/database.ts, so pure unit tests need no server.
import { setDefaultTimeout } from 'bun:test';

process.env.LOG_LEVEL ??= 'silent';
process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED ??= 'true';

// Database-backed tests and their hooks need more than Bun's 5 s default on a loaded 2-core
// machine. Bun 1.4.5 honours neither bunfig's [test] timeout nor this call beyond the first test
// file of a run (checked: a 6 s test in the second file fails at 5 s), so the documented command
// is `bun test --timeout 30000`; this call keeps a single-file `bun test <file>` run alike.
setDefaultTimeout(30_000);
