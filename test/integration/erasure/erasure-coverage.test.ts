// The erasure cannot forget a table (CONTRACT §10): every table of the migrated schema that holds
// a user_id is one of the erasure's steps or is kept on purpose (the audit record), and every
// table that hangs off one of them by a foreign key goes with it (ON DELETE CASCADE) or is a step
// itself. A new migration that adds user rows fails here until the erasure covers them.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { ERASURE_STEPS, KEPT_USER_TABLES } from '../../../src/erasure/erasure-steps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { tablesWithUserId } from '../../support/user-footprint.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
});
afterAll(() => db.drop());

const stepTables = () => new Set(ERASURE_STEPS.map((step) => step.table));

test('every table with a user_id column is erased by a step or kept on purpose', async () => {
  const tables = await tablesWithUserId(db.sql);
  expect(tables.length).toBeGreaterThan(5);
  const uncovered = tables.filter((table) => !stepTables().has(table) && !(table in KEPT_USER_TABLES));
  expect(uncovered).toEqual([]);
});

test('every step and every kept table names a table that holds user rows: a user_id column, or a reference to a table erased by user_id', async () => {
  const tables = new Set(await tablesWithUserId(db.sql));
  const parents = await db.sql`
    SELECT child.relname AS child, parent.relname AS parent
    FROM pg_constraint c
    JOIN pg_class child ON child.oid = c.conrelid
    JOIN pg_class parent ON parent.oid = c.confrelid
    WHERE c.contype = 'f'`;
  const reachesUser = (table: string) => parents.some((ref) => ref.child === table && tables.has(String(ref.parent)) && stepTables().has(String(ref.parent)));
  expect([...stepTables(), ...Object.keys(KEPT_USER_TABLES)].filter((table) => !tables.has(table) && !reachesUser(table))).toEqual([]);
  // a table is either erased or kept, never both
  expect(Object.keys(KEPT_USER_TABLES).filter((table) => stepTables().has(table))).toEqual([]);
});

test('a table that references an erased table goes with it (ON DELETE CASCADE) or is erased itself', async () => {
  const references = await db.sql`
    SELECT child.relname AS child, parent.relname AS parent, c.confdeltype AS on_delete
    FROM pg_constraint c
    JOIN pg_class child ON child.oid = c.conrelid
    JOIN pg_class parent ON parent.oid = c.confrelid
    JOIN pg_namespace n ON n.oid = child.relnamespace AND n.nspname = 'public'
    WHERE c.contype = 'f'`;
  const erased = stepTables();
  const orphans = references
    .filter((ref) => erased.has(String(ref.parent)) && !erased.has(String(ref.child)) && ref.on_delete !== 'c')
    .map((ref) => `${ref.child} → ${ref.parent}`);
  expect(orphans).toEqual([]);
  // the check sees the schema's references at all (webhook_attempts → webhook_deliveries cascades)
  expect(references.some((ref) => ref.child === 'webhook_attempts' && ref.parent === 'webhook_deliveries' && ref.on_delete === 'c')).toBe(true);
});
