-- +goose Up
-- Operators' per-customer overrides of the API rate limit
-- (internal/store/ratelimit.go): rps requests a second (0: no limit) with
-- a burst.
CREATE TABLE customer_rate_limits (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    rps         REAL NOT NULL,
    burst       INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE customer_rate_limits;
