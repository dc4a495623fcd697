-- +goose Up
-- DNSSEC of customers' primary zones (internal/store/dnssec.go). One row
-- per signed zone: its state ('signing', or 'disabling' while the DS is
-- taken off the registry and its TTL runs out), algorithm (DNSSEC number),
-- the DS set the registry last accepted (ds_sent, JSON list of DS records
-- in presentation form), when the registry's DS set last became what it
-- should be (ds_synced_at), when a disabling zone goes unsigned
-- (unsign_at), when the lifecycle loop acts next (next_at) and a version
-- raised by every write (compare-and-swap between nodes). Times are Unix
-- seconds, 0: not set.
CREATE TABLE dnssec_zones (
    zone_id      INTEGER PRIMARY KEY REFERENCES dns_zones (id) ON DELETE CASCADE,
    state        TEXT    NOT NULL CHECK (state IN ('signing', 'disabling')),
    algorithm    INTEGER NOT NULL,
    ds_sent      TEXT    NOT NULL DEFAULT '[]',
    ds_synced_at INTEGER NOT NULL DEFAULT 0,
    unsign_at    INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

-- The zone's keys: role 'ksk', 'zsk' or 'csk', the DNSKEY's flags,
-- algorithm, key tag and public key (base64, as in the DNSKEY record), the
-- private key sealed with the operator's key (AES-256-GCM, never shown)
-- and the lifecycle times: in the DNSKEY set from publish_at until
-- remove_at, signing from active_at until retire_at, its DS wanted at the
-- parent from ds_at (0: not set / not yet).
CREATE TABLE dnssec_keys (
    id             INTEGER PRIMARY KEY,
    zone_id        INTEGER NOT NULL REFERENCES dnssec_zones (zone_id) ON DELETE CASCADE,
    role           TEXT    NOT NULL CHECK (role IN ('ksk', 'zsk', 'csk')),
    algorithm      INTEGER NOT NULL,
    flags          INTEGER NOT NULL,
    key_tag        INTEGER NOT NULL,
    public_key     TEXT    NOT NULL,
    private_sealed TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    publish_at     INTEGER NOT NULL DEFAULT 0,
    active_at      INTEGER NOT NULL DEFAULT 0,
    retire_at      INTEGER NOT NULL DEFAULT 0,
    remove_at      INTEGER NOT NULL DEFAULT 0,
    ds_at          INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX dnssec_keys_zone ON dnssec_keys (zone_id, id);

-- +goose Down
DROP TABLE dnssec_keys;
DROP TABLE dnssec_zones;
