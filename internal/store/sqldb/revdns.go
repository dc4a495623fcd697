package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The reverse DNS tables (rev_dns_zones, rev_dns_subclasses, rev_dns_ptrs)
// are reached with plain queries, like the DNS tables (dns.go).
//
// Orders of text columns are made in Go (byte order): PostgreSQL sorts text
// by the database's collation, which need not be SQLite's byte order.

// ptrBatch is the number of PTR records inserted by one statement (5
// parameters each).
const ptrBatch = 100

// PTRSubclassGet implements store.Store.
func (db *DB) PTRSubclassGet(ctx context.Context, customerID, subnetworkID int64, subclass string) (store.PTRSubclass, error) {
	s := store.PTRSubclass{CustomerID: customerID, SubnetworkID: subnetworkID, Subclass: subclass}
	err := db.reader().QueryRowContext(ctx, "SELECT zone, serial, updated_at FROM rev_dns_subclasses"+
		" WHERE customer_id = $1 AND subnetwork_id = $2 AND subclass = $3", customerID, subnetworkID, subclass).
		Scan(&s.Zone, &s.Serial, &s.UpdatedAt)
	if err != nil {
		return store.PTRSubclass{}, db.interpretError(err)
	}
	return s, nil
}

// PTRList implements store.Store.
func (db *DB) PTRList(ctx context.Context, customerID, subnetworkID int64, subclass string) ([]store.PTRRecord, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT address, ptr FROM rev_dns_ptrs"+
		" WHERE customer_id = $1 AND subnetwork_id = $2 AND subclass = $3", customerID, subnetworkID, subclass)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.PTRRecord
	for rows.Next() {
		var r store.PTRRecord
		if err := rows.Scan(&r.Address, &r.PTR); err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, db.interpretError(err)
	}
	slices.SortFunc(list, func(a, b store.PTRRecord) int { return strings.Compare(a.Address, b.Address) })
	return list, nil
}

