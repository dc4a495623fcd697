package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// Backups of the SQLite database are made with VACUUM INTO: one read
// transaction of the live database (WAL lets the server go on writing
// meanwhile) copied into a new, compact file, so the copy is exactly the
// database as of one commit, whatever commits after. PostgreSQL has its
// own tools (pg_dump, pg_restore), which these commands name.

const backupLong = `Copies the SQLite database into FILE while artnetd serve goes on serving:
the copy is the database exactly as of one moment (SQLite's VACUUM INTO,
one read transaction; writes that commit after it began are not in it),
written beside FILE, checked (PRAGMA integrity_check), flushed to disk and
only then renamed to FILE, so FILE is never a partial copy. FILE must not
exist unless --force is given. Restore it with artnetd admin restore.

PostgreSQL databases are backed up with PostgreSQL's own tools; this
command then prints how and exits 1:
  pg_dump --format=custom --file=FILE 'postgres://...'`

const restoreLong = `Replaces the SQLite database named by --db with the backup FILE (made by
artnetd admin backup, or any copy of an artnetd SQLite database).

FILE is checked first (PRAGMA integrity_check), copied beside the database,
brought to this artnetd's schema (its migrations, as artnetd serve would
apply them) and flushed to disk; then the database's -wal and -shm files
are removed and the copy is renamed over the database. Every change made
to the database after the backup was taken is lost.

It refuses while any process has the database open (stop every artnetd
serve on it first), and refuses to replace an existing database unless
--force is given.

PostgreSQL databases are restored with PostgreSQL's own tools; this
command then prints how and exits 1:
  createdb NEWDB && pg_restore --no-owner --dbname='postgres://.../NEWDB' FILE`

func newBackupCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "backup [--db DSN] [--force] FILE",
		Short: "Copy the SQLite database into FILE, online and consistent",
		Long:  backupLong,
		Example: `  artnetd admin backup --db sqlite:/var/lib/artnetd/artnet.db /var/backups/artnet-$(date +%F).db
  pg_dump --format=custom --file=artnet.dump 'postgres://artnet@db.example/artnet'   # PostgreSQL`,
		Args: cobra.ExactArgs(1),
	}
	db := dbFlag(c)
	force := c.Flags().Bool("force", false, "replace FILE if it exists")
	return leafCommand(a, c, func(c *cobra.Command, args []string) error {
		if isPostgres(*db) {
			return errors.New(pgBackupAdvice(*db, args[0]))
		}
		path, err := sqlitePath(*db)
		if err != nil {
			return err
		}
		if err := sqliteBackup(c.Context(), path, args[0], *force); err != nil {
			return err
		}
		st, err := os.Stat(args[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "backed up %s to %s (%d bytes, integrity_check ok)\n", path, args[0], st.Size())
		return nil
	})
}

func newRestoreCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "restore [--db DSN] [--force] FILE",
		Short: "Replace the (stopped) SQLite database with a backup",
		Long:  restoreLong,
		Example: `  systemctl stop artnetd
  artnetd admin restore --db sqlite:/var/lib/artnetd/artnet.db --force /var/backups/artnet-2026-01-02.db
  systemctl start artnetd`,
		Args: cobra.ExactArgs(1),
	}
	db := dbFlag(c)
	force := c.Flags().Bool("force", false, "replace the database if it exists (it must not be in use)")
	return leafCommand(a, c, func(c *cobra.Command, args []string) error {
		if isPostgres(*db) {
			return errors.New(pgRestoreAdvice(*db, args[0]))
		}
		path, err := sqlitePath(*db)
		if err != nil {
			return err
		}
		replaced, err := sqliteRestore(c.Context(), args[0], path, *force)
		if err != nil {
			return err
		}
		what := "restored"
		if replaced {
			what = "replaced the database with"
		}
		fmt.Fprintf(a.stdout, "%s %s: %s (integrity_check ok)\n", path, what, args[0])
		return nil
	})
}

// pgBackupAdvice says how to back up a PostgreSQL database. artnetd does
// not run pg_dump itself: pg_dump must be at least the server's version,
// the operator's PostgreSQL backups (pg_dump, base backups with WAL
// archiving) are theirs to choose, and a wrapper would hide pg_dump's
// options and errors.
func pgBackupAdvice(dsn, file string) string {
	return fmt.Sprintf(`%s is a PostgreSQL database: back it up with PostgreSQL's tools, e.g.
  pg_dump --format=custom --file=%s '%s'
(pg_dump of the server's major version or newer; a dump is consistent while artnetd serves).
Restore into a new, empty database:
  createdb NEWDB && pg_restore --no-owner --dbname='postgres://USER@HOST:PORT/NEWDB' %s
then start artnetd serve with --db naming it`, redactDSN(dsn), file, redactDSN(dsn), file)
}

// pgRestoreAdvice says how to restore a PostgreSQL database.
func pgRestoreAdvice(dsn, file string) string {
	return fmt.Sprintf(`%s is a PostgreSQL database: restore a pg_dump of it with PostgreSQL's tools, into a new, empty database:
  createdb NEWDB && pg_restore --no-owner --dbname='postgres://USER@HOST:PORT/NEWDB' %s
then start artnetd serve with --db naming it (or rename the databases with ALTER DATABASE ... RENAME TO)`, redactDSN(dsn), file)
}

// sqlitePath returns the file of a sqlite:PATH DSN.
func sqlitePath(dsn string) (string, error) {
	path, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok || path == "" || strings.ContainsRune(path, '?') {
		return "", usageErrorf("--db %q: want sqlite:PATH or postgres://...", redactDSN(dsn))
	}
	return path, nil
}

