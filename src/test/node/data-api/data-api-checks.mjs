// Drives the gateway's RDS Data API endpoints with the real AWS SDK for JavaScript v3, unchanged but
// for its endpoint. Run by io.dbgateway.dataapi.DataApiSdkTck, which starts the gateway and creates the
// tables. Prints "ok <check>" or "FAIL <check>: <why>" per check (../harness.mjs); exits 1 when any failed.
//
// Environment: GATEWAY_URL, KEY_ID and SECRET (a write key), READ_KEY_ID and READ_SECRET (a read key),
// TYPES_TABLE (every column type), AUTO_TABLE (an auto-generated id and a name), GENERATES_KEYS ("true"
// where the engine reports generated keys of an INSERT), ARRAYS ("true" where the engine has array
// types: PostgreSQL's json and multi-dimensional arrays are checked with them), YEAR_TABLE (where the
// engine has MySQL's YEAR: a table whose column y holds 2017), DATABASE (the gateway's DB_NAME), MODE
// ("all", or "wrong-secret": only check that a wrong secret is refused).
import {
  RDSDataClient, ExecuteStatementCommand, BatchExecuteStatementCommand, BeginTransactionCommand,
  CommitTransactionCommand, RollbackTransactionCommand,
} from "@aws-sdk/client-rds-data";
import assert from "node:assert/strict";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@smithy/core/checksum";
import { check, finish } from "../harness.mjs";

const env = process.env;
const T = env.TYPES_TABLE;
const A = env.AUTO_TABLE;
const ARN = { resourceArn: "arn:aws:rds:us-east-1:123456789012:cluster:gateway", secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:gw", database: env.DATABASE };
const client = clientWith(env.SECRET);

function clientWith(secret, accessKeyId = env.KEY_ID) {
  return new RDSDataClient({
    endpoint: env.GATEWAY_URL, region: "us-east-1", maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey: secret },
  });
}

/**
 * One ExecuteStatement signed once (as the AWS SDK v2 signs two identical calls in one second alike, or as
 * a captured request is sent again): each call of the answer sends those very bytes.
 */
async function signedOnce(sql) {
  const url = new URL(env.GATEWAY_URL);
  const body = JSON.stringify({ ...ARN, sql });
  const signer = new SignatureV4({ credentials: { accessKeyId: env.KEY_ID, secretAccessKey: env.SECRET },
    region: "us-east-1", service: "rds-data", sha256: Sha256 });
  const signed = await signer.sign({ method: "POST", protocol: url.protocol, hostname: url.hostname,
    port: Number(url.port), path: "/Execute", query: {}, headers: { host: url.host, "content-type": "application/json" },
    body });
  return () => fetch(new URL("/Execute", url), { method: "POST", headers: signed.headers, body });
}

const execute = (sql, parameters, more = {}) => client.send(new ExecuteStatementCommand({ ...ARN, sql, parameters, ...more }));

