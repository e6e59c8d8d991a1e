// Drizzle ORM's aws-data-api/pg driver against the gateway, used as its documentation shows: a
// RDSDataClient with the gateway as endpoint, drizzle(client, { database, resourceArn, secretArn }),
// migrate() from a migrations folder, the query builder, sql`` and transactions. PostgreSQL only (the
// driver has no MySQL flavour). Run by io.dbgateway.dataapi.PostgresDataApiClientsTest.
import { RDSDataClient } from "@aws-sdk/client-rds-data";
import { and, arrayContains, eq, isNull, sql, TransactionRollbackError } from "drizzle-orm";
import { drizzle } from "drizzle-orm/aws-data-api/pg";
import { migrate } from "drizzle-orm/aws-data-api/pg/migrator";
import { bigint, boolean, date, doublePrecision, integer, jsonb, numeric, pgTable, serial, text, timestamp, uuid, varchar }
  from "drizzle-orm/pg-core";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, finish, forEach, rejects } from "../harness.mjs";
import { ARN, awsCredentials, env, JSON_VALUES, P } from "./clients.mjs";

const client = new RDSDataClient({ endpoint: env.GATEWAY_URL, region: "us-east-1", maxAttempts: 1, credentials: awsCredentials });
const db = drizzle(client, { database: env.DATABASE, resourceArn: ARN.resourceArn, secretArn: ARN.secretArn });

const items = pgTable(`${P}_items`, {
  id: serial("id").primaryKey(),
  name: varchar("name", { length: 100 }).notNull().unique(),
  qty: integer("qty"),
  big: bigint("big", { mode: "number" }),
  ratio: doublePrecision("ratio"),
  price: numeric("price", { precision: 12, scale: 2 }),
  active: boolean("active"),
  born: date("born"),
  seen: timestamp("seen", { precision: 3 }),
  meta: jsonb("meta"),
  uid: uuid("uid"),
  tags: integer("tags").array(),
  labels: text("labels").array(),
});

/** A migrations folder as drizzle-kit writes it: a journal and one SQL file, statements split by breakpoints. */
function migrationsFolder() {
  const dir = mkdtempSync(join(tmpdir(), "drizzle-"));
  mkdirSync(join(dir, "meta"));
  writeFileSync(join(dir, "meta", "_journal.json"), JSON.stringify({
    version: "7", dialect: "postgresql",
    entries: [{ idx: 0, version: "7", when: 1700000000000, tag: "0000_init", breakpoints: true }],
  }));
  writeFileSync(join(dir, "0000_init.sql"), `CREATE TABLE IF NOT EXISTS "${P}_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"qty" integer,
	"big" bigint,
	"ratio" double precision,
	"price" numeric(12, 2),
	"active" boolean,
	"born" date,
	"seen" timestamp (3),
	"meta" jsonb,
	"uid" uuid,
	"tags" integer[],
	"labels" text[],
	CONSTRAINT "${P}_items_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE INDEX "${P}_items_born_idx" ON "${P}_items" ("born");
COMMENT ON TABLE "${P}_items" IS 'two statements in one chunk: a script inside the migration''s transaction';`);
  return dir;
}

const SEEN = new Date("2024-01-31T23:59:30.123Z");
const META = { a: [1, 2], b: "x", nested: { ok: true } };
const UID = "6f1c3a2e-9b7d-4c1e-8f00-0123456789ab";
const full = {
  name: "full", qty: 5, big: 1234567890123, ratio: 3.25, price: "12345.67", active: true, born: "2024-02-29",
  seen: SEEN, meta: META, uid: UID, tags: null, labels: null,
};

await check("migrate() creates the schema through the Data API, a script chunk included", async () => {
  await migrate(db, { migrationsFolder: migrationsFolder(), migrationsSchema: `${P}_drizzle` });
  const applied = await db.execute(sql.raw(`SELECT hash, created_at FROM "${P}_drizzle"."__drizzle_migrations"`));
  assert.equal(applied.rows.length, 1);
  assert.equal(Number(applied.rows[0].created_at), 1700000000000);
  await migrate(db, { migrationsFolder: migrationsFolder(), migrationsSchema: `${P}_drizzle` }); // a no-op the second time
  const comment = await db.execute(sql`SELECT obj_description(${`${P}_items`}::regclass, 'pg_class') AS c`);
  assert.match(comment.rows[0].c, /two statements/);
});

await check("db.execute runs a script without parameters and answers its last statement", async () => {
  const r = await db.execute(sql.raw(`DROP TABLE IF EXISTS ${P}_scratch; CREATE TABLE ${P}_scratch (id int);`
    + ` INSERT INTO ${P}_scratch VALUES (1), (2); SELECT count(*) AS n FROM ${P}_scratch`));
  assert.equal(Number(r.rows[0].n), 2);
});

await check("insert().values().returning() binds every column type and maps the row back", async () => {
  const [row] = await db.insert(items).values(full).returning();
  assert.ok(row.id >= 1);
  assert.deepEqual({ ...row, id: undefined }, { ...full, id: undefined });
});

