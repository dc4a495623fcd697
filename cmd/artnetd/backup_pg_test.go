package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
)

// pgTool finds a PostgreSQL client program: in $PG_BINDIR, the newest
// /usr/lib/postgresql/*/bin (where scripts/pgtest.sh finds the cluster's
// binaries), or on PATH.
func pgTool(t *testing.T, name string) string {
	t.Helper()
	var dirs []string
	if d := os.Getenv("PG_BINDIR"); d != "" {
		dirs = append(dirs, d)
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(found, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	dirs = append(dirs, found...)
	for _, d := range dirs {
		if p := filepath.Join(d, name); isExecutable(p) {
			return p
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s: not in $PG_BINDIR, /usr/lib/postgresql/*/bin or PATH", name)
	}
	return p
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// TestPostgresDumpRestore does what admin backup and restore tell an
// operator of a PostgreSQL database to do: pg_dump --format=custom of a
// database artnetd serves, pg_restore --no-owner into a new database, and
// artnetd on the restored one. The restored database has the same
// inventory, the same rows in every table, and its sequences continue
// after the restored ids.
func TestPostgresDumpRestore(t *testing.T) {
	base := pgtest.BaseDSN(t)
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() }) // after the databases are dropped
	var b [4]byte
	rand.Read(b[:])
	suffix := hex.EncodeToString(b[:])
	dbDSN := func(name string) string {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		return u.String()
	}
	src, dst := "artnet_bk_src_"+suffix, "artnet_bk_dst_"+suffix
	for _, name := range []string{src, dst} {
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
				t.Errorf("drop database %s: %v", name, err)
			}
		})
	}
	srcDSN, dstDSN := dbDSN(src), dbDSN(dst)

	// The source: the demo inventory, a zone file, a customer, an audit
	// row written by the API... through artnetd itself.
	runOK(t, "admin", "import", "--db", srcDSN, filepath.Join("..", "..", "internal", "demo", "demo.json"))
	runOK(t, "admin", "customer", "create", "--db", srcDSN, "--name", "Przed Kopią", "--email", "kopia@acme.test")
	zone := filepath.Join(t.TempDir(), "dump.test.zone")
	os.WriteFile(zone, []byte("$TTL 300\n@ IN A 192.0.2.7\nwww IN CNAME @\n"), 0o600)
	runOK(t, "admin", "zone", "import", "--db", srcDSN, "--customer", "19052", "--domain", "dump.test", zone)
	srcStore := mustStore(t, ctx, srcDSN)
	if err := srcStore.AuditWrite(ctx, &store.AuditEntry{At: time.Now().UnixMilli(), CustomerID: 19052, Command: "dns/add-primary",
		Params: `{"domain":"dump.test"}`, Result: store.AuditResultOK, RequestID: "dump-1", Client: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}

	// What admin backup says to run.
	var errb bytes.Buffer
	if err := run(ctx, []string{"admin", "backup", "--db", srcDSN, "artnet.dump"}, &bytes.Buffer{}, &errb); err == nil ||
		!strings.Contains(err.Error(), "pg_dump --format=custom --file=artnet.dump") || !strings.Contains(err.Error(), "pg_restore --no-owner --dbname=") {
		t.Fatalf("admin backup on PostgreSQL: %v", err)
	}
	dump := filepath.Join(t.TempDir(), "artnet.dump")
	pgRun(t, pgTool(t, "pg_dump"), "--format=custom", "--file="+dump, srcDSN)
	pgRun(t, pgTool(t, "pg_restore"), "--no-owner", "--exit-on-error", "--dbname="+dstDSN, dump)

	dstStore := mustStore(t, ctx, dstDSN) // artnetd opens it: its migrations are all there
	if a, b := runOK(t, "admin", "export", "--db", srcDSN), runOK(t, "admin", "export", "--db", dstDSN); a != b {
		t.Errorf("the restored inventory differs:\n%s\n---\n%s", a, b)
	}
	if a, b := runOK(t, "admin", "audit", "--db", srcDSN, "--since", "1h", "-o", "json"), runOK(t, "admin", "audit", "--db", dstDSN, "--since", "1h", "-o", "json"); a != b || !strings.Contains(b, "dump-1") {
		t.Errorf("the restored audit journal differs:\n%s\n---\n%s", a, b)
	}
	srcCounts, dstCounts := tableCounts(t, srcDSN), tableCounts(t, dstDSN)
	if len(srcCounts) < 10 {
		t.Fatalf("source tables: %v", srcCounts)
	}
	for table, n := range srcCounts {
		if dstCounts[table] != n {
			t.Errorf("table %s: %d rows, restored %d", table, n, dstCounts[table])
		}
	}
	// The sequences were restored: a new customer gets a new id.
	before, err := dstStore.CustomerGet(ctx, 19052)
	if err != nil {
		t.Fatal(err)
	}
	c := store.Customer{Name: "Po Kopii", Language: "pl"}
	if err := dstStore.CustomerCreate(ctx, &c); err != nil {
		t.Fatalf("a new customer in the restored database: %v", err)
	}
	if c.ID <= 19052 || c.ID == before.ID {
		t.Errorf("new customer id %d", c.ID)
	}
	t.Logf("%d tables restored, new customer id %d", len(dstCounts), c.ID)
}

// pgRun runs a PostgreSQL client program.
func pgRun(t *testing.T, prog string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, prog, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", filepath.Base(prog), args, err, out)
	}
}

// tableCounts returns the number of rows of each table of the public
// schema.
func tableCounts(t *testing.T, dsn string) map[string]int64 {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, s)
	}
	rows.Close()
	counts := make(map[string]int64)
	for _, table := range tables {
		var n int64
		if err := db.QueryRow(`SELECT count(*) FROM "` + table + `"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	return counts
}
