// kysely-data-api (Kysely's Data API dialect) against the gateway, as its README shows: a DataApiDialect
// in "postgres" or "mysql" mode over an RDSData client whose endpoint is the gateway. Schema builder,
// raw sql, inserts and selects with every value Kysely serialises (and the Data API value objects it
// passes through), transactions and errors. Run by io.dbgateway.dataapi.*DataApiClientsTest.
import { RDSData } from "@aws-sdk/client-rds-data";
import { Kysely, sql } from "kysely";
import { DataApiDialect } from "kysely-data-api";
import assert from "node:assert/strict";
import { check, finish, forEach, rejects } from "../harness.mjs";
import { ARN, awsCredentials, env, JSON_VALUES, P, POSTGRES } from "./clients.mjs";

const db = new Kysely({
  dialect: new DataApiDialect({
    mode: POSTGRES ? "postgres" : "mysql",
    driver: {
      client: new RDSData({ endpoint: env.GATEWAY_URL, region: "us-east-1", maxAttempts: 1, credentials: awsCredentials }),
      database: env.DATABASE, secretArn: ARN.secretArn, resourceArn: ARN.resourceArn,
    },
  }),
});
const T = `${P}_items`;

const SEEN = new Date("2024-01-31T23:59:30.123Z");
const BYTES = Buffer.from([0, 1, 2, 254, 255]);
const UID = "6f1c3a2e-9b7d-4c1e-8f00-0123456789ab";
const decimal = (text) => ({ value: { stringValue: text }, typeHint: "DECIMAL" });
const full = {
  name: "full", qty: 5, big: 1234567890123, ratio: 3.25, price: decimal("12345.67"), active: true,
  born: { value: { stringValue: "2024-02-29" }, typeHint: "DATE" }, seen: SEEN, meta: JSON.stringify({ a: [1, 2], b: "x" }),
  data: BYTES, uid: { value: { stringValue: UID }, typeHint: "UUID" },
};

