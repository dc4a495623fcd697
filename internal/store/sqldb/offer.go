package sqldb

import (
	"context"
	"database/sql"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The offer part of the store (store.OfferStore): express servers,
// invoices, access tokens and panel settings.

// nullID binds 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// ExpressServerPut implements store.Store.
func (db *DB) ExpressServerPut(ctx context.Context, s store.ExpressServer) error {
	_, err := db.writer().ExecContext(ctx, `INSERT INTO express_servers
 (id, hardware, regular_price, reseller_price, currency, payment_period, reserved_by, reserved_until, sold_to, sold_service_id, sold_at)
 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
 ON CONFLICT (id) DO UPDATE SET hardware = excluded.hardware, regular_price = excluded.regular_price,
 reseller_price = excluded.reseller_price, currency = excluded.currency, payment_period = excluded.payment_period,
 reserved_by = excluded.reserved_by, reserved_until = excluded.reserved_until, sold_to = excluded.sold_to,
 sold_service_id = excluded.sold_service_id, sold_at = excluded.sold_at`,
		s.ID, string(s.Hardware), s.RegularPrice, s.ResellerPrice, s.Currency, s.PaymentPeriod,
		nullID(s.ReservedBy), s.ReservedUntil, nullID(s.SoldTo), nullID(s.SoldServiceID), s.SoldAt)
	return db.interpretError(err)
}

const expressCols = "id, hardware, regular_price, reseller_price, currency, payment_period, reserved_by, reserved_until, sold_to, sold_service_id, sold_at"

func (db *DB) expressServers(ctx context.Context, q string, args ...any) ([]store.ExpressServer, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+expressCols+" FROM express_servers "+q, args...)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.ExpressServer
	for rows.Next() {
		var s store.ExpressServer
		var hw string
		var rb, st, ss sql.NullInt64
		if err := rows.Scan(&s.ID, &hw, &s.RegularPrice, &s.ResellerPrice, &s.Currency, &s.PaymentPeriod,
			&rb, &s.ReservedUntil, &st, &ss, &s.SoldAt); err != nil {
			return nil, err
		}
		s.Hardware, s.ReservedBy, s.SoldTo, s.SoldServiceID = []byte(hw), rb.Int64, st.Int64, ss.Int64
		list = append(list, s)
	}
	return list, db.interpretError(rows.Err())
}

// ExpressServersAll implements store.Store.
func (db *DB) ExpressServersAll(ctx context.Context) ([]store.ExpressServer, error) {
	return db.expressServers(ctx, "ORDER BY id")
}

// ExpressServerGet implements store.Store.
func (db *DB) ExpressServerGet(ctx context.Context, id int64) (store.ExpressServer, error) {
	list, err := db.expressServers(ctx, "WHERE id = $1", id)
	if err != nil {
		return store.ExpressServer{}, err
	}
	if len(list) == 0 {
		return store.ExpressServer{}, store.ErrNotFound
	}
	return list[0], nil
}

// ExpressReserve implements store.Store.
func (db *DB) ExpressReserve(ctx context.Context, serverID, customerID, until, now int64) error {
	res, err := db.writer().ExecContext(ctx, `UPDATE express_servers SET reserved_by = $2, reserved_until = $3
 WHERE id = $1 AND sold_at = 0 AND (reserved_by IS NULL OR reserved_until <= $4)`, serverID, customerID, until, now)
	return db.interpretError(affected(res, err))
}

// ExpressReservationCancel implements store.Store.
func (db *DB) ExpressReservationCancel(ctx context.Context, serverID, customerID, now int64) error {
	res, err := db.writer().ExecContext(ctx, `UPDATE express_servers SET reserved_by = NULL, reserved_until = 0
 WHERE id = $1 AND sold_at = 0 AND reserved_by = $2 AND reserved_until > $3`, serverID, customerID, now)
	return db.interpretError(affected(res, err))
}

// ExpressReservationsExpire implements store.Store.
func (db *DB) ExpressReservationsExpire(ctx context.Context, now int64) (int64, error) {
	res, err := db.writer().ExecContext(ctx, `UPDATE express_servers SET reserved_by = NULL, reserved_until = 0
 WHERE reserved_by IS NOT NULL AND reserved_until <= $1`, now)
	if err != nil {
		return 0, db.interpretError(err)
	}
	return res.RowsAffected()
}

// ExpressSell implements store.Store.
func (db *DB) ExpressSell(ctx context.Context, serverID, customerID, now int64) error {
	res, err := db.writer().ExecContext(ctx, `UPDATE express_servers SET sold_to = $2, sold_at = $3, reserved_by = NULL, reserved_until = 0
 WHERE id = $1 AND sold_at = 0 AND (reserved_by IS NULL OR reserved_by = $2 OR reserved_until <= $3)`, serverID, customerID, now)
	return db.interpretError(affected(res, err))
}

// ExpressSoldService implements store.Store.
func (db *DB) ExpressSoldService(ctx context.Context, serverID, serviceID int64) error {
	res, err := db.writer().ExecContext(ctx, "UPDATE express_servers SET sold_service_id = $2 WHERE id = $1 AND sold_at <> 0", serverID, serviceID)
	return db.interpretError(affected(res, err))
}

