-- +goose Up
-- The transfer state of a secondary zone (dns_zones.type 'secoundary'):
-- the timers of the master's SOA at the last transfer, the last successful
-- contact with the master, the next check, the failed checks since and the
-- expired flag. A secondary zone without a row was never checked (due at
-- once). The serial and the time of the last transfer are dns_zones.serial
-- and dns_zones.refreshed_at.
CREATE TABLE dns_secondary (
    zone_id    BIGINT  PRIMARY KEY REFERENCES dns_zones (id) ON DELETE CASCADE,
    refresh    BIGINT  NOT NULL DEFAULT 0,
    retry      BIGINT  NOT NULL DEFAULT 0,
    expire     BIGINT  NOT NULL DEFAULT 0,
    checked_at BIGINT  NOT NULL DEFAULT 0,
    next_check BIGINT  NOT NULL DEFAULT 0,
    failures   BIGINT  NOT NULL DEFAULT 0,
    failed_at  BIGINT  NOT NULL DEFAULT 0,
    last_error TEXT    NOT NULL DEFAULT '',
    expired    BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE INDEX dns_secondary_next_check ON dns_secondary (next_check);

-- The transferred records of a secondary zone, in presentation format, one
-- a line, the SOA first. Apart from dns_secondary so that the frequent
-- updates of the check state do not rewrite the zone.
CREATE TABLE dns_secondary_content (
    zone_id BIGINT  PRIMARY KEY REFERENCES dns_zones (id) ON DELETE CASCADE,
    records TEXT    NOT NULL
);

-- Secondary zones are looked up by type by the transfer worker.
CREATE INDEX dns_zones_secondary ON dns_zones (id) WHERE type = 'secoundary';

-- +goose Down
DROP INDEX dns_zones_secondary;
DROP TABLE dns_secondary_content;
DROP TABLE dns_secondary;
