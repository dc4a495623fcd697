-- +goose Up
-- Cloud instances and the desired state of their virtual machines (driver
-- kind 'hypervisor'), the cloud settings (price list, resource ranges,
-- installation images: one JSON document) and the power management of
-- VPS services that run on the hypervisor or the simulator.

-- password_hash: the instance password's PBKDF2 hash; vnc_secret: the
-- console password sealed with AES-GCM (panel/cloudsecret.go); network:
-- JSON of network_configuration.
CREATE TABLE cloud_instances (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    notes         TEXT    NOT NULL,
    cpu           INTEGER NOT NULL,
    ram           INTEGER NOT NULL,
    hdd           INTEGER NOT NULL,
    bandwidth     INTEGER NOT NULL,
    boot_status   TEXT    NOT NULL CHECK (boot_status IN ('boot', 'install')),
    boot_image    TEXT    NOT NULL,
    power_on      INTEGER NOT NULL DEFAULT 0 CHECK (power_on IN (0, 1)),
    password_hash TEXT    NOT NULL,
    vnc_secret    TEXT    NOT NULL,
    vnc_host      TEXT    NOT NULL,
    vnc_port      INTEGER NOT NULL UNIQUE,
    network       TEXT    NOT NULL
) STRICT;

CREATE INDEX cloud_instances_customer ON cloud_instances (customer_id, id);

CREATE TABLE cloud_settings (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT    NOT NULL
) STRICT;

-- config: the service's power_management object (JSON).
CREATE TABLE vps_power (
    service_id  INTEGER PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    config      TEXT    NOT NULL,
    power_on    INTEGER NOT NULL DEFAULT 0 CHECK (power_on IN (0, 1))
) STRICT;

INSERT INTO driver_generations (kind, gen) VALUES ('hypervisor', 0);

-- +goose Down
DELETE FROM driver_generations WHERE kind = 'hypervisor';
DROP TABLE vps_power;
DROP TABLE cloud_settings;
DROP INDEX cloud_instances_customer;
DROP TABLE cloud_instances;
