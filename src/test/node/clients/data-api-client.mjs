// Jeremy Daly's data-api-client against the gateway, as its README shows: require('data-api-client')({
// secretArn, resourceArn, database, engine, options }) with options handed to the AWS SDK v2's
// RDSDataService (here the gateway as endpoint and the key as credentials). Native JavaScript
// parameters, casts, batch queries, transactions and errors. Run by io.dbgateway.dataapi.*DataApiClientsTest.
import AWS from "aws-sdk";
import dataApiClient from "data-api-client";
import assert from "node:assert/strict";
import { check, finish, forEach, rejects } from "../harness.mjs";
import { ARN, awsCredentials, env, JSON_VALUES, P, POSTGRES } from "./clients.mjs";

const data = dataApiClient({
  ...ARN, database: env.DATABASE, engine: POSTGRES ? "pg" : "mysql",
  options: { endpoint: env.GATEWAY_URL, region: "us-east-1", maxRetries: 0, credentials: new AWS.Credentials(awsCredentials) },
});
const T = `${P}_items`;

const SEEN = new Date("2024-01-31T23:59:30.123Z");
const BYTES = Buffer.from([0, 1, 2, 254, 255]);
const UID = "6f1c3a2e-9b7d-4c1e-8f00-0123456789ab";
const META = { a: [1, 2], b: "x" };
// The README's casts: ":p::type" on PostgreSQL, "CAST(:p AS type)" on MySQL (MariaDB has no CAST AS JSON).
const typed = [
  { name: "price", value: "12345.67", cast: POSTGRES ? "numeric" : "DECIMAL(12,2)" },
  { name: "born", value: "2024-02-29", cast: POSTGRES ? "date" : "DATE" },
  { name: "uid", value: UID, ...(POSTGRES ? { cast: "uuid" } : {}) },
  { name: "meta", value: JSON.stringify(META), ...(POSTGRES ? { cast: "jsonb" } : {}) },
];
const COLUMNS = "name, qty, big, ratio, active, seen, data, price, born, uid, meta";
const INSERT = `INSERT INTO ${T} (${COLUMNS}) VALUES (:name, :qty, :big, :ratio, :active, :seen, :data, :price, :born, :uid, :meta)`;

await check("query() creates the schema through the Data API", async () => {
  await data.query(`CREATE TABLE ${T} (id ${POSTGRES ? "SERIAL" : "INT AUTO_INCREMENT"} PRIMARY KEY,`
    + ` name VARCHAR(100) NOT NULL UNIQUE, qty INT, big BIGINT, ratio DOUBLE PRECISION, price DECIMAL(12,2),`
    + ` active BOOLEAN, born DATE, seen ${POSTGRES ? "TIMESTAMP(3)" : "DATETIME(3)"}, meta ${POSTGRES ? "JSONB" : "JSON"},`
    + ` data ${POSTGRES ? "BYTEA" : "BLOB"}, uid UUID)`);
  const r = await data.query(`SELECT COUNT(*) AS n FROM ${T}`);
  assert.deepEqual(r.records, [{ n: 0 }]);
});

await check("query() runs a script without parameters and answers its last statement", async () => {
  const r = await data.query(`DROP TABLE IF EXISTS ${P}_scratch; CREATE TABLE ${P}_scratch (id INT);`
    + ` INSERT INTO ${P}_scratch VALUES (1), (2); SELECT COUNT(*) AS n FROM ${P}_scratch`);
  assert.deepEqual(r.records, [{ n: 2 }]);
});

let fullId;
await check("an INSERT binds native values (string, numbers, boolean, Date, Buffer) and cast parameters", async () => {
  const sql = POSTGRES ? `${INSERT} RETURNING id` : INSERT;
  const r = await data.query(sql, [{ name: "full", qty: 5, big: 1234567890123, ratio: 3.25, active: true, seen: SEEN, data: BYTES }, ...typed]);
  fullId = POSTGRES ? r.records[0].id : r.insertId;
  assert.ok(fullId >= 1, `the generated id: ${JSON.stringify(r)}`);
  if (!POSTGRES) assert.equal(r.numberOfRecordsUpdated, 1);
});

await check("a SELECT hydrates column names and native values", async () => {
  const { records } = await data.query(`SELECT id, ${COLUMNS} FROM ${T} WHERE id = :id`, { id: fullId });
  assert.equal(records.length, 1);
  const row = records[0];
  assert.deepEqual({ ...row, data: undefined, meta: undefined }, {
    id: fullId, name: "full", qty: 5, big: 1234567890123, ratio: 3.25, active: true, seen: SEEN, data: undefined,
    price: "12345.67", born: new Date("2024-02-29T00:00:00Z"), uid: UID, meta: undefined,
  });
  assert.deepEqual(Buffer.from(row.data), BYTES);
  // The client parses JSON by the typeName "JSON" (MySQL's); jsonb stays text.
  assert.deepEqual(POSTGRES ? JSON.parse(row.meta) : row.meta, META);
});

await check("a WHERE with a parameter of every kind finds the row", async () => {
  const { records } = await data.query(`SELECT id FROM ${T} WHERE name = :name AND qty = :qty AND big = :big AND ratio = :ratio`
    + " AND active = :active AND seen = :seen AND data = :data AND price = :price AND born = :born AND uid = :uid"
    + ` AND meta = ${POSTGRES ? ":meta" : "JSON_COMPACT(:meta)"}`,
  [{ name: "full", qty: 5, big: 1234567890123, ratio: 3.25, active: true, seen: SEEN, data: BYTES }, ...typed]);
  assert.deepEqual(records, [{ id: fullId }]);
});

