package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"sync/atomic"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// DNSSEC (dnssec_zones, dnssec_keys; migration 00019). Every write runs in
// a transaction that logs a dns change of the zone's domain (logZone), so
// every node's zone builder rebuilds (re-signs) the zone.

const dnssecZoneCols = "d.zone_id, z.customer_id, z.domain, d.state, d.algorithm, d.ds_sent, d.ds_synced_at," +
	" d.unsign_at, d.next_at, d.version, d.created_at, d.updated_at"

const dnssecZoneFrom = " FROM dnssec_zones d JOIN dns_zones z ON z.id = d.zone_id"

const dnssecKeyCols = "id, zone_id, role, algorithm, flags, key_tag, public_key, private_sealed, created_at," +
	" publish_at, active_at, retire_at, remove_at, ds_at"

func scanDNSSECZone(s scanner, z *store.DNSSECZone) error {
	var ds string
	var alg int64
	if err := s.Scan(&z.ZoneID, &z.CustomerID, &z.Domain, &z.State, &alg, &ds, &z.DSSyncedAt,
		&z.UnsignAt, &z.NextAt, &z.Version, &z.CreatedAt, &z.UpdatedAt); err != nil {
		return err
	}
	z.Algorithm = uint8(alg)
	z.DSSent = []string{}
	if err := json.Unmarshal([]byte(ds), &z.DSSent); err != nil {
		return err
	}
	return nil
}

func scanDNSSECKey(s scanner, k *store.DNSSECKey) error {
	var alg, flags, tag int64
	if err := s.Scan(&k.ID, &k.ZoneID, &k.Role, &alg, &flags, &tag, &k.PublicKey, &k.PrivateSealed, &k.CreatedAt,
		&k.PublishAt, &k.ActiveAt, &k.RetireAt, &k.RemoveAt, &k.DSAt); err != nil {
		return err
	}
	k.Algorithm, k.Flags, k.KeyTag = uint8(alg), uint16(flags), uint16(tag)
	return nil
}

func dsJSON(ds []string) (string, error) {
	if ds == nil {
		ds = []string{}
	}
	b, err := json.Marshal(ds)
	return string(b), err
}

// DNSSECEnable implements store.Store.
func (db *DB) DNSSECEnable(ctx context.Context, z *store.DNSSECZone, keys []store.DNSSECKey) error {
	return db.InTx(ctx, func(t store.Store) error {
		tx := t.(*DB).tx
		var one int
		if err := tx.QueryRowContext(ctx, "SELECT 1 FROM dns_zones WHERE id = $1 AND customer_id = $2",
			z.ZoneID, z.CustomerID).Scan(&one); err != nil {
			return db.interpretError(err) // ErrNotFound
		}
		ds, err := dsJSON(z.DSSent)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO dnssec_zones (zone_id, state, algorithm, ds_sent, ds_synced_at,"+
			" unsign_at, next_at, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9)",
			z.ZoneID, z.State, int64(z.Algorithm), ds, z.DSSyncedAt, z.UnsignAt, z.NextAt, z.CreatedAt, z.UpdatedAt); err != nil {
			return db.interpretError(err) // ErrConflict: already enabled
		}
		for i := range keys {
			keys[i].ZoneID = z.ZoneID
			if err := t.(*DB).insertDNSSECKey(ctx, &keys[i]); err != nil {
				return err
			}
		}
		z.Version = 1
		return logZone(ctx, t, z.ZoneID)
	})
}

func (db *DB) insertDNSSECKey(ctx context.Context, k *store.DNSSECKey) error {
	return db.interpretError(db.tx.QueryRowContext(ctx, "INSERT INTO dnssec_keys (zone_id, role, algorithm, flags, key_tag,"+
		" public_key, private_sealed, created_at, publish_at, active_at, retire_at, remove_at, ds_at)"+
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
		k.ZoneID, k.Role, int64(k.Algorithm), int64(k.Flags), int64(k.KeyTag), k.PublicKey, k.PrivateSealed,
		k.CreatedAt, k.PublishAt, k.ActiveAt, k.RetireAt, k.RemoveAt, k.DSAt).Scan(&k.ID))
}

