package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The secondary zone tables (dns_secondary: the check state, one row per
// zone once it was checked; dns_secondary_content: the transferred records,
// one TEXT value per zone, one record a line) are reached with plain
// queries, like the other DNS tables: the transfer worker calls these
// methods a few times per zone and refresh interval.

// isSecondary is the condition selecting secondary zones of dns_zones z.
const isSecondary = "z.type = '" + store.ZoneTypeSecondary + "'"

// secondaryStateCols are the columns scanned by scanSecondaryState, over
// dns_zones z LEFT JOIN dns_secondary s LEFT JOIN dns_secondary_content c.
const secondaryStateCols = "z.id, z.customer_id, z.domain, z.type, z.master_nameserver, z.serial," +
	" z.created_at, z.updated_at, z.refreshed_at," +
	" COALESCE(s.refresh, 0), COALESCE(s.retry, 0), COALESCE(s.expire, 0), COALESCE(s.checked_at, 0)," +
	" COALESCE(s.next_check, 0), COALESCE(s.failures, 0), COALESCE(s.failed_at, 0)," +
	" COALESCE(s.last_error, ''), COALESCE(s.expired, FALSE), c.zone_id IS NOT NULL"

const secondaryFrom = " FROM dns_zones z LEFT JOIN dns_secondary s ON s.zone_id = z.id" +
	" LEFT JOIN dns_secondary_content c ON c.zone_id = z.id"

func scanSecondaryState(sc scanner, st *store.SecondaryState, extra ...any) error {
	z := &st.Zone
	return sc.Scan(append([]any{&z.ID, &z.CustomerID, &z.Domain, &z.Type, &z.MasterNameserver, &z.Serial,
		&z.CreatedAt, &z.UpdatedAt, &z.RefreshedAt,
		&st.Refresh, &st.Retry, &st.Expire, &st.CheckedAt, &st.NextCheck, &st.Failures, &st.FailedAt,
		&st.LastError, &st.Expired, &st.Transferred}, extra...)...)
}

// SecondaryZonesDue implements store.Store.
func (db *DB) SecondaryZonesDue(ctx context.Context, now int64, limit int) ([]store.SecondaryState, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+secondaryStateCols+secondaryFrom+
		" WHERE "+isSecondary+" AND COALESCE(s.next_check, 0) <= $1"+
		" ORDER BY COALESCE(s.next_check, 0), z.id LIMIT $2", now, db.limit(limit))
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.SecondaryState
	for rows.Next() {
		var st store.SecondaryState
		if err := scanSecondaryState(rows, &st); err != nil {
			return nil, err
		}
		list = append(list, st)
	}
	return list, db.interpretError(rows.Err())
}

// secondaryExpired returns whether the secondary zone zoneID is marked
// expired, or store.ErrNotFound unless it is a secondary zone. q is the
// transaction.
func (db *DB) secondaryExpired(ctx context.Context, q querier, zoneID int64) (bool, error) {
	var expired bool
	err := q.QueryRowContext(ctx, "SELECT COALESCE(s.expired, FALSE) FROM dns_zones z"+
		" LEFT JOIN dns_secondary s ON s.zone_id = z.id WHERE z.id = $1 AND "+isSecondary, zoneID).Scan(&expired)
	return expired, db.interpretError(err)
}

