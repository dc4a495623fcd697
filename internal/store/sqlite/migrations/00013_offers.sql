-- +goose Up
-- Ready-to-run ("express") dedicated servers, their reservations and
-- sales (/offer-dedicated/*), proforma invoices with their gap-free yearly
-- numbering (/invoices/*), single-purpose management tokens, panel
-- settings (the custom offer, the invoice seller) and the delivery state
-- of the e-mail outbox.

-- hardware: JSON of hardware_configuration; prices in minor units, net,
-- for payment_period months. A server is in stock while sold_service_id
-- is NULL. reserved_by/reserved_until: the reservation (lapsed when
-- reserved_until <= now, whether or not the row was cleared yet).
CREATE TABLE express_servers (
    id               INTEGER PRIMARY KEY,
    hardware         TEXT    NOT NULL,
    regular_price    INTEGER NOT NULL,
    reseller_price   INTEGER NOT NULL,
    currency         TEXT    NOT NULL,
    payment_period   INTEGER NOT NULL,
    reserved_by      INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    reserved_until   INTEGER NOT NULL DEFAULT 0,
    sold_to          INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    sold_service_id  INTEGER,
    sold_at          INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX express_servers_reserved ON express_servers (reserved_by);

-- key: 'custom_offer' (JSON of resources), 'invoice_seller' (JSON).
CREATE TABLE panel_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row per year: the last number handed out. Incremented in the
-- transaction that writes the invoice, so numbers have no gaps.
CREATE TABLE invoice_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

-- Amounts in minor units. seller, buyer, lines: JSON (see store.Invoice).
CREATE TABLE invoices (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    number      TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    service_id  INTEGER NOT NULL,
    issued_at   INTEGER NOT NULL,
    sale_at     INTEGER NOT NULL,
    due_at      INTEGER NOT NULL,
    currency    TEXT    NOT NULL,
    net         INTEGER NOT NULL,
    vat         INTEGER NOT NULL,
    gross       INTEGER NOT NULL,
    seller      TEXT    NOT NULL,
    buyer       TEXT    NOT NULL,
    lines       TEXT    NOT NULL
) STRICT;

CREATE INDEX invoices_customer ON invoices (customer_id, id);

-- hash: SHA-256 of the token (the token itself is shown once).
CREATE TABLE access_tokens (
    hash        BLOB    PRIMARY KEY,
    purpose     TEXT    NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    service_id  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;

-- Delivery of the outbox (emails): 'recorded' (written while no delivery
-- was configured, and every e-mail from before), 'queued', 'sent', 'failed'.
ALTER TABLE emails ADD COLUMN status TEXT NOT NULL DEFAULT 'recorded';
ALTER TABLE emails ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE emails ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE emails ADD COLUMN sent_at INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE emails DROP COLUMN sent_at;
ALTER TABLE emails DROP COLUMN last_error;
ALTER TABLE emails DROP COLUMN attempts;
ALTER TABLE emails DROP COLUMN status;
DROP TABLE access_tokens;
DROP INDEX invoices_customer;
DROP TABLE invoices;
DROP TABLE invoice_counters;
DROP TABLE panel_settings;
DROP INDEX express_servers_reserved;
DROP TABLE express_servers;
