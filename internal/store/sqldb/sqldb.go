// Package sqldb implements store.Store once over database/sql. The sqlite
// and postgres packages open the connection pools, apply their migrations
// and describe their differences in a Dialect; the SQL text, the row mapping
// and the error translation live here, so the two backends cannot drift
// apart.
//
// Every statement is written with $N placeholders, which both PostgreSQL and
// modernc.org/sqlite understand, and is prepared once per pool when the store
// is opened (database/sql then prepares it lazily on each pooled connection
// and keeps it for the life of the connection).
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Dialect describes what differs between the database engines.
type Dialect struct {
	// Name names the engine in error messages ("sqlite", "postgres").
	Name string

	// NoLimit is the LIMIT argument meaning "no limit": -1 in SQLite, NULL
	// (nil) in PostgreSQL.
	NoLimit any

	// Classify reports what a driver error means for the store: it returns
	// store.ErrConflict for a unique or primary key violation,
	// store.ErrNotFound for a foreign key violation and nil for any other
	// error. interpretError is its only caller.
	Classify func(err error) error

	// SyncIDSQL, when not empty, is executed with the arguments (table name,
	// id) in the same transaction before a row with an explicit positive id
	// is inserted, so that the table's automatic ids continue after it
	// (PostgreSQL: advance the identity sequence). SQLite's INTEGER PRIMARY
	// KEY needs nothing.
	SyncIDSQL string

	// ChangeLockSQL, when not empty, is executed in a transaction right
	// before its change-log rows are inserted, and must hold a lock until
	// the transaction's commit is visible, so that change-log ids are
	// handed out in commit order (PostgreSQL: a transaction-scoped
	// advisory lock). SQLite serialises writers and needs nothing.
	ChangeLockSQL string
	// NotifySQL, when not empty, is executed after a transaction's
	// change-log rows with the arguments (store.ChangesChannel, the highest
	// id written as text) (PostgreSQL: pg_notify, delivered at commit).
	NotifySQL string

	// TxWritesExpr is an SQL expression (no FROM) whose value grows when
	// the current transaction writes: the audit journal (audit.go) writes
	// a request's row only in a transaction that changed something.
	// TxWritesAtBegin: its value must be read at the start of the
	// transaction (SQLite: total_changes() counts per connection);
	// otherwise it is 0 there (PostgreSQL: whether a transaction id is
	// assigned).
	TxWritesExpr    string
	TxWritesAtBegin bool
}

// DB implements store.Store. The value returned by New is safe for
// concurrent use; InTx hands its function a DB bound to the transaction.
type DB struct {
	c  *core
	tx *sql.Tx                             // nil outside a transaction
	ts *[numStmts]atomic.Pointer[sql.Stmt] // statements bound to tx, made on first use
	// pending are the transaction's change-log rows, written at commit
	// (changes.go).
	pending *pendingChanges
}

type core struct {
	d  Dialect
	w  *sql.DB // writes and transactions
	r  *sql.DB // reads outside transactions; may be w
	ws [numStmts]*sql.Stmt
	rs [numStmts]*sql.Stmt // only read statements; equal to ws when r == w
	// audit are the audit journal's statements (audit.go).
	audit auditStmts
	// mail, when set, queues the delivery of every new e-mail (mail.go).
	mail atomic.Pointer[MailEnqueuer]
	// onCommit are the commit hooks (OnCommit, changes.go).
	onCommit atomic.Pointer[[]func(context.Context, []store.Change)]
}

