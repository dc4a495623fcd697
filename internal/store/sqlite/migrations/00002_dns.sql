-- +goose Up
-- DNS zones hosted on the panel's name servers. domain is lower case,
-- A-labels (punycode), without the trailing dot, unique across customers.
CREATE TABLE dns_zones (
    id                INTEGER PRIMARY KEY,
    customer_id       INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    domain            TEXT    NOT NULL UNIQUE,
    type              TEXT    NOT NULL CHECK (type IN ('primary', 'secoundary')),
    master_nameserver TEXT    NOT NULL DEFAULT '',
    serial            INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL DEFAULT 0,
    updated_at        INTEGER NOT NULL DEFAULT 0,
    refreshed_at      INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX dns_zones_customer ON dns_zones (customer_id, id);

-- The records of a zone, in the customer's order (position 0, 1, ...).
CREATE TABLE dns_zone_records (
    zone_id  INTEGER NOT NULL REFERENCES dns_zones (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT    NOT NULL DEFAULT '',
    ttl      INTEGER NOT NULL,
    type     TEXT    NOT NULL,
    data1    TEXT    NOT NULL DEFAULT '',
    data2    TEXT    NOT NULL DEFAULT '',
    data3    TEXT    NOT NULL DEFAULT '',
    data4    TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (zone_id, position)
) STRICT, WITHOUT ROWID;

-- Domains (and their subdomains) the operator allows a customer to host
-- without owning a domain service for them.
CREATE TABLE dns_allowances (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    domain      TEXT    NOT NULL,
    PRIMARY KEY (customer_id, domain)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE dns_allowances;
DROP TABLE dns_zone_records;
DROP TABLE dns_zones;
