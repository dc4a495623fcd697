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
    service_id  INTEGER PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL,
    driver      TEXT    NOT NULL,
    config      TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT '',
    busy_node   TEXT    NOT NULL DEFAULT '',
    busy_until  INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The switch port carrying a service's traffic (config: JSON of the SNMP
-- agent, community and ifIndex), the octet counters last read from it
-- (last_in, last_out: the unsigned 64-bit counters stored bit for bit;
-- last_at Unix seconds, 0 = never read) and which node may poll it until
-- when (lease_node, lease_until: one poller per port across nodes).
CREATE TABLE transfer_ports (
    service_id  INTEGER PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL,
    config      TEXT    NOT NULL,
    last_in     INTEGER NOT NULL DEFAULT 0,
    last_out    INTEGER NOT NULL DEFAULT 0,
    last_at     INTEGER NOT NULL DEFAULT 0,
    lease_node  TEXT    NOT NULL DEFAULT '',
    lease_until INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Traffic per payment period, in bytes: up sent by the server (the switch
-- port's in octets), down received (its out octets).
CREATE TABLE transfer_periods (
    service_id  INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    period_from INTEGER NOT NULL,
    period_to   INTEGER NOT NULL,
    up          INTEGER NOT NULL,
    down        INTEGER NOT NULL,
    PRIMARY KEY (service_id, period_from)
) STRICT;

-- +goose Down
DROP TABLE transfer_periods;
DROP TABLE transfer_ports;
DROP TABLE power_management;
