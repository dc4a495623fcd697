package sqldb

import (
	"context"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The web panel's logins, recovery codes, sessions and reset tokens
// (store.WebStore). Not logged in the change log: nothing caches them.

// customerExists returns store.ErrNotFound when there is no customer id.
func (t *DB) customerExists(ctx context.Context, id int64) error {
	var one int
	return t.interpretError(t.tx.QueryRowContext(ctx, "SELECT 1 FROM customers WHERE id = $1", id).Scan(&one))
}

// WebLoginGet implements store.Store.
func (db *DB) WebLoginGet(ctx context.Context, customerID int64) (store.WebLogin, error) {
	l := store.WebLogin{CustomerID: customerID}
	var enabled int64
	var hash, secret *string
	err := db.reader().QueryRowContext(ctx, "SELECT w.password_hash, w.totp_secret, COALESCE(w.totp_enabled, 0)"+
		" FROM customers c LEFT JOIN web_logins w ON w.customer_id = c.id WHERE c.id = $1", customerID).Scan(&hash, &secret, &enabled)
	if err != nil {
		return l, db.interpretError(err)
	}
	if hash != nil {
		l.PasswordHash = *hash
	}
	if secret != nil {
		l.TOTPSecret = *secret
	}
	l.TOTPEnabled = enabled != 0
	return l, nil
}

// WebCustomersByEmail implements store.Store.
func (db *DB) WebCustomersByEmail(ctx context.Context, email string) ([]int64, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT id FROM customers WHERE lower(email) = $1 ORDER BY id", strings.ToLower(email))
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, db.interpretError(rows.Err())
}

// WebPasswordSet implements store.Store.
func (db *DB) WebPasswordSet(ctx context.Context, customerID int64, hash string) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		if err := t.customerExists(ctx, customerID); err != nil {
			return err
		}
		_, err := t.tx.ExecContext(ctx, "INSERT INTO web_logins (customer_id, password_hash) VALUES ($1, $2)"+
			" ON CONFLICT (customer_id) DO UPDATE SET password_hash = excluded.password_hash", customerID, hash)
		return t.interpretError(err)
	})
}

// WebTOTPSet implements store.Store.
func (db *DB) WebTOTPSet(ctx context.Context, customerID int64, secret string, enabled bool, codeHashes [][]byte) error {
	on := boolInt(enabled)
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		if err := t.customerExists(ctx, customerID); err != nil {
			return err
		}
		if _, err := t.tx.ExecContext(ctx, "INSERT INTO web_logins (customer_id, totp_secret, totp_enabled) VALUES ($1, $2, $3)"+
			" ON CONFLICT (customer_id) DO UPDATE SET totp_secret = excluded.totp_secret, totp_enabled = excluded.totp_enabled",
			customerID, secret, on); err != nil {
			return t.interpretError(err)
		}
		if _, err := t.tx.ExecContext(ctx, "DELETE FROM web_recovery_codes WHERE customer_id = $1", customerID); err != nil {
			return t.interpretError(err)
		}
		for _, h := range codeHashes {
			if _, err := t.tx.ExecContext(ctx, "INSERT INTO web_recovery_codes (customer_id, code_hash) VALUES ($1, $2)", customerID, h); err != nil {
				return t.interpretError(err)
			}
		}
		return nil
	})
}

// WebRecoveryUse implements store.Store.
func (db *DB) WebRecoveryUse(ctx context.Context, customerID int64, codeHash []byte) (bool, error) {
	res, err := db.writer().ExecContext(ctx, "DELETE FROM web_recovery_codes WHERE customer_id = $1 AND code_hash = $2", customerID, codeHash)
	if err != nil {
		return false, db.interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// WebRecoveryCount implements store.Store.
func (db *DB) WebRecoveryCount(ctx context.Context, customerID int64) (int, error) {
	var n int
	err := db.reader().QueryRowContext(ctx, "SELECT COUNT(*) FROM web_recovery_codes WHERE customer_id = $1", customerID).Scan(&n)
	return n, db.interpretError(err)
}

const webSessionCols = "id, customer_id, token_hash, created_at, seen_at, expires_at, client, user_agent, pending"

// WebSessionCreate implements store.Store.
func (db *DB) WebSessionCreate(ctx context.Context, s *store.WebSession) error {
	var id int64
	err := db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		if err := t.customerExists(ctx, s.CustomerID); err != nil {
			return err
		}
		return t.interpretError(t.tx.QueryRowContext(ctx, "INSERT INTO web_sessions (customer_id, token_hash, created_at, seen_at, expires_at, client, user_agent, pending)"+
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			s.CustomerID, s.TokenHash, s.CreatedAt, s.SeenAt, s.ExpiresAt, s.Client, s.UserAgent, boolInt(s.Pending)).Scan(&id))
	})
	if err == nil {
		s.ID = id
	}
	return err
}

