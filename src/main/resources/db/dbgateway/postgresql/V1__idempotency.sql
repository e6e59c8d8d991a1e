-- The gateway's own table: idempotency keys and the results they produced.
CREATE TABLE dbgateway_idempotency (
    idem_key     VARCHAR(255) PRIMARY KEY,
    operation    VARCHAR(32)  NOT NULL,
    request_hash CHAR(64)     NOT NULL,
    response     TEXT,
    created_at   BIGINT       NOT NULL
);
CREATE INDEX dbgateway_idempotency_created ON dbgateway_idempotency (created_at);
