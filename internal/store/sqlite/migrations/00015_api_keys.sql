-- +goose Up
-- Sub-keys (the api-keys extension, internal/store/apikeys.go): a
-- customer's further API keys, each with a public id, stored as the key's
-- SHA-256 (key_hash, unique: authentication finds a key by it among the
-- customer's). scope, service_ids and source_prefixes are JSON lists;
-- times are Unix seconds (expires_at 0: never, last_used_at 0: never).
CREATE TABLE api_keys (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    label           TEXT    NOT NULL,
    key_hash        BLOB    NOT NULL UNIQUE,
    scope           TEXT    NOT NULL,
    service_ids     TEXT    NOT NULL,
    source_prefixes TEXT    NOT NULL,
    expires_at      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    last_used_at    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX api_keys_customer ON api_keys (customer_id, id);

-- The journal names the key a command was called with (0: the main key).
ALTER TABLE audit_log ADD COLUMN key_id INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE audit_log DROP COLUMN key_id;
DROP TABLE api_keys;