// DNSSECGet implements store.Store.
func (db *DB) DNSSECGet(ctx context.Context, customerID, zoneID int64) (store.DNSSECZone, error) {
	var z store.DNSSECZone
	err := scanDNSSECZone(db.reader().QueryRowContext(ctx, "SELECT "+dnssecZoneCols+dnssecZoneFrom+
		" WHERE d.zone_id = $1 AND z.customer_id = $2", zoneID, customerID), &z)
	if err != nil {
		return store.DNSSECZone{}, db.interpretError(err)
	}
	return z, nil
}

// DNSSECKeys implements store.Store.
func (db *DB) DNSSECKeys(ctx context.Context, zoneID int64) ([]store.DNSSECKey, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+dnssecKeyCols+" FROM dnssec_keys WHERE zone_id = $1 ORDER BY id", zoneID)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.DNSSECKey
	for rows.Next() {
		var k store.DNSSECKey
		if err := scanDNSSECKey(rows, &k); err != nil {
			return nil, err
		}
		list = append(list, k)
	}
	return list, db.interpretError(rows.Err())
}

// DNSSECByDomain implements store.Store: the row and keys are read in one
// transaction, so they belong together.
func (db *DB) DNSSECByDomain(ctx context.Context, domain string) (store.DNSSECZone, []store.DNSSECKey, error) {
	var z store.DNSSECZone
	var keys []store.DNSSECKey
	read := func(q *DB) error {
		if err := scanDNSSECZone(q.reader().QueryRowContext(ctx, "SELECT "+dnssecZoneCols+dnssecZoneFrom+
			" WHERE z.domain = $1", domain), &z); err != nil {
			return q.interpretError(err)
		}
		var err error
		keys, err = q.DNSSECKeys(ctx, z.ZoneID)
		return err
	}
	var err error
	if db.tx != nil {
		err = read(db)
	} else {
		err = db.readTx(ctx, read)
	}
	if err != nil {
		return store.DNSSECZone{}, nil, err
	}
	return z, keys, nil
}

// readTx runs fn in a read-only transaction of the read pool (one
// snapshot for several statements).
func (db *DB) readTx(ctx context.Context, fn func(q *DB) error) error {
	tx, err := db.c.r.BeginTx(ctx, nil)
	if err != nil {
		return db.interpretError(err)
	}
	defer tx.Rollback()
	return fn(&DB{c: db.c, tx: tx, ts: new([numStmts]atomic.Pointer[sql.Stmt]), pending: new(pendingChanges)})
}

// DNSSECZones implements store.Store.
func (db *DB) DNSSECZones(ctx context.Context) ([]store.DNSSECZone, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+dnssecZoneCols+dnssecZoneFrom+" ORDER BY d.zone_id")
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.DNSSECZone
	for rows.Next() {
		var z store.DNSSECZone
		if err := scanDNSSECZone(rows, &z); err != nil {
			return nil, err
		}
		list = append(list, z)
	}
	return list, db.interpretError(rows.Err())
}

// DNSSECSave implements store.Store: one conditional UPDATE on the
// version (compare-and-swap).
func (db *DB) DNSSECSave(ctx context.Context, z *store.DNSSECZone) error {
	ds, err := dsJSON(z.DSSent)
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(t store.Store) error {
		tx := t.(*DB).tx
		res, err := tx.ExecContext(ctx, "UPDATE dnssec_zones SET state = $1, algorithm = $2, ds_sent = $3, ds_synced_at = $4,"+
			" unsign_at = $5, next_at = $6, updated_at = $7, version = version + 1"+
			" WHERE zone_id = $8 AND version = $9 AND zone_id IN (SELECT id FROM dns_zones WHERE customer_id = $10)",
			z.State, int64(z.Algorithm), ds, z.DSSyncedAt, z.UnsignAt, z.NextAt, z.UpdatedAt, z.ZoneID, z.Version, z.CustomerID)
		if err != nil {
			return db.interpretError(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return t.(*DB).dnssecMissOrStale(ctx, z.CustomerID, z.ZoneID)
		}
		if err := logZone(ctx, t, z.ZoneID); err != nil {
			return err
		}
		z.Version++
		return nil
	})
}

