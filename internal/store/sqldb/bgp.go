package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The BGP part of the store (store.BGPStore).

// BlackholeAdd implements store.Store.
func (db *DB) BlackholeAdd(ctx context.Context, b store.Blackhole) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		if _, err := t.tx.ExecContext(ctx, "INSERT INTO blackholes (ip, customer_id, type, created_at) VALUES ($1, $2, $3, $4)",
			b.IP, b.CustomerID, b.Type, b.CreatedAt); err != nil {
			return t.interpretError(err)
		}
		return t.bumpGeneration(ctx, t.tx, "bgp")
	})
}

// BlackholeRemove implements store.Store.
func (db *DB) BlackholeRemove(ctx context.Context, ip string) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		res, err := t.tx.ExecContext(ctx, "DELETE FROM blackholes WHERE ip = $1", ip)
		if err := affected(res, err); err != nil {
			return t.interpretError(err)
		}
		return t.bumpGeneration(ctx, t.tx, "bgp")
	})
}

const blackholeCols = "ip, customer_id, type, created_at"

func (db *DB) blackholes(ctx context.Context, q string, args ...any) ([]store.Blackhole, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+blackholeCols+" FROM blackholes "+q, args...)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.Blackhole
	for rows.Next() {
		var b store.Blackhole
		if err := rows.Scan(&b.IP, &b.CustomerID, &b.Type, &b.CreatedAt); err != nil {
			return nil, err
		}
		list = append(list, b)
	}
	return list, db.interpretError(rows.Err())
}

// BlackholeGet implements store.Store.
func (db *DB) BlackholeGet(ctx context.Context, ip string) (store.Blackhole, error) {
	list, err := db.blackholes(ctx, "WHERE ip = $1", ip)
	if err != nil {
		return store.Blackhole{}, err
	}
	if len(list) == 0 {
		return store.Blackhole{}, store.ErrNotFound
	}
	return list[0], nil
}

// BlackholeList implements store.Store.
func (db *DB) BlackholeList(ctx context.Context, customerID int64) ([]store.Blackhole, error) {
	return db.blackholes(ctx, "WHERE customer_id = $1 ORDER BY ip", customerID)
}

// BlackholesAll implements store.Store.
func (db *DB) BlackholesAll(ctx context.Context) ([]store.Blackhole, error) {
	return db.blackholes(ctx, "ORDER BY ip")
}

// ServiceUpdate implements store.Store.
func (db *DB) ServiceUpdate(ctx context.Context, s store.Service) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		res, err := t.tx.ExecContext(ctx, "UPDATE services SET name = $3, price_minor = $4, price_brutto_minor = $5, ip = $6, details = $7"+
			" WHERE id = $1 AND customer_id = $2", s.ID, s.CustomerID, s.Name, s.PriceMinor, s.PriceBruttoMinor, s.IP, nullText(s.Details))
		if err := affected(res, err); err != nil {
			return t.interpretError(err)
		}
		// Nodes caching services drop this one (the change feed).
		if err := t.ChangeLog(ctx, store.ChangeService, strconv.FormatInt(s.ID, 10)); err != nil {
			return err
		}
		return t.bumpGeneration(ctx, t.tx, "bgp")
	})
}

// ServicesAll implements store.Store.
func (db *DB) ServicesAll(ctx context.Context, typ string) ([]store.Service, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+serviceCols+" FROM services WHERE $1 = '' OR type = $1 ORDER BY id", typ)
	return db.scanServices(rows, err, nil)
}

// IPPoolCreate implements store.Store.
func (db *DB) IPPoolCreate(ctx context.Context, p store.IPPool) error {
	ex, err := json.Marshal(append([]string{}, p.Exclude...))
	if err != nil {
		return err
	}
	_, err = db.writer().ExecContext(ctx, "INSERT INTO ip_pools (id, network, exclude, max_per_server, prices) VALUES ($1, $2, $3, $4, $5)",
		p.ID, p.Network, string(ex), p.MaxPerServer, string(p.Prices))
	return db.interpretError(err)
}

// IPPoolsAll implements store.Store.
func (db *DB) IPPoolsAll(ctx context.Context) ([]store.IPPool, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT id, network, exclude, max_per_server, prices FROM ip_pools ORDER BY id")
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.IPPool
	for rows.Next() {
		var p store.IPPool
		var ex, prices string
		if err := rows.Scan(&p.ID, &p.Network, &ex, &p.MaxPerServer, &prices); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(ex), &p.Exclude); err != nil {
			return nil, err
		}
		p.Prices = []byte(prices)
		list = append(list, p)
	}
	return list, db.interpretError(rows.Err())
}

// IPAllocationAdd implements store.Store. The address is routed to its
// parent server, whose ruleset filters it: the firewall generation is
// raised in the same transaction.
func (db *DB) IPAllocationAdd(ctx context.Context, a store.IPAllocation) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		if _, err := t.tx.ExecContext(ctx, "INSERT INTO ip_allocations (ip, pool_id, service_id, parent_service_id) VALUES ($1, $2, $3, $4)",
			a.IP, a.PoolID, a.ServiceID, a.ParentServiceID); err != nil {
			return t.interpretError(err)
		}
		return t.bumpGeneration(ctx, t.tx, "firewall")
	})
}

// IPAllocationsAll implements store.Store.
func (db *DB) IPAllocationsAll(ctx context.Context) ([]store.IPAllocation, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT ip, pool_id, service_id, parent_service_id FROM ip_allocations ORDER BY ip")
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.IPAllocation
	for rows.Next() {
		var a store.IPAllocation
		if err := rows.Scan(&a.IP, &a.PoolID, &a.ServiceID, &a.ParentServiceID); err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, db.interpretError(rows.Err())
}

var _ = sql.ErrNoRows
