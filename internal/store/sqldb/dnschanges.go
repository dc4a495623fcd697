package sqldb

import (
	"context"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The DNS change log (dns_changes) is appended to by the writes of dns.go,
// revdns.go and secondary.go in their transactions, and read by every
// node's zonesync.Syncer.

// logDNSChange appends a change of the zone domain. q is the transaction
// of the change.
func (db *DB) logDNSChange(ctx context.Context, q querier, domain string) error {
	_, err := q.ExecContext(ctx, "INSERT INTO dns_changes (domain, at) VALUES ($1, $2)", domain, time.Now().Unix())
	return db.interpretError(err)
}

// logZoneChange appends a change of the zone zoneID (dns_zones). q is the
// transaction of the change.
func (db *DB) logZoneChange(ctx context.Context, q querier, zoneID int64) error {
	_, err := q.ExecContext(ctx, "INSERT INTO dns_changes (domain, at) SELECT domain, $2 FROM dns_zones WHERE id = $1",
		zoneID, time.Now().Unix())
	return db.interpretError(err)
}

// DNSChangesSince implements store.Store.
func (db *DB) DNSChangesSince(ctx context.Context, afterID int64, limit int) ([]store.DNSChange, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT id, domain, at FROM dns_changes WHERE id > $1 ORDER BY id LIMIT $2",
		afterID, db.limit(limit))
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.DNSChange
	for rows.Next() {
		var c store.DNSChange
		if err := rows.Scan(&c.ID, &c.Domain, &c.At); err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, db.interpretError(rows.Err())
}

// DNSChangesLast implements store.Store.
func (db *DB) DNSChangesLast(ctx context.Context) (int64, error) {
	var id int64
	err := db.reader().QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM dns_changes").Scan(&id)
	return id, db.interpretError(err)
}

// DNSChangesPrune implements store.Store.
func (db *DB) DNSChangesPrune(ctx context.Context, before int64) error {
	_, err := db.writer().ExecContext(ctx, "DELETE FROM dns_changes WHERE at < $1", before)
	return db.interpretError(err)
}