await check("null binds in every column and comes back as null", async () => {
  await data.query(INSERT, { name: "nulls", qty: null, big: null, ratio: null, active: null, seen: null, data: null,
    price: null, born: null, uid: null, meta: null });
  const { records } = await data.query(`SELECT ${COLUMNS} FROM ${T} WHERE name = :name AND born IS NULL`, { name: "nulls" });
  assert.deepEqual(records, [{ name: "nulls", qty: null, big: null, ratio: null, active: null, seen: null, data: null,
    price: null, born: null, uid: null, meta: null }]);
});

await check("raw Data API parameters pass straight through", async () => {
  const { records } = await data.query(`SELECT name FROM ${T} WHERE id = :id AND active = :active`,
    [{ id: fullId }, { name: "active", value: { booleanValue: true } }]);
  assert.deepEqual(records, [{ name: "full" }]);
});

await check("a JSON array, string or number comes back as its JSON text", async () => {
  await forEach(JSON_VALUES, async (meta) => {
    const name = `json ${JSON.stringify(meta)}`;
    await data.query(`INSERT INTO ${T} (name, meta) VALUES (:name, ${POSTGRES ? ":meta::jsonb" : ":meta"})`, { name, meta: JSON.stringify(meta) });
    const { records } = await data.query(`SELECT meta FROM ${T} WHERE name = :name`, { name });
    if (POSTGRES) assert.equal(typeof records[0].meta, "string", `jsonb is text: ${JSON.stringify(records[0].meta)}`);
    assert.deepEqual(POSTGRES ? JSON.parse(records[0].meta) : records[0].meta, meta);
  });
});

await check("nested parameter arrays run as one BatchExecuteStatement", async () => {
  const r = await data.query(`INSERT INTO ${T} (name, qty) VALUES (:name, :qty)`,
    [[{ name: "batch-1", qty: 1 }], [{ name: "batch-2", qty: 2 }], [{ name: "batch-3", qty: null }]]);
  assert.equal(r.updateResults.length, 3);
  if (!POSTGRES) r.updateResults.forEach((u) => assert.ok(u.insertId >= 1, JSON.stringify(r.updateResults)));
  const { records } = await data.query(`SELECT name, qty FROM ${T} WHERE name LIKE :p ORDER BY name`, { p: "batch-%" });
  assert.deepEqual(records, [{ name: "batch-1", qty: 1 }, { name: "batch-2", qty: 2 }, { name: "batch-3", qty: null }]);
});

await check("UPDATE and DELETE report numberOfRecordsUpdated", async () => {
  const updated = await data.query(`UPDATE ${T} SET qty = :qty WHERE name LIKE :p`, { qty: 9, p: "batch-%" });
  assert.deepEqual(updated, { numberOfRecordsUpdated: 3 });
  const deleted = await data.query(`DELETE FROM ${T} WHERE name = :name`, { name: "batch-3" });
  assert.deepEqual(deleted, { numberOfRecordsUpdated: 1 });
});

// The AWS SDK v2 signs no per-call id: the same call twice within a second carries the same signature.
await check("the same query three times in a row answers every time", async () => {
  for (let i = 0; i < 3; i++) assert.deepEqual((await data.query("SELECT 1 AS one")).records, [{ one: 1 }], `call ${i + 1}`);
});

await check("transaction().query()...commit() commits, a later query using an earlier result", async () => {
  const results = await data.transaction()
    .query(`INSERT INTO ${T} (name, qty) VALUES (:name, :qty)${POSTGRES ? " RETURNING id" : ""}`, { name: "tx-commit", qty: 1 })
    .query((r) => [`UPDATE ${T} SET qty = :qty WHERE id = :id`, { qty: 2, id: POSTGRES ? r.records[0].id : r.insertId }])
    .commit();
  assert.deepEqual(results.at(-1), { transactionStatus: "Transaction Committed" });
  assert.deepEqual((await data.query(`SELECT qty FROM ${T} WHERE name = :name`, { name: "tx-commit" })).records, [{ qty: 2 }]);
});

await check("a failing query in a transaction rolls it back and calls rollback()", async () => {
  let status;
  const e = await rejects(() => data.transaction()
    .query(`INSERT INTO ${T} (name) VALUES (:name)`, { name: "tx-rollback" })
    .query(`INSERT INTO ${T} (name) VALUES (:name)`, { name: "full" })
    .rollback((error, s) => { status = s; })
    .commit());
  assert.equal(e.code, "DatabaseErrorException", e.message);
  assert.deepEqual(status, { transactionStatus: "Rollback Complete" });
  assert.deepEqual((await data.query(`SELECT id FROM ${T} WHERE name = :name`, { name: "tx-rollback" })).records, []);
});

await check("a unique violation surfaces as DatabaseErrorException with the server's message", async () => {
  const e = await rejects(() => data.query(`INSERT INTO ${T} (name) VALUES (:name)`, { name: "full" }));
  assert.equal(e.code, "DatabaseErrorException");
  assert.match(e.message, POSTGRES ? /duplicate key value violates unique constraint/ : /Duplicate entry 'full'/);
});

await check("a syntax error surfaces as DatabaseErrorException with the server's message", async () => {
  const e = await rejects(() => data.query("SELEC 1"));
  assert.equal(e.code, "DatabaseErrorException");
  assert.match(e.message, /syntax/);
});

finish();
