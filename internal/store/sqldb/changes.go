package sqldb

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The change log (change_log) is appended to by the writes of dns.go,
// revdns.go, secondary.go and the credentials methods in their
// transactions (ChangeLog), and read by every node's changefeed.Feed.
//
// A transaction's changes are queued in the transaction's DB and inserted
// by InTx right before the commit, after Dialect.ChangeLockSQL: in
// PostgreSQL a transaction-scoped advisory lock, released only after the
// commit is visible, so the identity values are handed out in commit order
// and a reader never steps past a lower id that commits later.

type pendingChange struct{ kind, key string }

// pendingChanges are a transaction's changes in the order first logged,
// each once.
type pendingChanges struct {
	list []pendingChange
	seen map[pendingChange]bool
}

// ChangeLog implements store.Store.
func (db *DB) ChangeLog(ctx context.Context, kind, key string) error {
	if db.tx == nil {
		return db.InTx(ctx, func(t store.Store) error { return t.ChangeLog(ctx, kind, key) })
	}
	c := pendingChange{kind, key}
	p := db.pending
	if p.seen[c] {
		return nil
	}
	if p.seen == nil {
		p.seen = make(map[pendingChange]bool)
	}
	p.seen[c] = true
	p.list = append(p.list, c)
	return nil
}

// logDNS queues a change of the zone domain on the transaction's store t.
func logDNS(ctx context.Context, t store.Store, domain string) error {
	return t.ChangeLog(ctx, store.ChangeDNS, domain)
}

// logZone queues a change of the zone zoneID (dns_zones) on the
// transaction's store t.
func logZone(ctx context.Context, t store.Store, zoneID int64) error {
	db := t.(*DB)
	var domain string
	if err := db.tx.QueryRowContext(ctx, "SELECT domain FROM dns_zones WHERE id = $1", zoneID).Scan(&domain); err != nil {
		return db.interpretError(err)
	}
	return logDNS(ctx, t, domain)
}

// changeBatch is the number of change-log rows inserted by one statement.
const changeBatch = 100

// writeChanges inserts the transaction's queued changes (see the top of
// this file); InTx calls it right before the commit.
func (db *DB) writeChanges(ctx context.Context) error {
	p := db.pending.list
	if len(p) == 0 {
		return nil
	}
	if s := db.c.d.ChangeLockSQL; s != "" {
		if _, err := db.tx.ExecContext(ctx, s); err != nil {
			return db.interpretError(err)
		}
	}
	at := time.Now().UnixMilli()
	var last int64
	for start := 0; start < len(p); start += changeBatch {
		batch := p[start:min(start+changeBatch, len(p))]
		var b strings.Builder
		b.WriteString("INSERT INTO change_log (kind, target, at) VALUES ")
		args := make([]any, 0, 3*len(batch))
		for i, c := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			n := len(args)
			b.WriteString("($" + strconv.Itoa(n+1) + ", $" + strconv.Itoa(n+2) + ", $" + strconv.Itoa(n+3) + ")")
			args = append(args, c.kind, c.key, at)
		}
		b.WriteString(" RETURNING id")
		rows, err := db.tx.QueryContext(ctx, b.String(), args...)
		if err != nil {
			return db.interpretError(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			last = max(last, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return db.interpretError(err)
		}
	}
	if s := db.c.d.NotifySQL; s != "" {
		if _, err := db.tx.ExecContext(ctx, s, store.ChangesChannel, strconv.FormatInt(last, 10)); err != nil {
			return db.interpretError(err)
		}
	}
	return nil
}

// OnCommit implements store.Store.
func (db *DB) OnCommit(fn func(ctx context.Context, changes []store.Change)) {
	for {
		old := db.c.onCommit.Load()
		var hooks []func(context.Context, []store.Change)
		if old != nil {
			hooks = append(hooks, *old...)
		}
		hooks = append(hooks, fn)
		if db.c.onCommit.CompareAndSwap(old, &hooks) {
			return
		}
	}
}

// committed hands the changes of the transaction that just committed to
// the commit hooks (InTx calls it after a successful commit).
func (db *DB) committed(ctx context.Context) {
	hooks := db.c.onCommit.Load()
	if hooks == nil || len(db.pending.list) == 0 {
		return
	}
	at := time.Now().UnixMilli()
	changes := make([]store.Change, len(db.pending.list))
	for i, c := range db.pending.list {
		changes[i] = store.Change{Kind: c.kind, Key: c.key, At: at}
	}
	for _, fn := range *hooks {
		fn(ctx, changes)
	}
}

// ChangesSince implements store.Store.
func (db *DB) ChangesSince(ctx context.Context, afterID int64, limit int) ([]store.Change, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT id, kind, target, at FROM change_log WHERE id > $1 ORDER BY id LIMIT $2",
		afterID, db.limit(limit))
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.Change
	for rows.Next() {
		var c store.Change
		if err := rows.Scan(&c.ID, &c.Kind, &c.Key, &c.At); err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, db.interpretError(rows.Err())
}

// ChangesLast implements store.Store.
func (db *DB) ChangesLast(ctx context.Context) (int64, error) {
	var id int64
	err := db.reader().QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM change_log").Scan(&id)
	return id, db.interpretError(err)
}

// ChangesPrune implements store.Store.
func (db *DB) ChangesPrune(ctx context.Context, before int64) error {
	_, err := db.writer().ExecContext(ctx, "DELETE FROM change_log WHERE at < $1", before*1000)
	return db.interpretError(err)
}
