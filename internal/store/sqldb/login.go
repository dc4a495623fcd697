package sqldb

import (
	"context"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// LoginFail implements store.Store. The first statement locks the
// address's row (creating it), so concurrent failures of one address (from
// any node) are counted one after the other; the window slides over the
// stored times of the recent failures.
func (db *DB) LoginFail(ctx context.Context, addr string, now int64, p store.LoginPolicy) (int64, error) {
	var until int64
	err := db.InTx(ctx, func(ts store.Store) error {
		t := ts.(*DB)
		until = 0
		var recent string
		var blocked int64
		err := t.tx.QueryRowContext(ctx, "INSERT INTO login_failures (addr, recent, last_failure, blocked_until) VALUES ($1, '', $2, 0)"+
			" ON CONFLICT (addr) DO UPDATE SET last_failure = $2"+
			" RETURNING recent, blocked_until", addr, now).Scan(&recent, &blocked)
		if err != nil {
			return t.interpretError(err)
		}
		// The failures within the window, this one last.
		times := make([]int64, 0, p.MaxFailures)
		for _, f := range strings.Split(recent, ",") {
			if at, err := strconv.ParseInt(f, 10, 64); err == nil && at > now-p.Window {
				times = append(times, at)
			}
		}
		times = append(times, now)
		if len(times) > p.MaxFailures {
			times = times[len(times)-p.MaxFailures:]
		}
		blocking := len(times) >= p.MaxFailures
		if blocking {
			blocked = now + p.Block
			times = times[:0]
		}
		if blocked > now {
			until = blocked
		}
		var b []byte
		for i, at := range times {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, at, 10)
		}
		if _, err := t.tx.ExecContext(ctx, "UPDATE login_failures SET recent = $2, blocked_until = $3 WHERE addr = $1",
			addr, string(b), blocked); err != nil {
			return t.interpretError(err)
		}
		if !blocking {
			return nil
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
	_, err := db.writer().ExecContext(ctx, "DELETE FROM login_failures WHERE blocked_until <= $1 AND last_failure <= $2", now, windowStart)
	return db.interpretError(err)
}
