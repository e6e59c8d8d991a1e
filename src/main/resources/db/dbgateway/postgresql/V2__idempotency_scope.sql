-- Idempotency keys are scoped by the API key that used them (issue #12): the same Idempotency-Key sent
-- by two callers names two requests. Keys recorded before this migration keep the empty scope, which no
-- caller has: they are forgotten by the sweep as usual.
ALTER TABLE dbgateway_idempotency ADD COLUMN scope VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE dbgateway_idempotency DROP CONSTRAINT dbgateway_idempotency_pkey;
ALTER TABLE dbgateway_idempotency ADD PRIMARY KEY (scope, idem_key);
