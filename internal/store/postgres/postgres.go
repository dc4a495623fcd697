// Package postgres is the PostgreSQL implementation of store.Store (pgx v5
// through database/sql, so that the SQL is shared with the SQLite backend
// in package sqldb).
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jackc/pgxlisten"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open PostgreSQL store. It implements store.Store.
type DB struct {
	*sqldb.DB
	cfg *pgx.ConnConfig
}

// Open connects to the database dsn (a postgres:// URL or a key=value
// string, as pgx accepts; a search_path parameter selects the schema) and
// applies the pending migrations, holding a PostgreSQL advisory lock so
// that concurrent Opens do not race.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	n := max(8, 2*runtime.GOMAXPROCS(0))
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		db.Close()
		return nil, err
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := sqldb.Migrate(ctx, goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker)); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s, err := sqldb.New(ctx, dialect, db, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &DB{DB: s, cfg: cfg}, nil
}

// Listen keeps a connection of its own listening on store.ChangesChannel
// until ctx is done, and calls wake when a transaction that wrote change-log
// rows commits, and after every (re)connection (changes may have been
// committed while it was not listening: the reader catches up from the
// log). A lost connection is retried every second; failures go to logErr
// (may be nil). It returns ctx's error.
func (db *DB) Listen(ctx context.Context, wake func(), logErr func(error)) error {
	l := &pgxlisten.Listener{
		Connect: func(ctx context.Context) (*pgx.Conn, error) {
			return pgx.ConnectConfig(ctx, db.cfg.Copy())
		},
		LogError: func(ctx context.Context, err error) {
			if logErr != nil && ctx.Err() == nil {
				logErr(err)
			}
		},
		ReconnectDelay: time.Second,
	}
	l.Handle(store.ChangesChannel, listenHandler(wake))
	return l.Listen(ctx)
}

// listenHandler wakes the reader on every notification and after each
// connection's LISTEN (the backlog: whatever committed while not
// listening).
type listenHandler func()

func (h listenHandler) HandleNotification(context.Context, *pgconn.Notification, *pgx.Conn) error {
	h()
	return nil
}

func (h listenHandler) HandleBacklog(context.Context, string, *pgx.Conn) error {
	h()
	return nil
}

var dialect = sqldb.Dialect{
	Name:     "postgres",
	NoLimit:  nil, // LIMIT NULL
	Classify: classify,
	// The audit journal asks whether a transaction wrote (sqldb.Dialect):
	// a transaction id is assigned at its first write (or row lock).
	TxWritesExpr: "(CASE WHEN pg_current_xact_id_if_assigned() IS NULL THEN 0 ELSE 1 END)",
	// Before a row with an explicit id goes in, move the table's identity
	// sequence to at least that id (never backwards), so that later
	// automatic ids do not collide with it. setval is not transactional:
	// the advisory lock (held until the transaction ends, and taken before
	// the sequence is read thanks to the OFFSET 0 fence) serialises
	// explicit-id inserters so that two of them cannot move the sequence
	// backwards.
	SyncIDSQL: `SELECT setval(q.seq, GREATEST($2::bigint, COALESCE(pg_sequence_last_value(q.seq), 0)))
FROM (SELECT pg_advisory_xact_lock(hashtext('artnet-panel explicit id ' || $1::text)) AS locked,
             pg_get_serial_sequence($1::text, 'id')::regclass AS seq
      OFFSET 0) AS q`,
	// Change-log ids in commit order: the lock is released after the
	// commit is visible, so a later holder's ids are higher and commit
	// later. The key is arbitrary and fixed.
	ChangeLockSQL: "SELECT pg_advisory_xact_lock(7306089640231560001)",
	NotifySQL:     "SELECT pg_notify($1, $2)",
}

func classify(err error) error {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return nil
	}
	switch e.Code {
	case "23505": // unique_violation
		return store.ErrConflict
	case "23503": // foreign_key_violation
		return store.ErrNotFound
	}
	return nil
}