await check("insert of nulls binds NULL in every column", async () => {
  const [row] = await db.insert(items).values({ name: "nulls", qty: null, big: null, ratio: null, price: null, active: null,
    born: null, seen: null, meta: null, uid: null, tags: null, labels: null }).returning();
  for (const [k, v] of Object.entries(row)) if (!["id", "name"].includes(k)) assert.equal(v, null, k);
});

await check("select().where() with a parameter of every kind finds the row", async () => {
  const rows = await db.select().from(items).where(and(
    eq(items.name, "full"), eq(items.qty, 5), eq(items.big, 1234567890123), eq(items.ratio, 3.25), eq(items.price, "12345.67"),
    eq(items.active, true), eq(items.born, "2024-02-29"), eq(items.seen, SEEN), eq(items.meta, META), eq(items.uid, UID)));
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].seen, SEEN);
  assert.deepEqual(rows[0].meta, META);
  const none = await db.select({ id: items.id }).from(items).where(and(eq(items.name, "nulls"), isNull(items.born)));
  assert.equal(none.length, 1);
});

// Drizzle sends an array as the text of a PostgreSQL array literal ('{1,2,3}'), cast in INSERT and UPDATE.
await check("array columns bind from array literals and come back as arrays", async () => {
  const [row] = await db.insert(items).values({ name: "arrays", tags: [1, 2, 3], labels: ["x", "y z", "{}"] })
    .returning({ tags: items.tags, labels: items.labels });
  assert.deepEqual(row, { tags: [1, 2, 3], labels: ["x", "y z", "{}"] });
  const rows = await db.select({ name: items.name }).from(items).where(arrayContains(items.tags, [2, 3]));
  assert.deepEqual(rows, [{ name: "arrays" }]);
  const updated = await db.update(items).set({ tags: [4] }).where(eq(items.name, "arrays")).returning({ tags: items.tags });
  assert.deepEqual(updated, [{ tags: [4] }]);
});

await check("a prepared query with a placeholder runs with each value", async () => {
  const byName = db.select({ qty: items.qty }).from(items).where(eq(items.name, sql.placeholder("name"))).prepare("by_name");
  assert.deepEqual(await byName.execute({ name: "full" }), [{ qty: 5 }]);
  assert.deepEqual(await byName.execute({ name: "nobody" }), []);
});

await check("a jsonb array, string or number comes back as itself", async () => {
  await forEach(JSON_VALUES, async (meta) => {
    const [row] = await db.insert(items).values({ name: `json ${JSON.stringify(meta)}`, meta }).returning({ meta: items.meta });
    assert.deepEqual(row.meta, meta);
  });
});

await check("update() and delete() report what they changed", async () => {
  const updated = await db.update(items).set({ qty: 6, meta: { b: 2 } }).where(eq(items.name, "full"))
    .returning({ qty: items.qty, meta: items.meta });
  assert.deepEqual(updated, [{ qty: 6, meta: { b: 2 } }]);
  const gone = await db.delete(items).where(eq(items.name, "nulls")).returning({ id: items.id });
  assert.equal(gone.length, 1);
});

await check("a transaction commits its writes", async () => {
  await db.transaction(async (tx) => {
    await tx.insert(items).values({ name: "tx-commit-1", qty: 1 });
    await tx.insert(items).values({ name: "tx-commit-2", qty: 2 });
    const seen = await tx.select({ n: sql`count(*)::int` }).from(items).where(sql`${items.name} like 'tx-commit-%'`);
    assert.equal(seen[0].n, 2, "the transaction sees its own writes");
  });
  const rows = await db.select({ n: sql`count(*)::int` }).from(items).where(sql`${items.name} like 'tx-commit-%'`);
  assert.equal(rows[0].n, 2);
});

await check("tx.rollback() and a thrown error both roll the transaction back", async () => {
  await assert.rejects(db.transaction(async (tx) => {
    await tx.insert(items).values({ name: "tx-rollback" });
    tx.rollback();
  }), TransactionRollbackError);
  await assert.rejects(db.transaction(async (tx) => {
    await tx.insert(items).values({ name: "tx-rollback" });
    throw new Error("changed my mind");
  }), /changed my mind/);
  assert.deepEqual(await db.select().from(items).where(eq(items.name, "tx-rollback")), []);
});

await check("a nested transaction rolls back to its savepoint only", async () => {
  await db.transaction(async (tx) => {
    await tx.insert(items).values({ name: "outer" });
    await assert.rejects(tx.transaction(async (inner) => {
      await inner.insert(items).values({ name: "inner" });
      inner.rollback();
    }));
  });
  const names = (await db.select({ name: items.name }).from(items).where(sql`${items.name} in ('outer', 'inner')`)).map((r) => r.name);
  assert.deepEqual(names, ["outer"]);
});

await check("a unique violation surfaces as an error naming the constraint", async () => {
  const e = await rejects(() => db.insert(items).values({ name: "full" }));
  assert.equal(e.cause?.name, "DatabaseErrorException", `the SDK's exception is the cause: ${e.cause?.name}`);
  assert.match(e.cause.message, /duplicate key.*_items_name_unique/);
});

await check("a syntax error surfaces as an error with the server's message", async () => {
  const e = await rejects(() => db.execute(sql.raw("SELEC 1")));
  assert.equal(e.cause?.name, "DatabaseErrorException");
  assert.match(e.cause.message, /syntax error/);
});

finish();
