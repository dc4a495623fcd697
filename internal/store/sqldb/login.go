package sqldb

import (
	"context"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// LoginFail implements store.Store. The upsert locks the address's row,
// so concurrent failures of one address (from any node) are counted one
// after the other.
func (db *DB) LoginFail(ctx context.Context, addr string, now int64, p store.LoginPolicy) (int64, error) {
	var until int64
	err := db.InTx(ctx, func(ts store.Store) error {
		t := ts.(*DB)
		until = 0
		var failures int
		var blocked int64
		err := t.tx.QueryRowContext(ctx, "INSERT INTO login_failures (addr, window_start, failures, blocked_until) VALUES ($1, $2, 1, 0)"+
			" ON CONFLICT (addr) DO UPDATE SET"+
			" failures = CASE WHEN login_failures.window_start <= $3 THEN 1 ELSE login_failures.failures + 1 END,"+
			" window_start = CASE WHEN login_failures.window_start <= $3 THEN $2 ELSE login_failures.window_start END"+
			" RETURNING failures, blocked_until", addr, now, now-p.Window).Scan(&failures, &blocked)
		if err != nil {
			return t.interpretError(err)
		}
		if failures < p.MaxFailures {
			if blocked > now {
				until = blocked
			}
			return nil
		}
		until = now + p.Block
		if _, err := t.tx.ExecContext(ctx, "UPDATE login_failures SET failures = 0, window_start = $2, blocked_until = $3 WHERE addr = $1",
			addr, now, until); err != nil {
			return t.interpretError(err)
		}
		return t.ChangeLog(ctx, store.ChangeLoginBlock, addr)
	})
	return until, err
}

// LoginBlocks implements store.Store.
func (db *DB) LoginBlocks(ctx context.Context, addr string, now int64) (map[string]int64, error) {
	q := "SELECT addr, blocked_until FROM login_failures WHERE blocked_until > $1"
	args := []any{now}
	if addr != "" {
		q += " AND addr = $2"
		args = append(args, addr)
	}
	rows, err := db.reader().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	m := make(map[string]int64)
	for rows.Next() {
		var a string
		var until int64
		if err := rows.Scan(&a, &until); err != nil {
			return nil, err
		}
		m[a] = until
	}
	return m, db.interpretError(rows.Err())
}

// LoginPrune implements store.Store.
func (db *DB) LoginPrune(ctx context.Context, now, windowStart int64) error {
	_, err := db.writer().ExecContext(ctx, "DELETE FROM login_failures WHERE blocked_until <= $1 AND window_start <= $2", now, windowStart)
	return db.interpretError(err)
}
