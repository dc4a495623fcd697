-- +goose Up
-- The web panel (internal/web, internal/store/web.go). web_logins: a
-- customer's password (argon2id, PHC-style text) and second factor (TOTP
-- secret, sealed by the panel; totp_enabled 0/1; totp_step the last time
-- step a code was accepted for, so that no code works twice). web_recovery_codes: the
-- SHA-256 of each unused one-time recovery code. web_sessions: signed-in
-- browsers, found by the SHA-256 of the cookie's token; times are Unix
-- milliseconds; pending 1: the password was right, the second factor is
-- still to give. web_reset_tokens: password-reset links (SHA-256 of the
-- token, single use, expiring).
CREATE TABLE web_logins (
    customer_id   INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    password_hash TEXT    NOT NULL DEFAULT '',
    totp_secret   TEXT    NOT NULL DEFAULT '',
    totp_enabled  INTEGER NOT NULL DEFAULT 0,
    totp_step     INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE web_recovery_codes (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    code_hash   BLOB    NOT NULL,
    PRIMARY KEY (customer_id, code_hash)
) STRICT;

CREATE TABLE web_sessions (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    token_hash  BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    seen_at     INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    client      TEXT    NOT NULL,
    user_agent  TEXT    NOT NULL,
    pending     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX web_sessions_customer ON web_sessions (customer_id, id);

CREATE TABLE web_reset_tokens (
    token_hash  BLOB    PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    expires_at  INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE web_reset_tokens;
DROP TABLE web_sessions;
DROP TABLE web_recovery_codes;
DROP TABLE web_logins;
