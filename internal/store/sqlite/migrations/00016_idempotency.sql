-- +goose Up
-- Idempotency-Key of the commands that buy or change billing
-- (internal/store/idempotency.go): per customer and key, the command and
-- the fingerprint of its parameters, the attempt holding it (request_id,
-- its lease locked_until in Unix milliseconds) and, once answered, the
-- answer. Kept 24 hours (created_at, Unix milliseconds).
CREATE TABLE idempotency_keys (
    customer_id  INTEGER NOT NULL,
    key          TEXT    NOT NULL,
    command      TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,
    request_id   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    done         INTEGER NOT NULL DEFAULT 0,
    status       INTEGER NOT NULL DEFAULT 0,
    body         BLOB,
    PRIMARY KEY (customer_id, key)
) STRICT;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