// PTRReplace implements store.Store. The serial is swapped by one
// conditional UPDATE (which locks the subclass's row: in PostgreSQL a
// concurrent replacement waits for it and then finds the serial changed) or,
// for a subclass never written and ExpectSerial 0, by an INSERT that does
// nothing when a concurrent one created the row first. In SQLite writers
// are serialised anyway. The zone's serial is raised by one upsert, which
// serialises concurrent changes of different subclasses of one zone. The
// reverse zone p.Zone is logged in the change log in the same transaction (a
// subclass's zone follows from its name, so it never moves between zones).
func (db *DB) PTRReplace(ctx context.Context, p store.PTRReplaceParams) error {
	return db.InTx(ctx, func(t store.Store) error {
		tx := t.(*DB).tx
		res, err := tx.ExecContext(ctx, "UPDATE rev_dns_subclasses SET serial = $1, updated_at = $2, zone = $3"+
			" WHERE customer_id = $4 AND subnetwork_id = $5 AND subclass = $6 AND serial = $7",
			p.NewSerial, p.UpdatedAt, p.Zone, p.CustomerID, p.SubnetworkID, p.Subclass, p.ExpectSerial)
		if err != nil {
			return db.interpretError(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			if p.ExpectSerial != 0 {
				return store.ErrStale
			}
			res, err := tx.ExecContext(ctx, "INSERT INTO rev_dns_subclasses"+
				" (customer_id, subnetwork_id, subclass, zone, serial, updated_at) VALUES ($1, $2, $3, $4, $5, $6)"+
				" ON CONFLICT (customer_id, subnetwork_id, subclass) DO NOTHING",
				p.CustomerID, p.SubnetworkID, p.Subclass, p.Zone, p.NewSerial, p.UpdatedAt)
			if err != nil {
				return db.interpretError(err) // ErrNotFound for a missing customer
			}
			if n, err = res.RowsAffected(); err != nil {
				return err
			}
			if n == 0 {
				return store.ErrStale // the row exists with another serial
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO rev_dns_zones (name, serial, updated_at) VALUES ($1, $2, $3)"+
			" ON CONFLICT (name) DO UPDATE SET serial = CASE WHEN excluded.serial > rev_dns_zones.serial"+
			" THEN excluded.serial ELSE rev_dns_zones.serial + 1 END, updated_at = excluded.updated_at",
			p.Zone, p.NewSerial, p.UpdatedAt); err != nil {
			return db.interpretError(err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM rev_dns_ptrs WHERE customer_id = $1 AND subnetwork_id = $2 AND subclass = $3",
			p.CustomerID, p.SubnetworkID, p.Subclass); err != nil {
			return db.interpretError(err)
		}
		for start := 0; start < len(p.Records); start += ptrBatch {
			batch := p.Records[start:min(start+ptrBatch, len(p.Records))]
			var b strings.Builder
			b.WriteString("INSERT INTO rev_dns_ptrs (customer_id, subnetwork_id, subclass, address, ptr) VALUES ")
			args := make([]any, 0, 5*len(batch))
			for i, r := range batch {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteByte('(')
				for j := 1; j <= 5; j++ {
					if j > 1 {
						b.WriteString(", ")
					}
					b.WriteString("$" + strconv.Itoa(len(args)+j))
				}
				b.WriteByte(')')
				args = append(args, p.CustomerID, p.SubnetworkID, p.Subclass, r.Address, r.PTR)
			}
			if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
				return db.interpretError(err)
			}
		}
		return logDNS(ctx, t, p.Zone)
	})
}

// reverseZonesSQL reads zones with their PTR records (one row per record,
// one row with NULL record columns per subclass without records). One
// statement, so a zone's serial always matches its records.
const reverseZonesSQL = "SELECT z.name, z.serial, z.updated_at, p.customer_id, p.subnetwork_id, p.subclass, p.address, p.ptr" +
	" FROM rev_dns_zones z" +
	" LEFT JOIN rev_dns_subclasses s ON s.zone = z.name" +
	" LEFT JOIN rev_dns_ptrs p ON p.customer_id = s.customer_id AND p.subnetwork_id = s.subnetwork_id AND p.subclass = s.subclass"

// PTRsAll implements store.Store.
func (db *DB) PTRsAll(ctx context.Context) ([]store.ReverseZone, error) {
	return db.reverseZones(ctx, reverseZonesSQL+" ORDER BY z.name")
}

// ReverseZoneGet implements store.Store.
func (db *DB) ReverseZoneGet(ctx context.Context, zone string) (store.ReverseZone, error) {
	list, err := db.reverseZones(ctx, reverseZonesSQL+" WHERE z.name = $1", zone)
	if err != nil {
		return store.ReverseZone{}, err
	}
	if len(list) == 0 {
		return store.ReverseZone{}, store.ErrNotFound
	}
	return list[0], nil
}

// reverseZones runs a reverseZonesSQL query whose rows come grouped by
// zone and returns the zones in byte order of their names, each with its
// records in byte order of the address (then customer and subnetwork).
func (db *DB) reverseZones(ctx context.Context, query string, args ...any) ([]store.ReverseZone, error) {
	rows, err := db.reader().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.ReverseZone
	for rows.Next() {
		var z store.ReverseZone
		var cust, subnet sql.NullInt64
		var subclass, addr, ptr sql.NullString
		if err := rows.Scan(&z.Name, &z.Serial, &z.UpdatedAt, &cust, &subnet, &subclass, &addr, &ptr); err != nil {
			return nil, err
		}
		if n := len(list); n == 0 || list[n-1].Name != z.Name {
			list = append(list, z)
		}
		if addr.Valid {
			last := &list[len(list)-1]
			last.PTRs = append(last.PTRs, store.PTR{CustomerID: cust.Int64, SubnetworkID: subnet.Int64,
				Subclass: subclass.String, PTRRecord: store.PTRRecord{Address: addr.String, PTR: ptr.String}})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, db.interpretError(err)
	}
	slices.SortFunc(list, func(a, b store.ReverseZone) int { return strings.Compare(a.Name, b.Name) })
	for _, z := range list {
		slices.SortFunc(z.PTRs, func(a, b store.PTR) int {
			return cmp.Or(strings.Compare(a.Address, b.Address), cmp.Compare(a.CustomerID, b.CustomerID),
				cmp.Compare(a.SubnetworkID, b.SubnetworkID), strings.Compare(a.Subclass, b.Subclass))
		})
	}
	return list, nil
}
