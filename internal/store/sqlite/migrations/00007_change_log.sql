-- +goose Up
-- The change log replaces dns_changes: one row per committed change that
-- other nodes must hear of (kind 'dns': a zone to reload, 'credentials': a
-- customer whose API key or access changed, 'driver': a device driver kind
-- whose desired state changed), inserted when the transaction of the
-- change commits (SQLite serialises writers, so ids follow commit order;
-- see internal/store/changes.go). at is Unix milliseconds. Existing DNS
-- changes are kept with their ids. AUTOINCREMENT: ids are never reused,
-- even after old rows are pruned.
CREATE TABLE change_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind   TEXT    NOT NULL,
    target TEXT    NOT NULL,
    at     INTEGER NOT NULL
) STRICT;
INSERT INTO change_log (id, kind, target, at) SELECT id, 'dns', domain, at * 1000 FROM dns_changes;
UPDATE sqlite_sequence
    SET seq = max(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'dns_changes'), 0))
    WHERE name = 'change_log';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'change_log', seq FROM sqlite_sequence WHERE name = 'dns_changes'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'change_log');
CREATE INDEX change_log_at ON change_log (at);
DROP TABLE dns_changes;

-- +goose Down
CREATE TABLE dns_changes (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    domain TEXT    NOT NULL,
    at     INTEGER NOT NULL
) STRICT;
CREATE INDEX dns_changes_at ON dns_changes (at);
INSERT INTO dns_changes (domain, at) SELECT target, at / 1000 FROM change_log WHERE kind = 'dns' ORDER BY id;
DROP TABLE change_log;
