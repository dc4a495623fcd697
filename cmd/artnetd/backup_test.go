package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// runBin runs the built artnetd with args and returns its exit status,
// standard output and standard error.
func runBin(t *testing.T, bin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	}
	if err != nil {
		t.Fatalf("artnetd %v: %v", args, err)
	}
	return 0, out.String(), errb.String()
}

// TestBackupUnderWriteLoad takes a backup with artnetd admin backup while
// artnetd serve takes writes (dns/add-primary of a new zone per request),
// goes on writing, and restores the backup with artnetd admin restore into
// a new file. The restored database passes integrity_check, holds every
// write acknowledged before the backup began and, being one moment of the
// database, each of its zones with its audit journal row (a zone and its
// row commit together); it lacks the writes made after the backup; and
// artnetd serves it. Restore refuses the database the server has open.
func TestBackupUnderWriteLoad(t *testing.T) {
	bin := artnetdBinary(t)
	dir := t.TempDir()
	live := filepath.Join(dir, "artnet.db")
	dsn := "sqlite:" + live
	n := newCrashNode(t, bin, dsn)
	n.args = append(n.args, "--demo")
	n.start()
	id, key := demoKey(t, dsn)
	l := &writeLoad{id: id, key: key, nodes: []*crashNode{n}, acked: make(map[string]string),
		client: &http.Client{Timeout: 10 * time.Second}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wg := l.run(ctx, 4)
	acked := func() map[string]string {
		l.mu.Lock()
		defer l.mu.Unlock()
		return maps.Clone(l.acked)
	}
	waitAcked := func(n int) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for len(acked()) < n {
			if time.Now().After(deadline) {
				t.Fatalf("only %d writes acknowledged (want %d); refused %v, down %d", len(acked()), n, l.refused, l.down.Load())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitAcked(100)

	before := acked() // acknowledged before the backup began
	backup := filepath.Join(dir, "backup.db")
	if code, out, errs := runBin(t, bin, nil, "admin", "backup", "--db", dsn, backup); code != 0 {
		t.Fatalf("admin backup: exit %d\n%s%s", code, out, errs)
	} else {
		t.Logf("admin backup: %s", strings.TrimSpace(out))
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, %v; want mode 0600", fi, err)
	}
	afterBackup := len(acked())
	waitAcked(afterBackup + 100) // the server goes on writing

	// A second backup to the same file needs --force.
	if code, _, errs := runBin(t, bin, nil, "admin", "backup", "--db", dsn, backup); code != 1 || !strings.Contains(errs, "--force") {
		t.Errorf("backup over an existing file: exit %d, %q", code, errs)
	}
	// Restoring over the database the server has open is refused, --force
	// or not, and changes nothing.
	if code, _, errs := runBin(t, bin, nil, "admin", "restore", "--db", dsn, "--force", backup); code != 1 || !strings.Contains(errs, "in use") {
		t.Errorf("restore over the live database: exit %d, %q", code, errs)
	}

	cancel()
	wg.Wait()
	n.stop()
	all := acked()

	restored := filepath.Join(dir, "restored.db")
	rdsn := "sqlite:" + restored
	if code, out, errs := runBin(t, bin, nil, "admin", "restore", "--db", rdsn, backup); code != 0 {
		t.Fatalf("admin restore: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runBin(t, bin, nil, "admin", "restore", "--db", rdsn, backup); code != 1 || !strings.Contains(errs, "--force") {
		t.Errorf("restore over an existing database without --force: exit %d, %q", code, errs)
	}

	st := mustStore(t, context.Background(), rdsn)
	var check string
	if err := st.(interface{ WriteDB() *sql.DB }).WriteDB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of the restored database: %q, %v", check, err)
	}
	zones, err := st.ZoneList(context.Background(), 19052)
	if err != nil {
		t.Fatal(err)
	}
	inDB := make(map[string]bool)
	for _, z := range zones {
		if strings.HasPrefix(z.Domain, "w") {
			inDB[z.Domain] = true
		}
	}
	for reqID, domain := range before {
		if !inDB[domain] {
			t.Errorf("write %s (%s), acknowledged before the backup began, is not in the restored database", reqID, domain)
		}
	}
	rows, err := st.AuditList(context.Background(), store.AuditFilter{CustomerID: 19052})
	if err != nil {
		t.Fatal(err)
	}
	journal := make(map[string]bool)
	for _, r := range rows {
		if r.Command == "dns/add-primary" && r.Result == store.AuditResultOK {
			var p struct{ Domain string }
			if err := json.Unmarshal([]byte(r.Params), &p); err != nil {
				t.Fatal(err)
			}
			journal[p.Domain] = true
		}
	}
	if !maps.Equal(journal, inDB) {
		t.Errorf("restored: %d zones, %d journal rows of dns/add-primary: not one moment of the database", len(inDB), len(journal))
	}
	if len(inDB) >= len(all) {
		t.Errorf("restored: %d zones, but only %d writes were acknowledged in all: writes made after the backup are in it", len(inDB), len(all))
	}
	t.Logf("%d writes acknowledged before the backup, %d in the backup, %d acknowledged in all", len(before), len(inDB), len(all))
	st.Close()

	// artnetd serves the restored database.
	addr := freeAddr(t)
	srv := startArtnetd(t, bin, nil, addr, "serve", "--db", rdsn, "--http", addr, "--access-log", filepath.Join(dir, "access2.log"))
	defer func() { srv.Process.Signal(os.Interrupt); srv.Wait() }()
	resp, err := http.PostForm("http://"+addr+"/api/dns/list", url.Values{"id": {id}, "api_key": {key}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Success bool }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || !body.Success {
		t.Fatalf("dns/list on the restored database: %v %+v", err, body)
	}
}

// TestBackupRestoreRefusals: what backup and restore refuse, and that a
// refused restore leaves the database as it was.
func TestBackupRestoreRefusals(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "artnet.db")
	runOK(t, "admin", "customer", "create", "--db", dsn, "--name", "Kept")
	backup := filepath.Join(dir, "b.db")
	runOK(t, "admin", "backup", "--db", dsn, backup)
	runOK(t, "admin", "backup", "--db", dsn, "--force", backup)

	errOf := func(args ...string) string {
		t.Helper()
		var errb bytes.Buffer
		err := run(context.Background(), args, &bytes.Buffer{}, &errb)
		if err == nil {
			t.Fatalf("artnetd %v succeeded", args)
		}
		return err.Error() + errb.String()
	}
	if e := errOf("admin", "backup", "--db", "postgres://artnet:secret@db.example/artnet", "x.dump"); !strings.Contains(e, "pg_dump --format=custom --file=x.dump") || strings.Contains(e, "secret") {
		t.Errorf("backup of PostgreSQL: %s", e)
	}
	if e := errOf("admin", "restore", "--db", "postgres://artnet@db.example/artnet", "x.dump"); !strings.Contains(e, "pg_restore") {
		t.Errorf("restore of PostgreSQL: %s", e)
	}
	if e := errOf("admin", "backup", "--db", "sqlite:"+filepath.Join(dir, "none.db"), filepath.Join(dir, "n.db")); !strings.Contains(e, "no such file") {
		t.Errorf("backup of a missing database: %s", e)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("backup created the missing database")
	}
	if e := errOf("admin", "backup", "--db", dsn); !strings.Contains(e, "accepts 1 arg") {
		t.Errorf("backup without FILE: %s", e)
	}

	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, bytes.Repeat([]byte("not a database "), 1000), 0o600)
	other := filepath.Join(dir, "other.db")
	if db, err := openSQLiteFileCreate(other); err != nil {
		t.Fatal(err)
	} else {
		db.Exec("CREATE TABLE t (x)")
		db.Close()
	}
	for _, c := range []struct{ file, want string }{
		{garbage, "not a database"},
		{other, "not an artnetd database"},
		{filepath.Join(dir, "missing.db"), "no such file"},
		{backup, "--force"},
	} {
		if e := errOf("admin", "restore", "--db", dsn, "--force="+map[bool]string{true: "false", false: "true"}[c.want == "--force"], c.file); !strings.Contains(e, c.want) {
			t.Errorf("restore of %s: %s; want %q", filepath.Base(c.file), e, c.want)
		}
	}
	if out := runOK(t, "admin", "export", "--db", dsn); !strings.Contains(out, `"Kept"`) {
		t.Errorf("a refused restore changed the database:\n%s", out)
	}

	// --force replaces the database: what was written after the backup
	// is gone, what was before is there.
	runOK(t, "admin", "customer", "create", "--db", dsn, "--name", "Later")
	runOK(t, "admin", "restore", "--db", dsn, "--force", backup)
	if out := runOK(t, "admin", "export", "--db", dsn); !strings.Contains(out, `"Kept"`) || strings.Contains(out, `"Later"`) {
		t.Errorf("after restore --force:\n%s", out)
	}
}

// openSQLiteFileCreate opens (creating) a plain SQLite file.
func openSQLiteFileCreate(path string) (*sql.DB, error) {
	return sql.Open("sqlite", path)
}
