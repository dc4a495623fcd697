package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The delivery part of the outbox (store.MailStore).

// MailEnqueuer inserts the delivery job of the e-mail emailID in tx (the
// transaction that writes the e-mail): river's InsertTx.
type MailEnqueuer func(ctx context.Context, tx *sql.Tx, emailID int64) error

// SetMailEnqueuer turns delivery on: from now on every new e-mail is
// queued and enq inserts its job in the same transaction. nil turns it off.
func (db *DB) SetMailEnqueuer(enq MailEnqueuer) {
	if enq == nil {
		db.c.mail.Store(nil)
		return
	}
	db.c.mail.Store(&enq)
}

func (db *DB) emailCreateQueued(ctx context.Context, e *store.Email, enq MailEnqueuer) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		if err := t.insert(ctx, "emails", &e.ID, emailInsert, emailInsertAuto, []any{
			e.ID, e.CustomerID, e.Time, e.Address, e.Subject, e.Body,
		}); err != nil {
			return err
		}
		if _, err := t.tx.ExecContext(ctx, "UPDATE emails SET status = $2 WHERE id = $1", e.ID, store.MailQueued); err != nil {
			return t.interpretError(err)
		}
		return enq(ctx, t.tx, e.ID)
	})
}

const outboxCols = "id, customer_id, time, address, subject, body, status, attempts, last_error, sent_at"

func (db *DB) outbox(ctx context.Context, q string, args ...any) ([]store.OutboxEmail, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+outboxCols+" FROM emails "+q, args...)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.OutboxEmail
	for rows.Next() {
		var e store.OutboxEmail
		if err := rows.Scan(&e.ID, &e.CustomerID, &e.Time, &e.Address, &e.Subject, &e.Body,
			&e.Status, &e.Attempts, &e.LastError, &e.SentAt); err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	return list, db.interpretError(rows.Err())
}

// MailGet implements store.Store.
func (db *DB) MailGet(ctx context.Context, id int64) (store.OutboxEmail, error) {
	list, err := db.outbox(ctx, "WHERE id = $1", id)
	if err != nil {
		return store.OutboxEmail{}, err
	}
	if len(list) == 0 {
		return store.OutboxEmail{}, store.ErrNotFound
	}
	return list[0], nil
}

// MailList implements store.Store.
func (db *DB) MailList(ctx context.Context, status string, limit int) ([]store.OutboxEmail, error) {
	return db.outbox(ctx, "WHERE $1 = '' OR status = $1 ORDER BY time DESC, id DESC LIMIT $2", status, db.limit(limit))
}

// MailAttempt implements store.Store.
func (db *DB) MailAttempt(ctx context.Context, id int64, status, errText string, now int64) error {
	sentAt := int64(0)
	if status == store.MailSent {
		sentAt = now
	}
	res, err := db.writer().ExecContext(ctx, `UPDATE emails SET attempts = attempts + 1, status = $2, last_error = $3, sent_at = $4
 WHERE id = $1 AND status <> 'sent'`, id, status, errText, sentAt)
	return db.interpretError(affected(res, err))
}

// MailRequeue implements store.Store.
func (db *DB) MailRequeue(ctx context.Context, id int64) error {
	enq := db.c.mail.Load()
	if enq == nil {
		return errors.New("store: mail delivery is not configured")
	}
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		res, err := t.tx.ExecContext(ctx, `UPDATE emails SET status = 'queued', attempts = 0, last_error = ''
 WHERE id = $1 AND status IN ('recorded', 'failed')`, id)
		if err := affected(res, err); err != nil {
			return t.interpretError(err)
		}
		return (*enq)(ctx, t.tx, id)
	})
}