/** Expects the call to throw the Data API exception `name` (the SDK's class of that name). */
async function throws(call, name, status) {
  try {
    await call();
  } catch (e) {
    assert.equal(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
    assert.ok(e.message && e.message !== "UnknownError", `the exception carries the gateway's message: ${e.message}`);
    if (status) assert.equal(e.$metadata.httpStatusCode, status);
    return e;
  }
  assert.fail(`expected ${name}, but the call succeeded`);
}

const UUID = "6f1c3a2e-9b7d-4c1e-8f00-0123456789ab";
const BYTES = Uint8Array.from([0, 1, 2, 254, 255]);
const everyType = (id) => [
  { name: "id", value: { longValue: id } },
  { name: "b", value: { booleanValue: true } },
  { name: "n", value: { longValue: 1234567890123 } },
  { name: "d", value: { doubleValue: 3.25 } },
  { name: "amount", value: { stringValue: "12345.678" }, typeHint: "DECIMAL" },
  { name: "s", value: { stringValue: "héllo ✓" } },
  { name: "ts", value: { stringValue: "2024-01-31 23:59:30.123" }, typeHint: "TIMESTAMP" },
  { name: "dt", value: { stringValue: "2024-02-29" }, typeHint: "DATE" },
  { name: "tm", value: { stringValue: "13:14:15" }, typeHint: "TIME" },
  { name: "u", value: { stringValue: UUID }, typeHint: "UUID" },
  { name: "j", value: { stringValue: '{"a": [1, 2], "b": "x"}' }, typeHint: "JSON" },
  { name: "bl", value: { blobValue: BYTES } },
];
const COLUMNS = "id, b, n, d, amount, s, ts, dt, tm, u, j, bl";
const INSERT = `INSERT INTO ${T} (${COLUMNS}) VALUES (:id, :b, :n, :d, :amount, :s, :ts, :dt, :tm, :u, :j, :bl)`;

async function all() {
  await check("every Field type and typeHint binds on INSERT", async () => {
    const r = await execute(INSERT, everyType(1));
    assert.equal(r.numberOfRecordsUpdated, 1);
    assert.equal(r.records, undefined);
  });

  await check("isNull binds NULL in every column", async () => {
    const nulls = everyType(2).map((p) => (p.name === "id" ? p : { name: p.name, value: { isNull: true }, typeHint: p.typeHint }));
    assert.equal((await execute(INSERT, nulls)).numberOfRecordsUpdated, 1);
  });

  await check("records come back as typed Fields", async () => {
    const r = await execute(`SELECT ${COLUMNS} FROM ${T} WHERE id = :id`, [{ name: "id", value: { longValue: 1 } }]);
    assert.equal(r.records.length, 1);
    const [id, b, n, d, amount, s, ts, dt, tm, u, j, bl] = r.records[0];
    assert.deepEqual(id, { longValue: 1 });
    assert.deepEqual(b, { booleanValue: true });
    assert.deepEqual(n, { longValue: 1234567890123 });
    assert.deepEqual(d, { doubleValue: 3.25 });
    assert.deepEqual(amount, { stringValue: "12345.678" });
    assert.deepEqual(s, { stringValue: "héllo ✓" });
    assert.deepEqual(ts, { stringValue: "2024-01-31 23:59:30.123" });
    assert.deepEqual(dt, { stringValue: "2024-02-29" });
    assert.deepEqual(tm, { stringValue: "13:14:15" });
    assert.deepEqual(u, { stringValue: UUID });
    assert.deepEqual(JSON.parse(j.stringValue), { a: [1, 2], b: "x" });
    assert.deepEqual(Object.keys(bl), ["blobValue"]);
    assert.deepEqual(Array.from(bl.blobValue), Array.from(BYTES));
    assert.equal(r.columnMetadata, undefined);
  });

  await check("NULLs come back as isNull", async () => {
    const r = await execute(`SELECT ${COLUMNS} FROM ${T} WHERE id = 2`);
    r.records[0].slice(1).forEach((field, i) => assert.deepEqual(field, { isNull: true }, `column ${i + 1}`));
  });

  await check("a JSON column is the stringValue of its text, whatever its top level", async () => {
    const documents = ['[1, "two", null]', '"str"', "5", "true", '{"k": [1, {"n": null}]}'];
    for (const [i, text] of documents.entries()) {
      await execute(`INSERT INTO ${T} (id, j) VALUES (:id, :j)`,
        [{ name: "id", value: { longValue: 20 + i } }, { name: "j", value: { stringValue: text }, typeHint: "JSON" }]);
    }
    const r = await execute(`SELECT j FROM ${T} WHERE id >= 20 AND id < 30 ORDER BY id`, [], { includeResultMetadata: true });
    assert.deepEqual(r.records.map((row) => Object.keys(row[0])), documents.map(() => ["stringValue"]), JSON.stringify(r.records));
    assert.deepEqual(r.records.map((row) => JSON.parse(row[0].stringValue)), documents.map((text) => JSON.parse(text)));
    assert.match(r.columnMetadata[0].typeName, /^(jsonb|JSON)$/);
    const formatted = JSON.parse((await execute(`SELECT j FROM ${T} WHERE id = 21`, [], { formatRecordsAs: "JSON" })).formattedRecords);
    assert.deepEqual(formatted, [{ j: '"str"' }]);
  });

  if (env.YEAR_TABLE) {
    await check("a YEAR is a stringValue, as the Data API's drivers read it", async () => {
      const r = await execute(`SELECT y FROM ${env.YEAR_TABLE}`, [], { includeResultMetadata: true });
      assert.deepEqual(r.records, [[{ stringValue: "2017" }]]);
      assert.equal(r.columnMetadata[0].typeName, "YEAR");
    });
  }

  await check("typeHints type parameters in SELECT, and bad typed values are BadRequestException", async () => {
    const r = await execute("SELECT :d AS d, :t AS t, :u AS u", [
      { name: "d", value: { stringValue: "1.50" }, typeHint: "DECIMAL" },
      { name: "t", value: { stringValue: "2024-01-31 10:00:00" }, typeHint: "TIMESTAMP" },
      { name: "u", value: { stringValue: UUID }, typeHint: "UUID" },
    ]);
    assert.deepEqual(r.records[0][0], { stringValue: "1.50" });
    assert.match(r.records[0][1].stringValue, /^2024-01-31[ T]10:00:00/);
    assert.deepEqual(r.records[0][2], { stringValue: UUID });
    await throws(() => execute("SELECT :t AS t", [{ name: "t", value: { stringValue: "not a time" }, typeHint: "TIMESTAMP" }]), "BadRequestException", 400);
    await throws(() => execute("SELECT :u AS u", [{ name: "u", value: { stringValue: "nope" }, typeHint: "UUID" }]), "BadRequestException", 400);
    await throws(() => execute("SELECT :j AS j", [{ name: "j", value: { stringValue: "{oops" }, typeHint: "JSON" }]), "BadRequestException", 400);
  });

  await check("includeResultMetadata describes every column", async () => {
    const r = await execute(`SELECT id, amount, s, bl FROM ${T} WHERE id = 1`, [], { includeResultMetadata: true });
    assert.deepEqual(r.columnMetadata.map((c) => c.name), ["id", "amount", "s", "bl"]);
    assert.deepEqual(r.columnMetadata.map((c) => c.label), ["id", "amount", "s", "bl"]);
    const [id, amount, s, bl] = r.columnMetadata;
    assert.equal(id.type, 4, "INTEGER");
    assert.ok([2, 3].includes(amount.type), `NUMERIC or DECIMAL, was ${amount.type}`);
    assert.equal(s.type, 12, "VARCHAR");
    assert.ok([-2, -3, -4, 2004].includes(bl.type), `a binary type, was ${bl.type}`);
    for (const c of r.columnMetadata) {
      assert.ok(typeof c.typeName === "string" && c.typeName.length > 0, `typeName of ${c.name}`);
      assert.ok([0, 1, 2].includes(c.nullable), `nullable of ${c.name}: ${c.nullable}`);
      for (const k of ["precision", "scale", "arrayBaseColumnType"]) assert.equal(typeof c[k], "number", `${k} of ${c.name}`);
      for (const k of ["isSigned", "isAutoIncrement", "isCaseSensitive", "isCurrency"]) assert.equal(typeof c[k], "boolean", `${k} of ${c.name}`);
    }
    assert.equal(id.isSigned, true);
    assert.equal(s.isSigned, false);
    assert.equal(r.records.length, 1);
    const empty = await execute(`SELECT id, s FROM ${T} WHERE id = -1`, [], { includeResultMetadata: true });
    assert.deepEqual(empty.records, []);
    assert.deepEqual(empty.columnMetadata.map((c) => c.name), ["id", "s"], "a SELECT without rows still describes its columns");
  });

  await check("formatRecordsAs JSON returns formattedRecords instead of records", async () => {
    const r = await execute(`SELECT id, amount, s, dt, bl, b FROM ${T} ORDER BY id`, [], { formatRecordsAs: "JSON" });
    assert.equal(r.records, undefined);
    const rows = JSON.parse(r.formattedRecords);
    assert.deepEqual(rows[0], { id: 1, amount: "12345.678", s: "héllo ✓", dt: "2024-02-29", bl: Buffer.from(BYTES).toString("base64"), b: true });
    assert.deepEqual(rows[1], { id: 2, amount: null, s: null, dt: null, bl: null, b: null });
  });

  await check("resultSetOptions return decimals as numbers and longs as strings", async () => {
    const r = await execute(`SELECT id, amount FROM ${T} WHERE id = 1`, [],
      { resultSetOptions: { decimalReturnType: "DOUBLE_OR_LONG", longReturnType: "STRING" } });
    assert.deepEqual(r.records[0], [{ stringValue: "1" }, { doubleValue: 12345.678 }]);
  });

  await check("UPDATE reports numberOfRecordsUpdated; an empty transactionId means none", async () => {
    const r = await execute(`UPDATE ${T} SET s = :s WHERE id IN (1, 2)`, [{ name: "s", value: { stringValue: "both" } }],
      { transactionId: "", includeResultMetadata: true });
    assert.equal(r.numberOfRecordsUpdated, 2);
    assert.equal(r.records, undefined);
    assert.equal(r.columnMetadata, undefined, "no result set, no columnMetadata (kysely-data-api tells DML by it)");
  });

  await check("parameters named :0, :1 (as Drizzle's and Kysely's Data API drivers name them) bind", async () => {
    const r = await execute(`SELECT s FROM ${T} WHERE id = :0 AND s = :1`,
      [{ name: "0", value: { longValue: 1 } }, { name: "1", value: { stringValue: "both" } }]);
    assert.equal(r.records.length, 1, JSON.stringify(r));
    assert.equal(r.records[0][0].stringValue, "both");
  });

  await check("a signed request sent again may only read: a repeated INSERT is refused, a repeated SELECT answers", async () => {
    const insert = await signedOnce(`INSERT INTO ${A} (name) VALUES ('sent-thrice')`);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await insert()).status);
    assert.deepEqual(statuses, [200, 403, 403]);
    const count = await execute(`SELECT COUNT(*) AS n FROM ${A} WHERE name = :name`, [{ name: "name", value: { stringValue: "sent-thrice" } }]);
    assert.equal(Number(count.records[0][0].longValue), 1, JSON.stringify(count));
    const select = await signedOnce("SELECT 7 AS seven");
    const first = await select();
    const again = await select();
    assert.deepEqual([first.status, again.status], [200, 200]);
    assert.deepEqual((await again.json()).records, [[{ longValue: 7 }]]);
  });

  await check("a script without parameters (schema set-up) runs whole and answers its last statement", async () => {
    const t = `${T}_script`;
    const r = await execute(`DROP TABLE IF EXISTS ${t}; CREATE TABLE ${t} (id INTEGER); INSERT INTO ${t} (id) VALUES (7);`
      + ` SELECT id FROM ${t};`, []);
    assert.equal(r.records.length, 1, JSON.stringify(r));
    assert.equal(r.records[0][0].longValue, 7);
    await execute(`DROP TABLE ${t}`, []);
    await throws(() => execute("SELECT :a; SELECT 2", [{ name: "a", value: { longValue: 1 } }]), "BadRequestException", 400);
  });

  await check("INSERT reports generatedFields where the engine generates keys", async () => {
    const r = await execute(`INSERT INTO ${A} (name) VALUES (:name)`, [{ name: "name", value: { stringValue: "first" } }]);
    assert.equal(r.numberOfRecordsUpdated, 1);
    if (env.GENERATES_KEYS === "true") {
      assert.equal(r.generatedFields.length, 1);
      assert.ok(r.generatedFields[0].longValue >= 1, JSON.stringify(r.generatedFields));
    } else {
      assert.deepEqual(r.generatedFields ?? [], []);
    }
  });

  await check("BatchExecute runs every parameter set in one go", async () => {
    const sets = ["b1", "b2", "b3"].map((name) => [{ name: "name", value: { stringValue: name } }]);
    const r = await client.send(new BatchExecuteStatementCommand({ ...ARN, sql: `INSERT INTO ${A} (name) VALUES (:name)`, parameterSets: sets }));
    assert.equal(r.updateResults.length, 3);
    for (const u of r.updateResults) {
      assert.equal(u.generatedFields.length, env.GENERATES_KEYS === "true" ? 1 : 0, JSON.stringify(r.updateResults));
    }
    const count = await execute(`SELECT COUNT(*) AS n FROM ${A} WHERE name LIKE 'b%'`);
    assert.equal(count.records[0][0].longValue, 3);
  });

  await check("BatchExecute with typed and blob parameters", async () => {
    const sets = [10, 11].map((id) => everyType(id));
    const r = await client.send(new BatchExecuteStatementCommand({ ...ARN, sql: INSERT, parameterSets: sets }));
    assert.equal(r.updateResults.length, 2);
    const back = await execute(`SELECT bl, amount FROM ${T} WHERE id = 11`);
    assert.deepEqual(Array.from(back.records[0][0].blobValue), Array.from(BYTES));
    assert.deepEqual(back.records[0][1], { stringValue: "12345.678" });
  });

  const countOf = async (name, transactionId) =>
    (await execute(`SELECT COUNT(*) AS n FROM ${A} WHERE name = :name`, [{ name: "name", value: { stringValue: name } }],
      transactionId ? { transactionId } : {})).records[0][0].longValue;

  await check("a committed transaction keeps its writes", async () => {
    const { transactionId } = await client.send(new BeginTransactionCommand(ARN));
    assert.ok(typeof transactionId === "string" && transactionId.length > 0);
    await execute(`INSERT INTO ${A} (name) VALUES (:name)`, [{ name: "name", value: { stringValue: "tx-commit" } }], { transactionId });
    await client.send(new BatchExecuteStatementCommand({ ...ARN, transactionId, sql: `INSERT INTO ${A} (name) VALUES (:name)`,
      parameterSets: [[{ name: "name", value: { stringValue: "tx-commit" } }]] }));
    assert.equal(await countOf("tx-commit", transactionId), 2, "the transaction sees its own writes");
    const done = await client.send(new CommitTransactionCommand({ resourceArn: ARN.resourceArn, secretArn: ARN.secretArn, transactionId }));
    assert.equal(done.transactionStatus, "Transaction Committed");
    assert.equal(await countOf("tx-commit"), 2);
    await throws(() => client.send(new CommitTransactionCommand({ ...ARN, transactionId })), "TransactionNotFoundException", 404);
  });

  await check("a rolled back transaction leaves nothing", async () => {
    const { transactionId } = await client.send(new BeginTransactionCommand(ARN));
    await execute(`INSERT INTO ${A} (name) VALUES (:name)`, [{ name: "name", value: { stringValue: "tx-rollback" } }], { transactionId });
    const done = await client.send(new RollbackTransactionCommand({ ...ARN, transactionId }));
    assert.equal(done.transactionStatus, "Rollback Complete");
    assert.equal(await countOf("tx-rollback"), 0);
    await throws(() => execute("SELECT 1 AS one", [], { transactionId }), "TransactionNotFoundException", 404);
  });

  await check("an unknown transaction is TransactionNotFoundException", async () => {
    await throws(() => execute("SELECT 1 AS one", [], { transactionId: "no-such-transaction" }), "TransactionNotFoundException", 404);
    await throws(() => client.send(new RollbackTransactionCommand({ ...ARN, transactionId: "no-such-transaction" })), "TransactionNotFoundException", 404);
  });

  await check("SQL errors are DatabaseErrorException", async () => {
    await throws(() => execute("SELEC 1"), "DatabaseErrorException", 400);
    await throws(() => execute("SELECT * FROM no_such_table_dataapi"), "DatabaseErrorException", 400);
    await throws(() => execute(INSERT, everyType(1)), "DatabaseErrorException", 409); // duplicate key: CONFLICT
  });

  if (env.ARRAYS === "true") {
    await check("arrays come back as arrayValue and bind from arrayValue parameters", async () => {
      const r = await execute("SELECT ARRAY[1, 2, 3] AS l, ARRAY['x', 'y'] AS s, ARRAY[1.5, 2.5]::float8[] AS d,"
        + " ARRAY[true, false] AS b, ARRAY[NULL, 'z'] AS z, cardinality(:p::int[]) AS c",
        [{ name: "p", value: { arrayValue: { longValues: [7, 8, 9, 10] } } }]);
      assert.deepEqual(r.records[0], [
        { arrayValue: { longValues: [1, 2, 3] } }, { arrayValue: { stringValues: ["x", "y"] } },
        { arrayValue: { doubleValues: [1.5, 2.5] } }, { arrayValue: { booleanValues: [true, false] } },
        { arrayValue: { stringValues: [null, "z"] } }, { longValue: 4 }]);
    });
  }

  if (env.ARRAYS === "true") {
    await check("multi-dimensional arrays come back as nested arrayValues, in records and formattedRecords", async () => {
      const sql = "SELECT ARRAY[[1, 2], [3, 4]] AS i, ARRAY[['a', 'b'], ['c', NULL]] AS t, ARRAY[[1.5, 2.5]]::float8[] AS d,"
        + " ARRAY[[[true]], [[false]]] AS b, ARRAY[[1.25]]::numeric[] AS n";
      const r = await execute(sql);
      assert.deepEqual(r.records[0], [
        { arrayValue: { arrayValues: [{ longValues: [1, 2] }, { longValues: [3, 4] }] } },
        { arrayValue: { arrayValues: [{ stringValues: ["a", "b"] }, { stringValues: ["c", null] }] } },
        { arrayValue: { arrayValues: [{ doubleValues: [1.5, 2.5] }] } },
        { arrayValue: { arrayValues: [{ arrayValues: [{ booleanValues: [true] }] }, { arrayValues: [{ booleanValues: [false] }] }] } },
        { arrayValue: { arrayValues: [{ stringValues: ["1.25"] }] } }]);
      const rows = JSON.parse((await execute(sql, [], { formatRecordsAs: "JSON" })).formattedRecords);
      assert.deepEqual(rows, [{ i: [[1, 2], [3, 4]], t: [["a", "b"], ["c", null]], d: [[1.5, 2.5]], b: [[[true]], [[false]]], n: [["1.25"]] }]);
    });

    await check("a nested arrayValue parameter binds a multi-dimensional array", async () => {
      const grid = { arrayValue: { arrayValues: [{ longValues: [5, 6] }, { longValues: [7, 8] }] } };
      const r = await execute("SELECT CAST(:g AS int[]) AS g", [{ name: "g", value: grid }]);
      assert.deepEqual(r.records[0][0], grid);
    });

    await check("json, jsonb and json[] values are JSON text", async () => {
      const r = await execute(`SELECT '[1, 2]'::json AS a, '"s"'::jsonb AS b, '5'::json AS c, ARRAY['{"x": 1}', '"y"']::jsonb[] AS d`,
        [], { includeResultMetadata: true });
      assert.deepEqual(r.records[0].slice(0, 3).map((f) => Object.keys(f)), [["stringValue"], ["stringValue"], ["stringValue"]]);
      assert.deepEqual(JSON.parse(r.records[0][0].stringValue), [1, 2]);
      assert.equal(r.records[0][1].stringValue, '"s"');
      assert.equal(r.records[0][2].stringValue, "5");
      assert.deepEqual(r.records[0][3].arrayValue.stringValues.map((t) => JSON.parse(t)), [{ x: 1 }, "y"]);
      assert.deepEqual(r.columnMetadata.map((c) => c.typeName), ["json", "jsonb", "json", "_jsonb"]);
    });
  }

  await check("a read key reads but cannot write through the Data API", async () => {
    const reader = clientWith(env.READ_SECRET, env.READ_KEY_ID);
    const r = await reader.send(new ExecuteStatementCommand({ ...ARN, sql: `SELECT COUNT(*) AS n FROM ${T}` }));
    assert.ok(r.records[0][0].longValue >= 2);
    await throws(() => reader.send(new ExecuteStatementCommand({ ...ARN, sql: `DELETE FROM ${T}` })), "ForbiddenException", 403);
    await throws(() => reader.send(new BatchExecuteStatementCommand({ ...ARN, sql: `INSERT INTO ${A} (name) VALUES (:n)`,
      parameterSets: [[{ name: "n", value: { stringValue: "by-reader" } }]] })), "ForbiddenException", 403);
    assert.ok((await execute(`SELECT COUNT(*) AS n FROM ${T}`)).records[0][0].longValue >= 2, "nothing was deleted");
  });

  await check("malformed requests are BadRequestException", async () => {
    await throws(() => execute(`SELECT id FROM ${T} WHERE id = :id`, []), "BadRequestException", 400);
    await throws(() => execute("SELECT :x AS x", [{ name: "x", value: { longValue: 1, stringValue: "2" } }]), "BadRequestException", 400);
    await throws(() => execute("SELECT :x AS x", [{ name: "x", value: { stringValue: "2" }, typeHint: "MONEY" }]), "BadRequestException", 400);
    await throws(() => execute("   "), "BadRequestException", 400);
    await throws(() => client.send(new CommitTransactionCommand({ ...ARN, transactionId: "" })), "BadRequestException", 400);
  });

  await check("a database the gateway does not serve is BadRequestException naming GATEWAY_DATABASES", async () => {
    const e = await throws(() => execute("SELECT 1", [], { database: "not_served_here" }), "BadRequestException", 400);
    assert.match(e.message, /GATEWAY_DATABASES/);
    await throws(() => client.send(new BeginTransactionCommand({ ...ARN, database: "not_served_here" })), "BadRequestException", 400);
  });
}

async function wrongSecret() {
  await check("a wrong secret is refused with 403", async () => {
    const e = await throws(() => clientWith(env.SECRET + "-wrong").send(new ExecuteStatementCommand({ ...ARN, sql: "SELECT 1 AS one" })),
      "ForbiddenException", 403);
    assert.match(e.message, /signature/);
  });
  await check("the right secret is accepted", async () => {
    const r = await execute("SELECT 1 AS one");
    assert.deepEqual(r.records, [[{ longValue: 1 }]]);
  });
}

await (env.MODE === "wrong-secret" ? wrongSecret() : all());
finish();
