-- +goose Up
-- Operators' per-customer overrides of the API rate limit
-- (internal/store/ratelimit.go): rps requests a second (0: no limit) with
-- a burst.
CREATE TABLE customer_rate_limits (
    customer_id BIGINT PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    rps         DOUBLE PRECISION NOT NULL,
    burst       BIGINT NOT NULL
);

-- +goose Down
DROP TABLE customer_rate_limits;
