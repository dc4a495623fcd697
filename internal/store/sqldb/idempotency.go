package sqldb

import (
	"context"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

const idemCols = "customer_id, key, command, fingerprint, request_id, created_at, locked_until, done, status, body"

func scanIdem(s scanner, r *store.Idempotency) error {
	var done int64
	if err := s.Scan(&r.CustomerID, &r.Key, &r.Command, &r.Fingerprint, &r.RequestID, &r.CreatedAt, &r.LockedUntil, &done, &r.Status, &r.Body); err != nil {
		return err
	}
	r.Done = done != 0
	return nil
}

// IdempotencyBegin implements store.Store. The insert and the read of the
// row in force are one transaction; concurrent calls for one key are
// serialised by its primary key.
func (db *DB) IdempotencyBegin(ctx context.Context, r store.Idempotency) (store.Idempotency, bool, error) {
	var got store.Idempotency
	created := false
	err := db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		// An expired row is replaced.
		if _, err := t.tx.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE customer_id = $1 AND key = $2 AND created_at <= $3",
			r.CustomerID, r.Key, r.CreatedAt-store.IdempotencyTTL); err != nil {
			return t.interpretError(err)
		}
		res, err := t.tx.ExecContext(ctx, "INSERT INTO idempotency_keys ("+idemCols+") VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, NULL) ON CONFLICT (customer_id, key) DO NOTHING",
			r.CustomerID, r.Key, r.Command, r.Fingerprint, r.RequestID, r.CreatedAt, r.LockedUntil)
		if err != nil {
			return t.interpretError(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		created = n == 1
		return t.interpretError(scanIdem(t.tx.QueryRowContext(ctx, "SELECT "+idemCols+" FROM idempotency_keys WHERE customer_id = $1 AND key = $2", r.CustomerID, r.Key), &got))
	})
	return got, created, err
}

// IdempotencyTakeOver implements store.Store.
func (db *DB) IdempotencyTakeOver(ctx context.Context, customerID int64, key string, oldLockedUntil int64, requestID string, lockedUntil int64) (bool, error) {
	res, err := db.writer().ExecContext(ctx, "UPDATE idempotency_keys SET request_id = $4, locked_until = $5 WHERE customer_id = $1 AND key = $2 AND done = 0 AND locked_until = $3",
		customerID, key, oldLockedUntil, requestID, lockedUntil)
	if err != nil {
		return false, db.interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// IdempotencyFinish implements store.Store.
func (db *DB) IdempotencyFinish(ctx context.Context, customerID int64, key, requestID string, status int, body []byte) error {
	_, err := db.writer().ExecContext(ctx, "UPDATE idempotency_keys SET done = 1, status = $4, body = $5 WHERE customer_id = $1 AND key = $2 AND request_id = $3 AND done = 0",
		customerID, key, requestID, status, body)
	return db.interpretError(err)
}

// IdempotencyRelease implements store.Store.
func (db *DB) IdempotencyRelease(ctx context.Context, customerID int64, key, requestID string) error {
	_, err := db.writer().ExecContext(ctx, "DELETE FROM idempotency_keys WHERE customer_id = $1 AND key = $2 AND request_id = $3 AND done = 0",
		customerID, key, requestID)
	return db.interpretError(err)
}

// IdempotencyGet implements store.Store.
func (db *DB) IdempotencyGet(ctx context.Context, customerID int64, key string) (store.Idempotency, error) {
	var r store.Idempotency
	err := scanIdem(db.reader().QueryRowContext(ctx, "SELECT "+idemCols+" FROM idempotency_keys WHERE customer_id = $1 AND key = $2", customerID, key), &r)
	return r, db.interpretError(err)
}

// IdempotencyPrune implements store.Store.
func (db *DB) IdempotencyPrune(ctx context.Context, before int64) (int64, error) {
	res, err := db.writer().ExecContext(ctx, "DELETE FROM idempotency_keys WHERE created_at < $1", before)
	if err != nil {
		return 0, db.interpretError(err)
	}
	return res.RowsAffected()
}