// dnssecMissOrStale tells why a compare-and-swap matched no row.
func (db *DB) dnssecMissOrStale(ctx context.Context, customerID, zoneID int64) error {
	var one int
	err := db.tx.QueryRowContext(ctx, "SELECT 1"+dnssecZoneFrom+" WHERE d.zone_id = $1 AND z.customer_id = $2",
		zoneID, customerID).Scan(&one)
	if err != nil {
		return db.interpretError(err) // ErrNotFound
	}
	return store.ErrStale
}

// DNSSECKeyAdd implements store.Store.
func (db *DB) DNSSECKeyAdd(ctx context.Context, k *store.DNSSECKey) error {
	return db.InTx(ctx, func(t store.Store) error {
		tx := t.(*DB)
		var one int
		if err := tx.tx.QueryRowContext(ctx, "SELECT 1 FROM dnssec_zones WHERE zone_id = $1", k.ZoneID).Scan(&one); err != nil {
			return db.interpretError(err)
		}
		if err := tx.insertDNSSECKey(ctx, k); err != nil {
			return err
		}
		return logZone(ctx, t, k.ZoneID)
	})
}

// DNSSECKeySave implements store.Store.
func (db *DB) DNSSECKeySave(ctx context.Context, k store.DNSSECKey) error {
	return db.InTx(ctx, func(t store.Store) error {
		res, err := t.(*DB).tx.ExecContext(ctx, "UPDATE dnssec_keys SET publish_at = $1, active_at = $2, retire_at = $3,"+
			" remove_at = $4, ds_at = $5 WHERE id = $6 AND zone_id = $7",
			k.PublishAt, k.ActiveAt, k.RetireAt, k.RemoveAt, k.DSAt, k.ID, k.ZoneID)
		if err := rowsOrNotFound(res, err, db); err != nil {
			return err
		}
		return logZone(ctx, t, k.ZoneID)
	})
}

// DNSSECKeyDelete implements store.Store.
func (db *DB) DNSSECKeyDelete(ctx context.Context, zoneID, keyID int64) error {
	return db.InTx(ctx, func(t store.Store) error {
		res, err := t.(*DB).tx.ExecContext(ctx, "DELETE FROM dnssec_keys WHERE id = $1 AND zone_id = $2", keyID, zoneID)
		if err := rowsOrNotFound(res, err, db); err != nil {
			return err
		}
		return logZone(ctx, t, zoneID)
	})
}

// DNSSECDelete implements store.Store; the keys go with the row (ON
// DELETE CASCADE).
func (db *DB) DNSSECDelete(ctx context.Context, customerID, zoneID, version int64) error {
	return db.InTx(ctx, func(t store.Store) error {
		tx := t.(*DB)
		res, err := tx.tx.ExecContext(ctx, "DELETE FROM dnssec_zones WHERE zone_id = $1 AND version = $2"+
			" AND zone_id IN (SELECT id FROM dns_zones WHERE customer_id = $3)", zoneID, version, customerID)
		if err != nil {
			return db.interpretError(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return tx.dnssecMissOrStale(ctx, customerID, zoneID)
		}
		return logZone(ctx, t, zoneID)
	})
}

// rowsOrNotFound turns an UPDATE or DELETE that matched nothing into
// ErrNotFound.
func rowsOrNotFound(res interface{ RowsAffected() (int64, error) }, err error, db *DB) error {
	if err != nil {
		return db.interpretError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// DNSSECZoneTouch implements store.Store.
func (db *DB) DNSSECZoneTouch(ctx context.Context, customerID, zoneID, expectSerial, newSerial, updatedAt int64) error {
	return db.InTx(ctx, func(t store.Store) error {
		tx := t.(*DB).tx
		res, err := tx.ExecContext(ctx, "UPDATE dns_zones SET serial = $1, updated_at = $2 WHERE id = $3 AND customer_id = $4 AND serial = $5",
			newSerial, updatedAt, zoneID, customerID, expectSerial)
		if err != nil {
			return db.interpretError(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var one int
			if err := tx.QueryRowContext(ctx, "SELECT 1 FROM dns_zones WHERE id = $1 AND customer_id = $2", zoneID, customerID).Scan(&one); err != nil {
				return db.interpretError(err)
			}
			return store.ErrStale
		}
		return logZone(ctx, t, zoneID)
	})
}
