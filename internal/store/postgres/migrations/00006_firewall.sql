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
    enabled          BOOLEAN NOT NULL DEFAULT FALSE,
    max_rules        INTEGER NOT NULL,
    rules            TEXT    NOT NULL,
    confirm_deadline BIGINT  NOT NULL DEFAULT 0,
    rollback_rules   TEXT
);

-- A service is in at most one ruleset.
CREATE TABLE firewall_ruleset_services (
    service_id BIGINT  PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    ruleset_id TEXT    NOT NULL REFERENCES firewall_rulesets (id) ON DELETE CASCADE
);

CREATE INDEX firewall_ruleset_services_ruleset ON firewall_ruleset_services (ruleset_id, service_id);

-- ilo_details of a dedicated server; access_ip '' = closed; expires_at
-- (Unix seconds) closes an opening by itself.
CREATE TABLE ilo_access (
    service_id  BIGINT  PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    customer_id BIGINT  NOT NULL,
    available   BOOLEAN NOT NULL DEFAULT FALSE,
    ip          TEXT    NOT NULL,
    access_ip   TEXT    NOT NULL DEFAULT '',
    expires_at  BIGINT  NOT NULL DEFAULT 0
);

-- One counter per driver kind, raised by every write of that kind's
-- desired state: nodes applying the kind reconcile when it moves.
CREATE TABLE driver_generations (
    kind TEXT    PRIMARY KEY,
    gen  BIGINT  NOT NULL
);

INSERT INTO driver_generations (kind, gen) VALUES ('firewall', 0);

-- What each node applying a kind last applied: the generation it read
-- before applying and the error ('' = applied). API nodes without a
-- device wait for these before they answer.
CREATE TABLE driver_acks (
    kind  TEXT    NOT NULL,
    node  TEXT    NOT NULL,
    gen   BIGINT  NOT NULL,
    error TEXT    NOT NULL DEFAULT '',
    at    BIGINT  NOT NULL,
    PRIMARY KEY (kind, node)
);

-- +goose Down
DROP TABLE driver_acks;
DROP TABLE driver_generations;
DROP TABLE ilo_access;
DROP INDEX firewall_ruleset_services_ruleset;
DROP TABLE firewall_ruleset_services;
DROP TABLE firewall_rulesets;
