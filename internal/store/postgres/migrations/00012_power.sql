-- +goose Up
-- Power management and transfer usage of dedicated servers and
-- colocations (and VPS power, through the same row).
--
-- power_management: the driver reaching the service's power line and its
-- connection (config: the operator's power_management object as JSON; it
-- may hold a BMC password, which must stay usable to talk to the BMC and
-- so cannot be hashed: never returned by the API nor logged). state is
-- the simulator's power state ('on', 'off'; '' for real drivers).
-- busy_node holds the power line until busy_until (Unix seconds) while a
-- power command runs, so that commands through different nodes never
-- interleave.
CREATE TABLE power_management (
    service_id  BIGINT PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    customer_id BIGINT NOT NULL,
    driver      TEXT    NOT NULL,
    config      TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT '',
    busy_node   TEXT    NOT NULL DEFAULT '',
    busy_until  BIGINT  NOT NULL DEFAULT 0
);

-- The switch port carrying a service's traffic (config: JSON of the SNMP
-- agent, community and ifIndex), the octet counters last read from it
-- (last_in, last_out: the unsigned 64-bit counters stored bit for bit;
-- last_at Unix seconds, 0 = never read) and which node may poll it until
-- when (lease_node, lease_until: one poller per port across nodes).
CREATE TABLE transfer_ports (
    service_id  BIGINT PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    customer_id BIGINT NOT NULL,
    config      TEXT    NOT NULL,
    last_in     BIGINT  NOT NULL DEFAULT 0,
    last_out    BIGINT  NOT NULL DEFAULT 0,
    last_at     BIGINT  NOT NULL DEFAULT 0,
    lease_node  TEXT    NOT NULL DEFAULT '',
    lease_until BIGINT  NOT NULL DEFAULT 0
);

-- Traffic per payment period, in bytes: up sent by the server (the switch
-- port's in octets), down received (its out octets).
CREATE TABLE transfer_periods (
    service_id  BIGINT  NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    period_from BIGINT  NOT NULL,
    period_to   BIGINT  NOT NULL,
    up          BIGINT  NOT NULL,
    down        BIGINT  NOT NULL,
    PRIMARY KEY (service_id, period_from)
);

-- +goose Down
DROP TABLE transfer_periods;
DROP TABLE transfer_ports;
DROP TABLE power_management;
