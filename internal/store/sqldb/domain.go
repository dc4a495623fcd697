package sqldb

import (
	"context"
	"strconv"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The domain part of the store (store.DomainStore). Like the DNS tables,
// these rare writes use plain queries rather than the prepared statement
// table of queries.go.

// ServiceDetailsUpdate implements store.Store. The change is logged
// (store.ChangeService) in the same transaction.
func (db *DB) ServiceDetailsUpdate(ctx context.Context, customerID, serviceID int64, details []byte) error {
	if db.tx == nil {
		return db.InTx(ctx, func(t store.Store) error {
			return t.ServiceDetailsUpdate(ctx, customerID, serviceID, details)
		})
	}
	res, err := db.tx.ExecContext(ctx,
		"UPDATE services SET details = $1 WHERE id = $2 AND customer_id = $3",
		nullText(details), serviceID, customerID)
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
	return db.ChangeLog(ctx, store.ChangeService, strconv.FormatInt(serviceID, 10))
}

// AllowanceList implements store.Store.
func (db *DB) AllowanceList(ctx context.Context, customerID int64) ([]string, error) {
	rows, err := db.reader().QueryContext(ctx,
		"SELECT domain FROM dns_allowances WHERE customer_id = $1 ORDER BY domain", customerID)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		list = append(list, d)
	}
	return list, db.interpretError(rows.Err())
}
