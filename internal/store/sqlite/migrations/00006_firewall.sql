-- +goose Up
-- The external firewall's desired state (the firewall module) and the
-- iLO / IPMI openings of dedicated servers. Device drivers apply it; the
-- database is the truth.
--
-- rules is the JSON of artnet.FirewallRules as the last save stored it.
-- A save with confirm_within keeps the rules to come back to in
-- rollback_rules until confirm_deadline (Unix seconds; 0: nothing pending).
CREATE TABLE firewall_rulesets (
    id               TEXT    PRIMARY KEY,
    enabled          INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    max_rules        INTEGER NOT NULL,
    rules            TEXT    NOT NULL,
    confirm_deadline INTEGER NOT NULL DEFAULT 0,
    rollback_rules   TEXT
) STRICT;

-- A service is in at most one ruleset.
CREATE TABLE firewall_ruleset_services (
    service_id INTEGER PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    ruleset_id TEXT    NOT NULL REFERENCES firewall_rulesets (id) ON DELETE CASCADE
) STRICT;

CREATE INDEX firewall_ruleset_services_ruleset ON firewall_ruleset_services (ruleset_id, service_id);

-- ilo_details of a dedicated server; access_ip '' = closed; expires_at
-- (Unix seconds) closes an opening by itself.
CREATE TABLE ilo_access (
    service_id  INTEGER PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL,
    available   INTEGER NOT NULL DEFAULT 0 CHECK (available IN (0, 1)),
    ip          TEXT    NOT NULL,
    access_ip   TEXT    NOT NULL DEFAULT '',
    expires_at  INTEGER NOT NULL DEFAULT 0
) STRICT;

-- One counter per driver kind, raised by every write of that kind's
-- desired state: nodes applying the kind reconcile when it moves.
CREATE TABLE driver_generations (
    kind TEXT    PRIMARY KEY,
    gen  INTEGER NOT NULL
) STRICT;

INSERT INTO driver_generations (kind, gen) VALUES ('firewall', 0);

-- What each node applying a kind last applied: the generation it read
-- before applying and the error ('' = applied). API nodes without a
-- device wait for these before they answer.
CREATE TABLE driver_acks (
    kind  TEXT    NOT NULL,
    node  TEXT    NOT NULL,
    gen   INTEGER NOT NULL,
    error TEXT    NOT NULL DEFAULT '',
    at    INTEGER NOT NULL,
    PRIMARY KEY (kind, node)
) STRICT;

-- +goose Down
DROP TABLE driver_acks;
DROP TABLE driver_generations;
DROP TABLE ilo_access;
DROP INDEX firewall_ruleset_services_ruleset;
DROP TABLE firewall_ruleset_services;
DROP TABLE firewall_rulesets;