// New prepares the statements on the pools and returns the store. w runs
// every write and every transaction; r runs the reads made outside a
// transaction and may be the same pool as w. The store owns the pools:
// Close closes them.
func New(ctx context.Context, d Dialect, w, r *sql.DB) (*DB, error) {
	if d.Classify == nil {
		d.Classify = func(error) error { return nil }
	}
	c := &core{d: d, w: w, r: r}
	db := &DB{c: c}
	for id, def := range stmtDefs {
		s, err := w.PrepareContext(ctx, def.sql)
		if err != nil {
			db.closeStmts()
			return nil, fmt.Errorf("%s: prepare %q: %w", d.Name, def.sql, err)
		}
		c.ws[id] = s
		if r == w {
			c.rs[id] = s
			continue
		}
		if def.write {
			continue
		}
		if s, err = r.PrepareContext(ctx, def.sql); err != nil {
			db.closeStmts()
			return nil, fmt.Errorf("%s: prepare %q: %w", d.Name, def.sql, err)
		}
		c.rs[id] = s
	}
	if err := c.audit.prepare(ctx, c); err != nil {
		db.closeStmts()
		c.audit.close()
		return nil, err
	}
	return db, nil
}

func (db *DB) closeStmts() {
	c := db.c
	for id := range c.ws {
		if s := c.rs[id]; s != nil && s != c.ws[id] {
			s.Close()
		}
		if s := c.ws[id]; s != nil {
			s.Close()
		}

	}
}

// Close closes the prepared statements and the pools. It must not be called
// on the store given to an InTx function.
func (db *DB) Close() error {
	if db.tx != nil {
		return errors.New("store: Close called on a transaction's store")
	}
	db.closeStmts()
	db.c.audit.close()
	err := db.c.w.Close()
	if db.c.r != db.c.w {
		err = errors.Join(err, db.c.r.Close())
	}
	return err
}

// WriteDB and ReadDB expose the pools, for tests and maintenance tools.
func (db *DB) WriteDB() *sql.DB { return db.c.w }

// ReadDB returns the pool used for reads outside transactions.
func (db *DB) ReadDB() *sql.DB { return db.c.r }

// stmt returns the prepared statement id, bound to the transaction when db
// is a transaction's store.
func (db *DB) stmt(id stmtID) *sql.Stmt {
	if db.tx == nil {
		if stmtDefs[id].write {
			return db.c.ws[id]
		}
		return db.c.rs[id]
	}
	p := &db.ts[id]
	if s := p.Load(); s != nil {
		return s
	}
	// The statement is already prepared on the transaction's connection in
	// most cases; Tx.Stmt reuses it. A context without cancellation: a
	// failure here is remembered by the returned Stmt, and the cached
	// statement must not fail later calls because one caller's context
	// ended.
	s := db.tx.StmtContext(context.Background(), db.c.ws[id])
	if !p.CompareAndSwap(nil, s) {
		s.Close()
		s = p.Load()
	}
	return s
}

// interpretError translates driver errors into the store's sentinel errors:
// sql.ErrNoRows becomes store.ErrNotFound, a unique violation wraps
// store.ErrConflict and a foreign key violation wraps store.ErrNotFound (the
// driver error stays reachable with errors.As).
func (db *DB) interpretError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	if k := db.c.d.Classify(err); k != nil {
		return fmt.Errorf("%w: %w", k, err)
	}
	return err
}

// InTx implements store.Store. A nested InTx on a transaction's store runs
// fn in the same transaction. A panic in fn rolls back and propagates.
func (db *DB) InTx(ctx context.Context, fn func(tx store.Store) error) (err error) {
	if db.tx != nil {
		return fn(db)
	}
	tx, err := db.c.w.BeginTx(ctx, nil)
	if err != nil {
		return db.interpretError(err)
	}
	t := &DB{c: db.c, tx: tx, ts: new([numStmts]atomic.Pointer[sql.Stmt]), pending: new(pendingChanges)}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	audit, err := t.auditBegin(ctx)
	if err != nil {
		return err
	}
	if err := fn(t); err != nil {
		return err
	}
	if err := t.writeChanges(ctx); err != nil {
		return err
	}
	auditID, err := t.auditWrite(ctx, audit)
	if err != nil {
		return err
	}
	committed = true
	err = db.interpretError(tx.Commit())
	if auditID != 0 {
		if err != nil {
			auditID = 0
		}
		audit.p.Done(auditID)
	}
	if err == nil {
		t.committed(ctx)
	}
	return err
}

