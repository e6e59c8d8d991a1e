-- Idempotency keys are scoped by the API key that used them (issue #12): the same Idempotency-Key sent
-- by two callers names two requests. SQLite cannot change a primary key in place: the table is rebuilt.
-- Keys recorded before this migration keep the empty scope, which no caller has.
CREATE TABLE dbgateway_idempotency_scoped (
    scope        VARCHAR(255) NOT NULL DEFAULT '',
    idem_key     VARCHAR(255) NOT NULL,
    operation    VARCHAR(32)  NOT NULL,
    request_hash CHAR(64)     NOT NULL,
    response     TEXT,
    created_at   BIGINT       NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
INSERT INTO dbgateway_idempotency_scoped (scope, idem_key, operation, request_hash, response, created_at)
    SELECT '', idem_key, operation, request_hash, response, created_at FROM dbgateway_idempotency;
DROP TABLE dbgateway_idempotency;
ALTER TABLE dbgateway_idempotency_scoped RENAME TO dbgateway_idempotency;
CREATE INDEX dbgateway_idempotency_created ON dbgateway_idempotency (created_at);