// SecondaryTransferStore implements store.Store. The conditional UPDATE of
// the zone's row is the compare-and-swap and locks the row (see
// ZoneRecordsReplace). The zone is logged in the change log in the same
// transaction.
func (db *DB) SecondaryTransferStore(ctx context.Context, t store.SecondaryTransfer) error {
	if t.At == 0 {
		return errors.New("store: SecondaryTransferStore: At is 0")
	}
	for _, r := range t.Records {
		if strings.ContainsAny(r, "\n\r") {
			return errors.New("store: SecondaryTransferStore: a record contains a line break")
		}
	}
	records := strings.Join(t.Records, "\n")
	return db.InTx(ctx, func(s store.Store) error {
		tx := s.(*DB).tx
		res, err := tx.ExecContext(ctx, "UPDATE dns_zones SET serial = $1, refreshed_at = $2, updated_at = $2"+
			" WHERE id = $3 AND type = '"+store.ZoneTypeSecondary+"' AND serial = $4 AND refreshed_at = $5",
			t.Serial, t.At, t.ZoneID, t.ExpectSerial, t.ExpectRefreshedAt)
		if err != nil {
			return db.interpretError(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			if _, err := db.secondaryExpired(ctx, tx, t.ZoneID); err != nil {
				return err
			}
			return store.ErrStale
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO dns_secondary"+
			" (zone_id, refresh, retry, expire, checked_at, next_check, failures, failed_at, last_error, expired)"+
			" VALUES ($1, $2, $3, $4, $5, $6, 0, 0, '', FALSE)"+
			" ON CONFLICT (zone_id) DO UPDATE SET refresh = excluded.refresh, retry = excluded.retry,"+
			" expire = excluded.expire, checked_at = excluded.checked_at, next_check = excluded.next_check,"+
			" failures = 0, failed_at = 0, last_error = '', expired = FALSE",
			t.ZoneID, t.Refresh, t.Retry, t.Expire, t.At, t.Next); err != nil {
			return db.interpretError(err)
		}
		if _, err = tx.ExecContext(ctx, "INSERT INTO dns_secondary_content (zone_id, records) VALUES ($1, $2)"+
			" ON CONFLICT (zone_id) DO UPDATE SET records = excluded.records", t.ZoneID, records); err != nil {
			return db.interpretError(err)
		}
		return logZone(ctx, s, t.ZoneID)
	})
}

// SecondaryCheckOK implements store.Store. Clearing the expired flag is
// logged in the change log in the same transaction.
func (db *DB) SecondaryCheckOK(ctx context.Context, zoneID, at, next int64) error {
	return db.InTx(ctx, func(s store.Store) error {
		tx := s.(*DB).tx
		wasExpired, err := db.secondaryExpired(ctx, tx, zoneID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO dns_secondary (zone_id, checked_at, next_check) VALUES ($1, $2, $3)"+
			" ON CONFLICT (zone_id) DO UPDATE SET checked_at = excluded.checked_at, next_check = excluded.next_check,"+
			" failures = 0, failed_at = 0, last_error = '', expired = FALSE",
			zoneID, at, next); err != nil {
			return db.interpretError(err)
		}
		if wasExpired { // served again
			return logZone(ctx, s, zoneID)
		}
		return nil
	})
}

// SecondaryCheckFailed implements store.Store. The expiry is decided in
// the same statement that counts the failure, from the stored CheckedAt
// and Expire, so that a concurrent success is never overridden by a stale
// decision. Marking the zone expired is logged in the change log in the same
// transaction.
func (db *DB) SecondaryCheckFailed(ctx context.Context, zoneID, at, next int64, reason string) (bool, error) {
	var expired bool
	err := db.InTx(ctx, func(s store.Store) error {
		tx := s.(*DB).tx
		wasExpired, err := db.secondaryExpired(ctx, tx, zoneID)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, "INSERT INTO dns_secondary (zone_id, next_check, failures, failed_at, last_error)"+
			" VALUES ($1, $2, 1, $3, $4)"+
			" ON CONFLICT (zone_id) DO UPDATE SET next_check = excluded.next_check,"+
			" failures = dns_secondary.failures + 1, failed_at = excluded.failed_at, last_error = excluded.last_error,"+
			" expired = (dns_secondary.expired OR (excluded.failed_at >= dns_secondary.checked_at + dns_secondary.expire"+
			" AND EXISTS (SELECT 1 FROM dns_secondary_content c WHERE c.zone_id = dns_secondary.zone_id)))"+
			" RETURNING expired",
			zoneID, next, at, reason).Scan(&expired)
		if err != nil {
			return db.interpretError(err)
		}
		if expired && !wasExpired { // no longer served
			return logZone(ctx, s, zoneID)
		}
		return nil
	})
	return expired, err
}

// SecondaryZoneState implements store.Store.
func (db *DB) SecondaryZoneState(ctx context.Context, zoneID int64) (store.SecondaryState, error) {
	var st store.SecondaryState
	err := scanSecondaryState(db.reader().QueryRowContext(ctx, "SELECT "+secondaryStateCols+
		secondaryFrom+" WHERE z.id = $1 AND "+isSecondary, zoneID), &st)
	if err != nil {
		return store.SecondaryState{}, db.interpretError(err)
	}
	return st, nil
}

// SecondaryZoneContent implements store.Store.
func (db *DB) SecondaryZoneContent(ctx context.Context, zoneID int64) (store.SecondaryContent, error) {
	var c store.SecondaryContent
	var records sql.NullString
	err := scanSecondaryState(db.reader().QueryRowContext(ctx, "SELECT "+secondaryStateCols+", c.records"+
		secondaryFrom+" WHERE z.id = $1 AND "+isSecondary, zoneID), &c.SecondaryState, &records)
	if err != nil {
		return store.SecondaryContent{}, db.interpretError(err)
	}
	if records.Valid {
		c.Records = []string{}
		if records.String != "" {
			c.Records = strings.Split(records.String, "\n")
		}
	}
	return c, nil
}
