-- +goose Up
-- Reverse DNS. A customer's subnetworks live in its services' details; the
-- panel derives their subclasses (a /24 of IPv4, the nibble zone of an IPv6
-- subnetwork). Rows exist only for subclasses that have been written.

-- The reverse zones that hold (or held) PTR records, with the SOA serial
-- the DNS server serves: it grows with every change in the zone, whichever
-- customer made it. name is lower case, without the trailing dot.
CREATE TABLE rev_dns_zones (
    name       TEXT   NOT NULL PRIMARY KEY,
    serial     BIGINT NOT NULL,
    updated_at BIGINT NOT NULL DEFAULT 0
);

-- A customer's subclass of a subnetwork with the serial the customer edits
-- against (compare-and-swap).
CREATE TABLE rev_dns_subclasses (
    customer_id   BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    subnetwork_id BIGINT NOT NULL,
    subclass      TEXT   NOT NULL,
    zone          TEXT   NOT NULL,
    serial        BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, subnetwork_id, subclass)
);

CREATE INDEX rev_dns_subclasses_zone ON rev_dns_subclasses (zone);

-- The PTR records of a subclass; address is the canonical text form.
CREATE TABLE rev_dns_ptrs (
    customer_id   BIGINT NOT NULL,
    subnetwork_id BIGINT NOT NULL,
    subclass      TEXT   NOT NULL,
    address       TEXT   NOT NULL,
    ptr           TEXT   NOT NULL,
    PRIMARY KEY (customer_id, subnetwork_id, subclass, address),
    FOREIGN KEY (customer_id, subnetwork_id, subclass)
        REFERENCES rev_dns_subclasses (customer_id, subnetwork_id, subclass) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE rev_dns_ptrs;
DROP TABLE rev_dns_subclasses;
DROP TABLE rev_dns_zones;