// insert runs the insert statement explicit (arguments: args) when *id is
// not 0, or auto (arguments: args[1:], returning the new id into *id).
func (db *DB) insert(ctx context.Context, table string, id *int64, explicit, auto stmtID, args []any) error {
	if db.auditPending(ctx) { // journal the write in its transaction (audit.go)
		return db.InTx(ctx, func(tx store.Store) error {
			return tx.(*DB).insert(ctx, table, id, explicit, auto, args)
		})
	}
	if *id == 0 {
		return db.interpretError(db.stmt(auto).QueryRowContext(ctx, args[1:]...).Scan(id))
	}
	if db.c.d.SyncIDSQL != "" && *id > 0 {
		if db.tx == nil {
			return db.InTx(ctx, func(tx store.Store) error {
				return tx.(*DB).insert(ctx, table, id, explicit, auto, args)
			})
		}
		if _, err := db.tx.ExecContext(ctx, db.c.d.SyncIDSQL, table, *id); err != nil {
			return db.interpretError(err)
		}
	}
	_, err := db.stmt(explicit).ExecContext(ctx, args...)
	return db.interpretError(err)
}

// exec1 runs a write statement that must change exactly one row.
func (db *DB) exec1(ctx context.Context, id stmtID, args ...any) error {
	if db.auditPending(ctx) { // journal the write in its transaction (audit.go)
		return db.InTx(ctx, func(tx store.Store) error { return tx.(*DB).exec1(ctx, id, args...) })
	}
	res, err := db.stmt(id).ExecContext(ctx, args...)
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

// nullBytes binds nil as NULL and anything else as a BLOB/BYTEA.
func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// nullText binds nil as NULL and anything else as TEXT.
func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

func nullString(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func (db *DB) limit(n int) any {
	if n <= 0 {
		return db.c.d.NoLimit
	}
	return int64(n)
}

func offset(n int) int64 {
	if n < 0 {
		return 0
	}
	return int64(n)
}

// CustomerCreate implements store.Store.
func (db *DB) CustomerCreate(ctx context.Context, c *store.Customer) error {
	return db.insert(ctx, "customers", &c.ID, customerInsert, customerInsertAuto, []any{
		c.ID, c.Name, c.NIP, c.REGON, c.Street, c.Postcode, c.City, c.CountryCode,
		c.Tel, c.Fax, c.Email, c.EmailTech, c.EmailInvoice, c.CorrespondenceName,
		c.CorrespondenceStreet, c.CorrespondencePostcode, c.CorrespondenceCity,
		c.Business, c.Language, c.Currency, nullBytes(c.APIKeyHash), c.APIAccess, c.Reseller,
	})
}

type scanner interface{ Scan(dest ...any) error }

func scanCustomer(s scanner, c *store.Customer) error {
	return s.Scan(&c.ID, &c.Name, &c.NIP, &c.REGON, &c.Street, &c.Postcode, &c.City,
		&c.CountryCode, &c.Tel, &c.Fax, &c.Email, &c.EmailTech, &c.EmailInvoice,
		&c.CorrespondenceName, &c.CorrespondenceStreet, &c.CorrespondencePostcode,
		&c.CorrespondenceCity, &c.Business, &c.Language, &c.Currency, &c.APIKeyHash,
		&c.APIAccess, &c.Reseller)
}

// CustomerGet implements store.Store.
func (db *DB) CustomerGet(ctx context.Context, id int64) (store.Customer, error) {
	ctx, err := pointRead(ctx)
	if err != nil {
		return store.Customer{}, err
	}
	var c store.Customer
	if err := scanCustomer(db.stmt(customerGet).QueryRowContext(ctx, id), &c); err != nil {
		return store.Customer{}, db.interpretError(err)
	}
	return c, nil
}

// pointRead prepares the context of a lookup by primary key: it fails if
// ctx is already done, and otherwise drops its cancellation. Such a lookup
// finishes in microseconds, while a cancellable context makes drivers
// (modernc.org/sqlite) start a watcher goroutine for every query.
func pointRead(ctx context.Context) (context.Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}

// CustomerAuth implements store.Store.
func (db *DB) CustomerAuth(ctx context.Context, id int64) (store.Credentials, error) {
	ctx, err := pointRead(ctx)
	if err != nil {
		return store.Credentials{}, err
	}
	var c store.Credentials
	if err := db.stmt(customerAuth).QueryRowContext(ctx, id).Scan(&c.APIKeyHash, &c.APIAccess); err != nil {
		return store.Credentials{}, db.interpretError(err)
	}
	return c, nil
}

// CustomerUpdate implements store.Store.
func (db *DB) CustomerUpdate(ctx context.Context, c store.Customer) error {
	return db.exec1(ctx, customerUpdate, c.ID, c.Name, c.NIP, c.REGON, c.Street,
		c.Postcode, c.City, c.CountryCode, c.Tel, c.Fax, c.Email, c.EmailTech,
		c.EmailInvoice, c.CorrespondenceName, c.CorrespondenceStreet,
		c.CorrespondencePostcode, c.CorrespondenceCity, c.Business, c.Language,
		c.Currency, c.Reseller)
}

// CustomerSetAPIKey implements store.Store.
// The change is logged (store.ChangeCredentials) in the same transaction.
func (db *DB) CustomerSetAPIKey(ctx context.Context, id int64, hash []byte) error {
	return db.InTx(ctx, func(t store.Store) error {
		if err := t.(*DB).exec1(ctx, customerSetAPIKey, id, nullBytes(hash)); err != nil {
			return err
		}
		return t.ChangeLog(ctx, store.ChangeCredentials, strconv.FormatInt(id, 10))
	})
}

// CustomerSetAPIAccess implements store.Store.
// The change is logged (store.ChangeCredentials) in the same transaction.
func (db *DB) CustomerSetAPIAccess(ctx context.Context, id int64, enabled bool) error {
	return db.InTx(ctx, func(t store.Store) error {
		if err := t.(*DB).exec1(ctx, customerSetAPIAccess, id, enabled); err != nil {
			return err
		}
		return t.ChangeLog(ctx, store.ChangeCredentials, strconv.FormatInt(id, 10))
	})
}

// CustomerList implements store.Store.
func (db *DB) CustomerList(ctx context.Context) ([]store.Customer, error) {
	rows, err := db.stmt(customerList).QueryContext(ctx)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.Customer
	for rows.Next() {
		var c store.Customer
		if err := scanCustomer(rows, &c); err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, db.interpretError(rows.Err())
}

// ServiceCreate implements store.Store. The customer's list is logged
// (store.ChangeServiceList) in the same transaction.
func (db *DB) ServiceCreate(ctx context.Context, s *store.Service) error {
	if db.tx == nil {
		id := s.ID
		err := db.InTx(ctx, func(t store.Store) error { return t.ServiceCreate(ctx, s) })
		if err != nil {
			s.ID = id // not created: an assigned id was rolled back
		}
		return err
	}
	if err := db.ChangeLog(ctx, store.ChangeServiceList, strconv.FormatInt(s.CustomerID, 10)); err != nil {
		return err
	}
	return db.insert(ctx, "services", &s.ID, serviceInsert, serviceInsertAuto, []any{
		s.ID, s.CustomerID, s.Type, s.Name, nullString(s.CustomDescription),
		s.ExpirationTime, s.PriceMinor, s.PriceBruttoMinor, s.Currency,
		int64(s.PaymentPeriod), s.ParentServiceID, s.IP, nullText(s.Details),
	})
}

func scanService(sc scanner, s *store.Service) error {
	var desc sql.NullString
	err := sc.Scan(&s.ID, &s.CustomerID, &s.Type, &s.Name, &desc, &s.ExpirationTime,
		&s.PriceMinor, &s.PriceBruttoMinor, &s.Currency, &s.PaymentPeriod,
		&s.ParentServiceID, &s.IP, &s.Details)
	if desc.Valid {
		s.CustomDescription = &desc.String
	}
	return err
}

// ServiceGet implements store.Store.
func (db *DB) ServiceGet(ctx context.Context, customerID, id int64) (store.Service, error) {
	ctx, err := pointRead(ctx)
	if err != nil {
		return store.Service{}, err
	}
	var s store.Service
	if err := scanService(db.stmt(serviceGet).QueryRowContext(ctx, id, customerID), &s); err != nil {
		return store.Service{}, db.interpretError(err)
	}
	return s, nil
}

// ServiceList implements store.Store.
func (db *DB) ServiceList(ctx context.Context, f store.ServiceFilter) ([]store.Service, error) {
	// Arguments: $1 customer, $2 limit, $3 offset, then type and parent
	// service id as far as the filter uses them.
	args := make([]any, 3, 6)
	args[0], args[1], args[2] = f.CustomerID, db.limit(f.Limit), offset(f.Offset)
	id := serviceList
	if f.Type != "" {
		id |= serviceListByType
		args = append(args, f.Type)
	}
	if f.ParentServiceID != 0 {
		id |= serviceListByParent
		args = append(args, f.ParentServiceID)
	}
	if f.AfterID != 0 {
		id |= serviceListAfter
		args = append(args, f.AfterID)
	}
	var list []store.Service
	if f.Limit > 0 && f.Limit <= 1000 {
		list = make([]store.Service, 0, f.Limit)
	}
	rows, err := db.stmt(id).QueryContext(ctx, args...)
	return db.scanServices(rows, err, list)
}

// scanServices appends the services of rows (the result of a query of
// serviceCols, and its error) to list.
func (db *DB) scanServices(rows *sql.Rows, err error, list []store.Service) ([]store.Service, error) {
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s store.Service
		if err := scanService(rows, &s); err != nil {
			return nil, db.interpretError(err)
		}
		list = append(list, s)
	}
	return list, db.interpretError(rows.Err())
}

// EmailCreate implements store.Store.
func (db *DB) EmailCreate(ctx context.Context, e *store.Email) error {
	if enq := db.c.mail.Load(); enq != nil {
		return db.emailCreateQueued(ctx, e, *enq) // mail.go
	}
	return db.insert(ctx, "emails", &e.ID, emailInsert, emailInsertAuto, []any{
		e.ID, e.CustomerID, e.Time, e.Address, e.Subject, e.Body,
	})
}

func scanEmail(s scanner, e *store.Email) error {
	return s.Scan(&e.ID, &e.CustomerID, &e.Time, &e.Address, &e.Subject, &e.Body)
}

// EmailGet implements store.Store.
func (db *DB) EmailGet(ctx context.Context, customerID, id int64) (store.Email, error) {
	ctx, err := pointRead(ctx)
	if err != nil {
		return store.Email{}, err
	}
	var e store.Email
	if err := scanEmail(db.stmt(emailGet).QueryRowContext(ctx, id, customerID), &e); err != nil {
		return store.Email{}, db.interpretError(err)
	}
	return e, nil
}

// EmailList implements store.Store.
func (db *DB) EmailList(ctx context.Context, customerID int64, limit, off int) ([]store.Email, error) {
	rows, err := db.stmt(emailList).QueryContext(ctx, customerID, db.limit(limit), offset(off))
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.Email
	for rows.Next() {
		var e store.Email
		if err := scanEmail(rows, &e); err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	return list, db.interpretError(rows.Err())
}

var _ store.Store = (*DB)(nil)
