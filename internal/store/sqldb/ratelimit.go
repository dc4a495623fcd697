package sqldb

import (
	"context"
	"strconv"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// RateLimitSet implements store.Store.
func (db *DB) RateLimitSet(ctx context.Context, r store.RateLimit) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		var one int
		if err := t.tx.QueryRowContext(ctx, "SELECT 1 FROM customers WHERE id = $1", r.CustomerID).Scan(&one); err != nil {
			return t.interpretError(err)
		}
		if _, err := t.tx.ExecContext(ctx, "INSERT INTO customer_rate_limits (customer_id, rps, burst) VALUES ($1, $2, $3)"+
			" ON CONFLICT (customer_id) DO UPDATE SET rps = excluded.rps, burst = excluded.burst", r.CustomerID, r.RPS, r.Burst); err != nil {
			return t.interpretError(err)
		}
		return t.ChangeLog(ctx, store.ChangeRateLimit, strconv.FormatInt(r.CustomerID, 10))
	})
}

// RateLimitClear implements store.Store.
func (db *DB) RateLimitClear(ctx context.Context, customerID int64) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		if _, err := t.tx.ExecContext(ctx, "DELETE FROM customer_rate_limits WHERE customer_id = $1", customerID); err != nil {
			return t.interpretError(err)
		}
		return t.ChangeLog(ctx, store.ChangeRateLimit, strconv.FormatInt(customerID, 10))
	})
}

// RateLimits implements store.Store.
func (db *DB) RateLimits(ctx context.Context) ([]store.RateLimit, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT customer_id, rps, burst FROM customer_rate_limits ORDER BY customer_id")
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.RateLimit
	for rows.Next() {
		var r store.RateLimit
		if err := rows.Scan(&r.CustomerID, &r.RPS, &r.Burst); err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	return list, db.interpretError(rows.Err())
}