func scanWebSession(sc interface{ Scan(...any) error }) (store.WebSession, error) {
	var s store.WebSession
	var pending int64
	err := sc.Scan(&s.ID, &s.CustomerID, &s.TokenHash, &s.CreatedAt, &s.SeenAt, &s.ExpiresAt, &s.Client, &s.UserAgent, &pending)
	s.Pending = pending != 0
	return s, err
}

// WebSessionGet implements store.Store.
func (db *DB) WebSessionGet(ctx context.Context, tokenHash []byte) (store.WebSession, error) {
	s, err := scanWebSession(db.reader().QueryRowContext(ctx, "SELECT "+webSessionCols+" FROM web_sessions WHERE token_hash = $1", tokenHash))
	return s, db.interpretError(err)
}

// WebSessionTouch implements store.Store.
func (db *DB) WebSessionTouch(ctx context.Context, customerID, id, seenAt int64) error {
	_, err := db.writer().ExecContext(ctx, "UPDATE web_sessions SET seen_at = $1 WHERE id = $2 AND customer_id = $3", seenAt, id, customerID)
	return db.interpretError(err)
}

// WebSessionList implements store.Store.
func (db *DB) WebSessionList(ctx context.Context, customerID int64) ([]store.WebSession, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+webSessionCols+" FROM web_sessions WHERE customer_id = $1 ORDER BY id", customerID)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.WebSession
	for rows.Next() {
		s, err := scanWebSession(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	return list, db.interpretError(rows.Err())
}

// WebSessionDelete implements store.Store.
func (db *DB) WebSessionDelete(ctx context.Context, customerID, id int64) error {
	res, err := db.writer().ExecContext(ctx, "DELETE FROM web_sessions WHERE id = $1 AND customer_id = $2", id, customerID)
	if err != nil {
		return db.interpretError(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// WebSessionDeleteOthers implements store.Store.
func (db *DB) WebSessionDeleteOthers(ctx context.Context, customerID, keep int64) error {
	_, err := db.writer().ExecContext(ctx, "DELETE FROM web_sessions WHERE customer_id = $1 AND id <> $2", customerID, keep)
	return db.interpretError(err)
}

// WebSessionPrune implements store.Store.
func (db *DB) WebSessionPrune(ctx context.Context, now, idleBefore int64) error {
	_, err := db.writer().ExecContext(ctx, "DELETE FROM web_sessions WHERE expires_at <= $1 OR seen_at <= $2", now, idleBefore)
	return db.interpretError(err)
}

// WebResetCreate implements store.Store.
func (db *DB) WebResetCreate(ctx context.Context, customerID int64, tokenHash []byte, expiresAt int64) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		if err := t.customerExists(ctx, customerID); err != nil {
			return err
		}
		_, err := t.tx.ExecContext(ctx, "INSERT INTO web_reset_tokens (token_hash, customer_id, expires_at) VALUES ($1, $2, $3)", tokenHash, customerID, expiresAt)
		return t.interpretError(err)
	})
}

// WebResetUse implements store.Store.
func (db *DB) WebResetUse(ctx context.Context, tokenHash []byte, now int64) (int64, error) {
	var id, expires int64
	err := db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		if err := t.tx.QueryRowContext(ctx, "SELECT customer_id, expires_at FROM web_reset_tokens WHERE token_hash = $1", tokenHash).Scan(&id, &expires); err != nil {
			return t.interpretError(err)
		}
		_, err := t.tx.ExecContext(ctx, "DELETE FROM web_reset_tokens WHERE token_hash = $1", tokenHash)
		return t.interpretError(err)
	})
	if err != nil {
		return 0, err
	}
	if expires <= now {
		return 0, store.ErrNotFound
	}
	return id, nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// WebTOTPUse implements store.Store.
func (db *DB) WebTOTPUse(ctx context.Context, customerID, step int64) (bool, error) {
	res, err := db.writer().ExecContext(ctx, "UPDATE web_logins SET totp_step = $1 WHERE customer_id = $2 AND totp_step < $1", step, customerID)
	if err != nil {
		return false, db.interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
