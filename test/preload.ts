// Loaded once per `bun test` run (bunfig.toml). Keeps test output readable; the databases
// themselves are created lazily by test/support/database.ts, so pure unit tests need no server.
process.env.LOG_LEVEL ??= 'silent';
process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED ??= 'true';
