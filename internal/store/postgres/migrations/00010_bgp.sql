-- +goose Up
-- What artnetd announces over BGP (the desired state of driver kind
-- 'bgp'): blackholed addresses (ip-blackholing) and, from the services'
-- details, the fail-over IPs. Also the pools that additional IP
-- addresses are ordered from, and what was allocated from them.

-- ip is the address in canonical form (RFC 5952 for IPv6); type is
-- 'customer' (the customer may remove it) or 'admin' (set by the network
-- administrator).
CREATE TABLE blackholes (
    ip          TEXT    PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    type        TEXT    NOT NULL CHECK (type IN ('customer', 'admin')),
    created_at  BIGINT NOT NULL
);

CREATE INDEX blackholes_customer ON blackholes (customer_id, ip);

-- exclude: JSON list of addresses never handed out; prices: JSON of
-- one_ip_monthly_price ([{"currency","price","price_brutto"}]).
CREATE TABLE ip_pools (
    id             BIGINT PRIMARY KEY,
    network        TEXT    NOT NULL,
    exclude        TEXT    NOT NULL,
    max_per_server INTEGER NOT NULL,
    prices         TEXT    NOT NULL
);

-- One row per address handed out by /additional-ip/order: the primary
-- key makes two orders taking one address impossible.
CREATE TABLE ip_allocations (
    ip                TEXT    PRIMARY KEY,
    pool_id           BIGINT NOT NULL REFERENCES ip_pools (id) ON DELETE CASCADE,
    service_id        BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    parent_service_id BIGINT NOT NULL
);

INSERT INTO driver_generations (kind, gen) VALUES ('bgp', 0);

-- +goose Down
DELETE FROM driver_generations WHERE kind = 'bgp';
DROP TABLE ip_allocations;
DROP TABLE ip_pools;
DROP INDEX blackholes_customer;
DROP TABLE blackholes;
