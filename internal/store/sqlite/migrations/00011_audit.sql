-- +goose Up
-- The audit journal: one row per command that changes something (or tried
-- to), written in the transaction of the change (see
-- internal/store/audit.go). at is Unix milliseconds; params is a JSON object
-- with secrets redacted; result is 'ok' or the error code answered.
-- Every row costs the transaction of a change, so the table is kept lean:
-- no AUTOINCREMENT (pruning deletes the oldest rows, so an id could only
-- come back after the whole journal aged out) and one index, on the time, which grows at its right
-- edge (pruning, and reading a customer's rows since a time).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    command     TEXT    NOT NULL,
    params      TEXT    NOT NULL,
    result      TEXT    NOT NULL,
    request_id  TEXT    NOT NULL,
    client      TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);

-- The failed-login guard shared by the nodes (internal/store/login.go): the
-- times of an address's recent failures (Unix milliseconds, comma
-- separated, oldest first; at most the policy's maximum), the last one, and
-- until when the address is blocked (0: not blocked).
CREATE TABLE login_failures (
    addr          TEXT    PRIMARY KEY,
    recent        TEXT    NOT NULL,
    last_failure  INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE login_failures;
DROP TABLE audit_log;