await check("the schema builder creates a table through the Data API", async () => {
  await db.schema.createTable(T)
    .addColumn("id", POSTGRES ? "serial" : "integer", (c) => (POSTGRES ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("name", "varchar(100)", (c) => c.notNull().unique())
    .addColumn("qty", "integer")
    .addColumn("big", "bigint")
    .addColumn("ratio", POSTGRES ? "double precision" : sql`double`)
    .addColumn("price", "decimal(12, 2)")
    .addColumn("active", "boolean")
    .addColumn("born", "date")
    .addColumn("seen", POSTGRES ? sql`timestamp(3)` : sql`datetime(3)`)
    .addColumn("meta", POSTGRES ? "jsonb" : "json")
    .addColumn("data", POSTGRES ? "bytea" : "blob")
    .addColumn("uid", "uuid")
    .addColumn("tags", POSTGRES ? sql`integer[]` : "text")
    .execute();
  await db.schema.createIndex(`${T}_born`).on(T).column("born").execute();
});

await check("raw sql runs a script without parameters and answers its last statement", async () => {
  const r = await sql.raw(`DROP TABLE IF EXISTS ${P}_scratch; CREATE TABLE ${P}_scratch (id int);`
    + ` INSERT INTO ${P}_scratch VALUES (1), (2); SELECT count(*) AS n FROM ${P}_scratch`).execute(db);
  assert.equal(Number(r.rows[0].n), 2);
});

let fullId;
await check("insertInto() binds every value Kysely serialises", async () => {
  if (POSTGRES) {
    const row = await db.insertInto(T).values(full).returning(["id", "name"]).executeTakeFirstOrThrow();
    fullId = row.id;
    assert.equal(row.name, "full");
  } else {
    const r = await db.insertInto(T).values(full).executeTakeFirstOrThrow();
    assert.equal(r.numInsertedOrUpdatedRows, 1n);
    fullId = Number(r.insertId);
  }
  assert.ok(fullId >= 1, `the generated id: ${fullId}`);
});

await check("selectFrom() reads every column back as JavaScript values", async () => {
  const row = await db.selectFrom(T).selectAll().where("id", "=", fullId).executeTakeFirstOrThrow();
  assert.equal(row.name, "full");
  assert.equal(row.qty, 5);
  assert.equal(row.big, 1234567890123);
  assert.equal(row.ratio, 3.25);
  assert.equal(row.price, "12345.67");
  assert.equal(row.active, true);
  assert.deepEqual(row.born, new Date("2024-02-29T00:00:00Z"), "a date is parsed by its typeName");
  assert.deepEqual(row.seen, POSTGRES ? SEEN : "2024-01-31 23:59:30.123", "a timestamp is parsed, MySQL's DATETIME is not");
  assert.deepEqual(row.meta, { a: [1, 2], b: "x" }, "a JSON column is parsed by its typeName");
  assert.deepEqual(Buffer.from(row.data), BYTES);
  assert.equal(row.uid, UID);
});

await check("a where() with a parameter of every kind finds the row", async () => {
  const rows = await db.selectFrom(T).select("id")
    .where("name", "=", "full").where("qty", "=", 5).where("big", "=", 1234567890123).where("ratio", "=", 3.25)
    .where("price", "=", decimal("12345.67")).where("active", "=", true).where("seen", "=", SEEN)
    .where("born", "=", { value: { stringValue: "2024-02-29" }, typeHint: "DATE" })
    .where("data", "=", BYTES).where("uid", "=", { value: { stringValue: UID }, typeHint: "UUID" })
    .where(sql`${sql.ref("meta")} = ${sql`${JSON.stringify({ a: [1, 2], b: "x" })}`}${POSTGRES ? sql`::jsonb` : sql``}`)
    .where("tags", "is", null)
    .execute();
  assert.deepEqual(rows, [{ id: fullId }]);
});

await check("null binds in every column", async () => {
  await db.insertInto(T).values({ name: "nulls", qty: null, big: null, ratio: null, price: null, active: null, born: null,
    seen: null, meta: null, data: null, uid: null, tags: null }).execute();
  const row = await db.selectFrom(T).selectAll().where("name", "=", "nulls").executeTakeFirstOrThrow();
  for (const [k, v] of Object.entries(row)) if (!["id", "name"].includes(k)) assert.equal(v, null, k);
});

await check("a select of parameters gives each value back", async () => {
  const row = POSTGRES
    ? await sql`SELECT ${"text"}::text AS s, ${7}::int AS i, ${1.5}::float8 AS d, ${false}::boolean AS b, ${null} AS n`.execute(db)
    : await sql`SELECT ${"text"} AS s, ${7} AS i, ${1.5} AS d, ${false} AS b, ${null} AS n`.execute(db);
  assert.deepEqual(row.rows[0], { s: "text", i: 7, d: 1.5, b: POSTGRES ? false : 0, n: null });
});

if (POSTGRES) {
  await check("arrayValue parameters bind to array columns, which come back as arrays", async () => {
    await db.updateTable(T).set({ tags: { value: { arrayValue: { longValues: [1, 2, 3] } } } }).where("id", "=", fullId).execute();
    const row = await db.selectFrom(T).select("tags").where("id", "=", fullId).executeTakeFirstOrThrow();
    assert.deepEqual(row.tags, [1, 2, 3]);
    const found = await db.selectFrom(T).select("id")
      .where(sql`tags @> ${{ value: { arrayValue: { longValues: [2, 3] } } }}`).execute();
    assert.deepEqual(found, [{ id: fullId }]);
  });

  // Kysely cannot send a nested array as a parameter ("QueryCompilerError: Could not serialize value"):
  // the AWS SDK checks send nested arrayValue parameters.
  await check("a two-dimensional array comes back nested", async () => {
    const r = await sql`SELECT ARRAY[[1, 2], [3, 4]] AS grid`.execute(db);
    assert.deepEqual(r.rows[0].grid, [[1, 2], [3, 4]]);
  });
}

await check("a JSON array, string or number comes back as itself", async () => {
  await forEach(JSON_VALUES, async (meta) => {
    const name = `json ${JSON.stringify(meta)}`;
    await db.insertInto(T).values({ name, meta: JSON.stringify(meta) }).execute();
    const row = await db.selectFrom(T).select("meta").where("name", "=", name).executeTakeFirstOrThrow();
    assert.deepEqual(row.meta, meta);
  });
});

await check("updateTable() and deleteFrom() report the rows they changed", async () => {
  const updated = await db.updateTable(T).set({ qty: 6 }).where("name", "in", ["full", "nulls"]).executeTakeFirstOrThrow();
  assert.equal(updated.numUpdatedRows, 2n);
  const deleted = await db.deleteFrom(T).where("name", "=", "nulls").executeTakeFirstOrThrow();
  assert.equal(deleted.numDeletedRows, 1n);
});

const countLike = async (pattern, on = db) =>
  Number((await on.selectFrom(T).select((eb) => eb.fn.countAll().as("n")).where("name", "like", pattern).executeTakeFirstOrThrow()).n);

await check("a transaction commits its writes", async () => {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto(T).values({ name: "tx-commit-1" }).execute();
    await trx.insertInto(T).values({ name: "tx-commit-2" }).execute();
    assert.equal(await countLike("tx-commit-%", trx), 2, "the transaction sees its own writes");
  });
  assert.equal(await countLike("tx-commit-%"), 2);
});

await check("an error thrown in a transaction rolls it back", async () => {
  await assert.rejects(db.transaction().execute(async (trx) => {
    await trx.insertInto(T).values({ name: "tx-rollback" }).execute();
    throw new Error("changed my mind");
  }), /changed my mind/);
  assert.equal(await countLike("tx-rollback"), 0);
});

await check("a unique violation surfaces as DatabaseErrorException with the server's message", async () => {
  const e = await rejects(() => db.insertInto(T).values({ name: "full" }).execute());
  assert.equal(e.name, "DatabaseErrorException");
  assert.match(e.message, POSTGRES ? /duplicate key value violates unique constraint/ : /Duplicate entry 'full'/);
});

await check("a syntax error surfaces as DatabaseErrorException with the server's message", async () => {
  const e = await rejects(() => sql`SELEC 1`.execute(db));
  assert.equal(e.name, "DatabaseErrorException");
  assert.match(e.message, /syntax/);
});

finish();
