-- The gateway's own table: idempotency keys and the results they produced.
CREATE TABLE dbgateway_idempotency (
    idem_key     VARCHAR(255) NOT NULL PRIMARY KEY,
    operation    VARCHAR(32)  NOT NULL,
    request_hash CHAR(64)     NOT NULL,
    response     MEDIUMTEXT,
    created_at   BIGINT       NOT NULL,
    INDEX dbgateway_idempotency_created (created_at)
) ENGINE = InnoDB;
