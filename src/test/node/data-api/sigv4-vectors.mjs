// Prints SigV4 test vectors computed by the AWS SDK's own signer (@smithy/signature-v4, the one
// @aws-sdk/client-rds-data uses), for SigV4VerifierTest. Run: node sigv4-vectors.mjs
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@smithy/core/checksum";

const signer = new SignatureV4({
  credentials: { accessKeyId: "gw-writer", secretAccessKey: "s3cr3t/with+chars=" },
  region: "eu-west-3",
  service: "rds-data",
  sha256: Sha256,
});
const date = new Date(Date.UTC(2024, 0, 31, 23, 59, 30));
const requests = [
  { method: "POST", path: "/Execute", query: {},
    body: JSON.stringify({ resourceArn: "arn:x", sql: "SELECT 1 AS one", includeResultMetadata: true }),
    headers: { "content-type": "application/json", "x-amz-user-agent": "aws-sdk-js/3", "amz-sdk-request": "attempt=1; max=3" } },
  { method: "POST", path: "/a%20b/../Begin%20Transaction/./x", query: { "b": "2 3", "a": ["z", "y"], "é": "ü/+" },
    body: "", headers: { "content-type": "application/json", "x-custom": "  spaced   out  value " } },
];
for (const r of requests) {
  const signed = await signer.sign({
    method: r.method, protocol: "http:", hostname: "127.0.0.1", port: 8080, path: r.path, query: r.query,
    headers: { host: "127.0.0.1:8080", ...r.headers }, body: r.body,
  }, { signingDate: date });
  console.log(JSON.stringify({ method: r.method, path: r.path, query: r.query, body: r.body, headers: signed.headers }));
}
