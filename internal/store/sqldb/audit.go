package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The audit journal (audit_log) is written by InTx: a transaction whose
// context carries a pending entry (store.WithAudit) and that changed
// something inserts the entry right before its commit (see
// store.AuditStore). Whether the transaction changed something is asked of
// the database (Dialect.TxWritesExpr), so every write counts, whichever
// statement made it.

// txAudit is what InTx remembers of the request's pending entry.
type txAudit struct {
	p    *store.PendingAudit
	base int64 // the TxWritesExpr value at the start of the transaction
}

// auditBegin returns the audit state of a transaction t just begun, or nil
// when ctx carries no pending entry (or the dialect cannot tell writes).
func (t *DB) auditBegin(ctx context.Context) (*txAudit, error) {
	p := store.AuditFrom(ctx)
	if !p.Pending() || t.c.d.TxWritesExpr == "" {
		return nil, nil
	}
	a := &txAudit{p: p}
	if t.c.d.TxWritesAtBegin {
		if err := t.tx.StmtContext(ctx, t.c.audit.writes).QueryRowContext(ctx).Scan(&a.base); err != nil {
			return nil, t.interpretError(err)
		}
	}
	return a, nil
}

// auditStmts are the prepared statements of the journal's hot path: read
// the write counter, insert the row if the transaction wrote. Prepared
// when the store is opened (New); database/sql then keeps them prepared on
// each connection.
type auditStmts struct {
	writes, write *sql.Stmt
}

func (s *auditStmts) prepare(ctx context.Context, c *core) error {
	if c.d.TxWritesExpr == "" {
		return nil
	}
	var err error
	if c.d.TxWritesAtBegin {
		if s.writes, err = c.w.PrepareContext(ctx, "SELECT "+c.d.TxWritesExpr); err != nil {
			return fmt.Errorf("%s: prepare the audit journal: %w", c.d.Name, err)
		}
	}
	s.write, err = c.w.PrepareContext(ctx, "INSERT INTO audit_log ("+auditCols+") SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE "+
		c.d.TxWritesExpr+" > $9 RETURNING id")
	if err != nil {
		return fmt.Errorf("%s: prepare the audit journal: %w", c.d.Name, err)
	}
	return nil
}

func (s *auditStmts) close() {
	for _, st := range []*sql.Stmt{s.writes, s.write} {
		if st != nil {
			st.Close()
		}
	}
}

const auditCols = "at, customer_id, command, params, result, request_id, client, key_id"

// auditWrite inserts the pending entry into the transaction t if t has
// written anything, and returns the claimed entry's row id (0: nothing
// written or nothing claimed). A successful return with an id > 0 must be
// followed by a.p.Done after the commit.
func (t *DB) auditWrite(ctx context.Context, a *txAudit) (int64, error) {
	if a == nil {
		return 0, nil
	}
	e, ok := a.p.Claim()
	if !ok {
		return 0, nil
	}
	e.At = time.Now().UnixMilli()
	var id int64
	err := t.tx.StmtContext(ctx, t.c.audit.write).QueryRowContext(ctx,
		e.At, e.CustomerID, e.Command, e.Params, e.Result, e.RequestID, e.Client, e.KeyID, a.base).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		a.p.Done(0)
		return 0, nil
	}
	if err != nil {
		a.p.Done(0)
		return 0, t.interpretError(err)
	}
	return id, nil
}

// auditPending reports whether a write outside a transaction must run in
// one of its own so that InTx journals it.
func (db *DB) auditPending(ctx context.Context) bool {
	return db.tx == nil && db.c.d.TxWritesExpr != "" && store.AuditFrom(ctx).Pending()
}

// AuditWrite implements store.Store.
func (db *DB) AuditWrite(ctx context.Context, e *store.AuditEntry) error {
	if e.At == 0 {
		e.At = time.Now().UnixMilli()
	}
	return db.interpretError(db.writer().QueryRowContext(ctx, "INSERT INTO audit_log ("+auditCols+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
		e.At, e.CustomerID, e.Command, e.Params, e.Result, e.RequestID, e.Client, e.KeyID).Scan(&e.ID))
}

// AuditSetResult implements store.Store.
func (db *DB) AuditSetResult(ctx context.Context, id int64, result string) error {
	return affected(db.writer().ExecContext(ctx, "UPDATE audit_log SET result = $2 WHERE id = $1", id, result))
}

// AuditList implements store.Store.
func (db *DB) AuditList(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	var b strings.Builder
	b.WriteString("SELECT id, " + auditCols + " FROM audit_log WHERE at >= $1")
	args := []any{f.Since}
	if f.CustomerID != 0 {
		args = append(args, f.CustomerID)
		b.WriteString(" AND customer_id = $2")
	}
	if f.Until != 0 {
		args = append(args, f.Until)
		b.WriteString(" AND at < $" + strconv.Itoa(len(args)))
	}
	args = append(args, db.limit(f.Limit))
	b.WriteString(" ORDER BY id LIMIT $" + strconv.Itoa(len(args)))
	rows, err := db.reader().QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.CustomerID, &e.Command, &e.Params, &e.Result, &e.RequestID, &e.Client, &e.KeyID); err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	return list, db.interpretError(rows.Err())
}

// AuditPrune implements store.Store.
func (db *DB) AuditPrune(ctx context.Context, before int64) (int64, error) {
	res, err := db.writer().ExecContext(ctx, "DELETE FROM audit_log WHERE at < $1", before)
	if err != nil {
		return 0, db.interpretError(err)
	}
	return res.RowsAffected()
}
