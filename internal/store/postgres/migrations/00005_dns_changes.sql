-- +goose Up
-- The DNS change log: one row per committed change of what the DNS server
-- serves, written in the transaction of the change. Every artnetd node
-- follows it (zonesync.Syncer.Follow) and reloads the zones named. domain
-- is the zone's name as zonesync.ZoneChanged takes it: a customer zone's
-- stored domain or a reverse zone's name ("124.123.123.in-addr.arpa").
CREATE TABLE dns_changes (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain TEXT   NOT NULL,
    at     BIGINT NOT NULL
);

CREATE INDEX dns_changes_at ON dns_changes (at);

-- +goose Down
DROP INDEX dns_changes_at;
DROP TABLE dns_changes;
