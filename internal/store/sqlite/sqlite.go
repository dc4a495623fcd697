// Package sqlite is the SQLite implementation of store.Store (pure Go
// driver modernc.org/sqlite).
//
// The database is opened twice: a write pool of exactly one connection,
// whose transactions start with BEGIN IMMEDIATE, runs every write and every
// InTx, so concurrent writers queue in database/sql instead of failing with
// SQLITE_BUSY; a read pool of several query_only connections serves the
// reads made outside transactions, which WAL lets run alongside the writer.
//
// A Store given to an InTx function must be used for everything the
// function does: calling the outer store's write methods from inside fn
// would wait forever for the write connection fn holds.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"

	"github.com/pressly/goose/v3"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open SQLite store. It implements store.Store.
type DB struct {
	*sqldb.DB
}

// pragmas are applied to every connection of both pools.
const pragmas = "_pragma=busy_timeout(5000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)"

// Open opens (creating if needed) the SQLite database file at path and
// applies the pending migrations. path must name a file: ":memory:" would
// give every pooled connection its own empty database.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || path == ":memory:" || strings.Contains(path, "mode=memory") {
		return nil, fmt.Errorf("sqlite: %q: an in-memory database cannot be shared by a connection pool; use a file", path)
	}
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite: %q: the path must not contain '?'", path)
	}

	w, err := sql.Open("sqlite", path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		w.Close()
		return nil, err
	}
	if err := sqldb.Migrate(ctx, goose.DialectSQLite3, w, sub); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}

	r, err := sql.Open("sqlite", path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxLifetime(0)
	r.SetConnMaxIdleTime(0)

	db, err := sqldb.New(ctx, dialect, w, r)
	if err != nil {
		w.Close()
		r.Close()
		return nil, err
	}
	return &DB{db}, nil
}

var dialect = sqldb.Dialect{
	Name:     "sqlite",
	NoLimit:  int64(-1),
	Classify: classify,
	// The audit journal asks whether a transaction wrote (sqldb.Dialect).
	TxWritesExpr:    "total_changes()",
	TxWritesAtBegin: true,
}

func classify(err error) error {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return nil
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_ROWID:
		return store.ErrConflict
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return store.ErrNotFound
	}
	return nil
}
