// A write transaction whose BEGIN goes out with its first statements. postgres.js's sql.begin()
// waits for BEGIN's answer before it runs the callback: a round trip that carries nothing, and
// one more turn of this process's event loop — under load a wait behind other requests' parsing
// and checks — before the upload's statements are even sent. Here the connection is reserved,
// BEGIN is written without waiting, and the callback's statements queue right behind it on the
// same connection (PostgreSQL runs them in order, inside the transaction).
//
// The rest is sql.begin()'s contract: the callback's result once COMMIT succeeded; ROLLBACK and
// the error when anything failed. A COMMIT that PostgreSQL answers ROLLBACK (a statement failed
// and the callback did not notice) is an error too, never a silent success.
// A connection lost in the middle (a restart, pg_terminate_backend, idle_in_transaction_session_timeout)
// fails every statement after it and is not given back as open: our postgres.js patch (reserve())
// keeps them off the session the pool opens in its place, which is outside this transaction.
import type { Sql, Tx } from './client.ts';

export class TransactionRolledBack extends Error {
  constructor() {
    super('the transaction was rolled back at COMMIT (a statement in it had failed)');
  }
}

/** postgres.js's reserved connection with our patch's discard() (patches/postgres@3.4.9.patch). */
type ReservedConnection = Awaited<ReturnType<Sql['reserve']>> & { discard(): void };

export async function pipelinedTransaction<T>(db: Sql, work: (tx: Tx) => Promise<T>): Promise<T> {
  const connection = (await db.reserve()) as ReservedConnection;
  let clean = true;
  try {
    const begun = connection.unsafe('BEGIN');
    begun.catch(() => {}); // its failure fails every statement behind it
    let result: T;
    try {
      result = await work(connection as unknown as Tx);
      await begun;
      const committed = await connection.unsafe('COMMIT');
      if (committed.command !== 'COMMIT') throw new TransactionRolledBack();
    } catch (error) {
      // a ROLLBACK that fails leaves the session in the transaction (or in a COPY the work left
      // open): it must not serve anyone else
      clean = await connection.unsafe('ROLLBACK').then(
        () => true,
        () => false,
      );
      throw error;
    }
    return result;
  } finally {
    if (clean) connection.release();
    else connection.discard();
  }
}
