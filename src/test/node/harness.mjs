// The checks' harness, shared by the Node.js packages under src/test/node: each check prints
// "ok <check>" or "FAIL <check>: <why>"; finish() prints the summary the JUnit side looks for and exits
// 1 when any check failed.
import assert from "node:assert/strict";

let failed = 0;

/** What an error says, with the HTTP status and the Data API exception behind it where the client kept them. */
export function describe(e) {
  if (e instanceof assert.AssertionError) return e.message;
  const cause = e.cause ?? e.driverError;
  const status = e.$metadata?.httpStatusCode ?? e.statusCode;
  return `${e.name}: ${e.message}${status ? ` (HTTP ${status})` : ""}${cause && cause !== e ? ` <- ${describe(cause)}` : ""}`;
}

export async function check(name, body) {
  try {
    await body();
    console.log(`ok ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${describe(e).replace(/\n/g, " ")}`);
  }
}

/** Runs `body` for every case, and fails naming each case that failed, not only the first. */
export async function forEach(cases, body) {
  const failures = [];
  for (const c of cases) {
    try {
      await body(c);
    } catch (e) {
      failures.push(`${JSON.stringify(c)}: ${describe(e).replace(/\n/g, " ")}`);
    }
  }
  if (failures.length > 0) assert.fail(failures.join("; "));
}

/** Expects `call` to reject; returns the error for further assertions. */
export async function rejects(call) {
  try {
    await call();
  } catch (e) {
    return e;
  }
  assert.fail("expected an error, but the call succeeded");
}

export function finish() {
  console.log(failed === 0 ? "all checks passed" : `${failed} check(s) failed`);
  process.exit(failed === 0 ? 0 : 1);
}