// openSQLiteFile opens the existing SQLite database file path with one
// connection, without creating it and without migrations.
func openSQLiteFile(ctx context.Context, path string) (*sql.DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, err
	}
	// A file: URI is handed to SQLite whole: mode=rw does not create.
	u := (&url.URL{Scheme: "file", Path: abs}).String() + "?mode=rw&_pragma=busy_timeout(10000)"
	db, err := sql.Open("sqlite", u)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return db, nil
}

// integrityCheck runs PRAGMA integrity_check on db.
func integrityCheck(ctx context.Context, db *sql.DB, name string) error {
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("%s: integrity_check: %w", name, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("%s: integrity_check: %w", name, err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: integrity_check: %w", name, err)
	}
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], "...")
		}
		return fmt.Errorf("%s: integrity_check: %s", name, strings.Join(problems, "; "))
	}
	return nil
}

// vacuumInto copies the database of db into the new file dst (VACUUM
// INTO: one read transaction, so a consistent copy while others write).
func vacuumInto(ctx context.Context, db *sql.DB, dst string) error {
	abs, err := filepath.Abs(dst)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "VACUUM INTO '"+strings.ReplaceAll(abs, "'", "''")+"'")
	return err
}

// tempBeside returns an unused name in the directory of path.
func tempBeside(path, what string) string {
	var b [6]byte
	rand.Read(b[:])
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+what+"-"+hex.EncodeToString(b[:]))
}

// syncFile flushes the file name to disk.
func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes the directory of path (a rename in it) to disk.
func syncDir(path string) error {
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// sqliteBackup copies the SQLite database src into dst, online.
func sqliteBackup(ctx context.Context, src, dst string, force bool) error {
	if _, err := os.Stat(dst); err == nil && !force {
		return fmt.Errorf("%s exists; give --force to replace it", dst)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	db, err := openSQLiteFile(ctx, src)
	if err != nil {
		return err
	}
	defer db.Close()
	tmp := tempBeside(dst, "backup")
	defer os.Remove(tmp)
	if err := vacuumInto(ctx, db, tmp); err != nil {
		return fmt.Errorf("backup of %s: %w", src, err)
	}
	if err := checkFile(ctx, tmp, dst); err != nil {
		return err
	}
	// A backup holds every customer's data: for the owner only.
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	// VACUUM INTO does not sync what it wrote.
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	return syncDir(dst)
}

// checkFile runs integrity_check on the database file path (name in
// messages).
func checkFile(ctx context.Context, path, name string) error {
	db, err := openSQLiteFile(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	return integrityCheck(ctx, db, name)
}

// sqliteRestore replaces the database dst with the backup src; it
// reports whether a database was replaced.
func sqliteRestore(ctx context.Context, src, dst string, force bool) (bool, error) {
	inUse, err := sqliteInUse(dst)
	if err != nil {
		return false, err
	}
	if inUse {
		return false, fmt.Errorf("%s is in use (a running artnetd serve or admin command has it open); stop it first: nothing was changed", dst)
	}
	replaced := false
	if _, err := os.Stat(dst); err == nil {
		if !force {
			return false, fmt.Errorf("%s exists; give --force to replace it (every change made after the backup is lost): nothing was changed", dst)
		}
		replaced = true
	} else if !errors.Is(err, os.ErrNotExist) {
		return false, err
	}

	// The backup, checked and copied beside the database. Reading it
	// through SQLite (not a byte copy) also takes in a -wal of its own.
	b, err := openSQLiteFile(ctx, src)
	if err != nil {
		return false, fmt.Errorf("backup: %w", err)
	}
	defer b.Close()
	if err := integrityCheck(ctx, b, src); err != nil {
		return false, err
	}
	var tables int
	if err := b.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'goose_db_version'").Scan(&tables); err != nil {
		return false, fmt.Errorf("%s: %w", src, err)
	}
	if tables == 0 {
		return false, fmt.Errorf("%s is not an artnetd database (no goose_db_version table): nothing was changed", src)
	}
	tmp := tempBeside(dst, "restore")
	defer func() {
		for _, s := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(tmp + s)
		}
	}()
	if err := vacuumInto(ctx, b, tmp); err != nil {
		return false, fmt.Errorf("copy %s: %w", src, err)
	}
	b.Close()

	// This artnetd's schema: the migrations serve would apply.
	st, err := sqlite.Open(ctx, tmp)
	if err != nil {
		return false, fmt.Errorf("%s: %w: nothing was changed", src, err)
	}
	if err := st.Close(); err != nil {
		return false, err
	}
	if _, err := os.Stat(tmp + "-wal"); err == nil {
		return false, fmt.Errorf("%s: the restored copy kept a write-ahead log: nothing was changed", src)
	}
	if err := checkFile(ctx, tmp, src); err != nil {
		return false, err
	}
	if replaced {
		// The server's user must be able to write the copy.
		if err := sameOwnerAndMode(dst, tmp); err != nil {
			return false, err
		}
	}
	if err := syncFile(tmp); err != nil {
		return false, err
	}

	// The old database's log must go before the copy takes its name:
	// SQLite would replay it into the copy.
	if inUse, err := sqliteInUse(dst); err != nil || inUse {
		if err == nil {
			err = fmt.Errorf("%s was opened meanwhile; stop every artnetd on it: nothing was changed", dst)
		}
		return false, err
	}
	for _, s := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(dst + s); err != nil && !errors.Is(err, os.ErrNotExist) {
			return false, err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return false, err
	}
	return replaced, syncDir(dst)
}
