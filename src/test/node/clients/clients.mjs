// What every client script is given by io.dbgateway.dataapi.DataApiClientsTck: GATEWAY_URL (the
// gateway's endpoint), KEY_ID and SECRET (a write key: the AWS credentials), DATABASE (the gateway's
// database), DIALECT ("postgres" or "mysql") and PREFIX (for the names of the tables a run creates).
export const env = process.env;
export const P = env.PREFIX;
export const POSTGRES = env.DIALECT === "postgres";
export const ARN = {
  resourceArn: "arn:aws:rds:us-east-1:123456789012:cluster:gateway",
  secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway",
};
export const awsCredentials = { accessKeyId: env.KEY_ID, secretAccessKey: env.SECRET };
/** JSON values of every top level but an object: each must come back as itself, not as an array Field or bare text. */
export const JSON_VALUES = [["a", 1, null], "str", 5, true];
