// Loaded once per `bun test` run (bunfig.toml). Keeps test output readable; the databases
// themselves are created lazily by test/support/database.ts, so pure unit tests need no server.
import { setDefaultTimeout } from 'bun:test';

process.env.LOG_LEVEL ??= 'silent';
process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED ??= 'true';

// bunfig's [test] timeout is not honoured by this Bun; database-backed tests and their hooks
// need more than the 5 s default on a loaded 2-core machine.
setDefaultTimeout(30_000);
