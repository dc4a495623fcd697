-- +goose Up
-- The DNS change log: one row per committed change of what the DNS server
-- serves, written in the transaction of the change. Every artnetd node
-- follows it (zonesync.Syncer.Follow) and reloads the zones named. domain
-- is the zone's name as zonesync.ZoneChanged takes it: a customer zone's
-- stored domain or a reverse zone's name ("124.123.123.in-addr.arpa").
-- AUTOINCREMENT: ids are never reused, even after old rows are pruned.
CREATE TABLE dns_changes (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    domain TEXT    NOT NULL,
    at     INTEGER NOT NULL
) STRICT;

CREATE INDEX dns_changes_at ON dns_changes (at);

-- +goose Down
DROP INDEX dns_changes_at;
DROP TABLE dns_changes;
