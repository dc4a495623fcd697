-- +goose Up
CREATE TABLE customers (
    id                      INTEGER PRIMARY KEY,
    name                    TEXT    NOT NULL DEFAULT '',
    nip                     TEXT    NOT NULL DEFAULT '',
    regon                   TEXT    NOT NULL DEFAULT '',
    street                  TEXT    NOT NULL DEFAULT '',
    postcode                TEXT    NOT NULL DEFAULT '',
    city                    TEXT    NOT NULL DEFAULT '',
    country_code            TEXT    NOT NULL DEFAULT '',
    tel                     TEXT    NOT NULL DEFAULT '',
    fax                     TEXT    NOT NULL DEFAULT '',
    email                   TEXT    NOT NULL DEFAULT '',
    email_tech              TEXT    NOT NULL DEFAULT '',
    email_invoice           TEXT    NOT NULL DEFAULT '',
    correspondence_name     TEXT    NOT NULL DEFAULT '',
    correspondence_street   TEXT    NOT NULL DEFAULT '',
    correspondence_postcode TEXT    NOT NULL DEFAULT '',
    correspondence_city     TEXT    NOT NULL DEFAULT '',
    business                INTEGER NOT NULL DEFAULT 0 CHECK (business IN (0, 1)),
    language                TEXT    NOT NULL DEFAULT 'pl' CHECK (language IN ('pl', 'en')),
    currency                TEXT    NOT NULL DEFAULT 'PLN',
    api_key_hash            BLOB,
    api_access              INTEGER NOT NULL DEFAULT 0 CHECK (api_access IN (0, 1)),
    reseller                INTEGER NOT NULL DEFAULT 0 CHECK (reseller IN (0, 1))
) STRICT;

CREATE TABLE services (
    id                 INTEGER PRIMARY KEY,
    customer_id        INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    type               TEXT    NOT NULL,
    name               TEXT    NOT NULL DEFAULT '',
    custom_description TEXT,
    expiration_time    INTEGER NOT NULL DEFAULT 0,
    price_minor        INTEGER NOT NULL DEFAULT 0,
    price_brutto_minor INTEGER NOT NULL DEFAULT 0,
    currency           TEXT    NOT NULL DEFAULT 'PLN',
    payment_period     INTEGER NOT NULL DEFAULT 1,
    parent_service_id  INTEGER NOT NULL DEFAULT 0,
    ip                 TEXT    NOT NULL DEFAULT '',
    details            TEXT -- JSON object, stored verbatim
) STRICT;

CREATE INDEX services_customer_id ON services (customer_id, id);
CREATE INDEX services_customer_type ON services (customer_id, type, id);
CREATE INDEX services_customer_parent ON services (customer_id, parent_service_id, id);

CREATE TABLE emails (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    time        INTEGER NOT NULL,
    address     TEXT    NOT NULL DEFAULT '',
    subject     TEXT    NOT NULL DEFAULT '',
    body        TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX emails_customer_time ON emails (customer_id, time DESC, id DESC);

-- +goose Down
DROP TABLE emails;
DROP TABLE services;
DROP TABLE customers;