// CustomerLock implements store.Store: an update that changes nothing
// takes the row lock on PostgreSQL.
func (db *DB) CustomerLock(ctx context.Context, customerID int64) error {
	res, err := db.writer().ExecContext(ctx, "UPDATE customers SET reseller = reseller WHERE id = $1", customerID)
	return db.interpretError(affected(res, err))
}

// SettingGet implements store.Store.
func (db *DB) SettingGet(ctx context.Context, key string) (string, error) {
	var v string
	err := db.reader().QueryRowContext(ctx, "SELECT value FROM panel_settings WHERE key = $1", key).Scan(&v)
	return v, db.interpretError(err)
}

// SettingPut implements store.Store.
func (db *DB) SettingPut(ctx context.Context, key, value string) error {
	_, err := db.writer().ExecContext(ctx, `INSERT INTO panel_settings (key, value) VALUES ($1, $2)
 ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return db.interpretError(err)
}

// InvoiceNextNumber implements store.Store. The upsert takes the year's
// row lock, held to the end of the transaction.
func (db *DB) InvoiceNextNumber(ctx context.Context, year int) (int64, error) {
	var n int64
	err := db.writer().QueryRowContext(ctx, `INSERT INTO invoice_counters (year, last) VALUES ($1, 1)
 ON CONFLICT (year) DO UPDATE SET last = invoice_counters.last + 1 RETURNING last`, year).Scan(&n)
	return n, db.interpretError(err)
}

// InvoiceCreate implements store.Store.
func (db *DB) InvoiceCreate(ctx context.Context, inv *store.Invoice) error {
	err := db.writer().QueryRowContext(ctx, `INSERT INTO invoices
 (customer_id, number, kind, service_id, issued_at, sale_at, due_at, currency, net, vat, gross, seller, buyer, lines)
 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		inv.CustomerID, inv.Number, inv.Kind, inv.ServiceID, inv.IssuedAt, inv.SaleAt, inv.DueAt, inv.Currency,
		inv.Net, inv.VAT, inv.Gross, string(inv.Seller), string(inv.Buyer), string(inv.Lines)).Scan(&inv.ID)
	return db.interpretError(err)
}

const invoiceCols = "id, customer_id, number, kind, service_id, issued_at, sale_at, due_at, currency, net, vat, gross, seller, buyer, lines"

func (db *DB) invoices(ctx context.Context, q string, args ...any) ([]store.Invoice, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+invoiceCols+" FROM invoices "+q, args...)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.Invoice
	for rows.Next() {
		var v store.Invoice
		var seller, buyer, lines string
		if err := rows.Scan(&v.ID, &v.CustomerID, &v.Number, &v.Kind, &v.ServiceID, &v.IssuedAt, &v.SaleAt, &v.DueAt,
			&v.Currency, &v.Net, &v.VAT, &v.Gross, &seller, &buyer, &lines); err != nil {
			return nil, err
		}
		v.Seller, v.Buyer, v.Lines = []byte(seller), []byte(buyer), []byte(lines)
		list = append(list, v)
	}
	return list, db.interpretError(rows.Err())
}

// InvoiceGet implements store.Store.
func (db *DB) InvoiceGet(ctx context.Context, customerID int64, number string) (store.Invoice, error) {
	list, err := db.invoices(ctx, "WHERE customer_id = $1 AND number = $2", customerID, number)
	if err != nil {
		return store.Invoice{}, err
	}
	if len(list) == 0 {
		return store.Invoice{}, store.ErrNotFound
	}
	return list[0], nil
}

// InvoiceList implements store.Store.
func (db *DB) InvoiceList(ctx context.Context, customerID int64, limit, off int) ([]store.Invoice, error) {
	return db.invoices(ctx, "WHERE customer_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3", customerID, db.limit(limit), offset(off))
}

// InvoicesAll implements store.Store.
func (db *DB) InvoicesAll(ctx context.Context) ([]store.Invoice, error) {
	return db.invoices(ctx, "ORDER BY id")
}

// AccessTokenCreate implements store.Store.
func (db *DB) AccessTokenCreate(ctx context.Context, t store.AccessToken) error {
	_, err := db.writer().ExecContext(ctx, "INSERT INTO access_tokens (hash, purpose, customer_id, service_id, expires_at) VALUES ($1, $2, $3, $4, $5)",
		t.Hash, t.Purpose, t.CustomerID, t.ServiceID, t.ExpiresAt)
	return db.interpretError(err)
}

// AccessTokenGet implements store.Store.
func (db *DB) AccessTokenGet(ctx context.Context, hash []byte) (store.AccessToken, error) {
	t := store.AccessToken{Hash: hash}
	err := db.reader().QueryRowContext(ctx, "SELECT purpose, customer_id, service_id, expires_at FROM access_tokens WHERE hash = $1", hash).
		Scan(&t.Purpose, &t.CustomerID, &t.ServiceID, &t.ExpiresAt)
	return t, db.interpretError(err)
}
