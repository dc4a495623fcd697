package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// The crash tests run the built binary under a write load (dns/add-primary
// of a new zone per request, each with its own X-Request-Id) and kill it
// with SIGKILL, and on PostgreSQL also terminate its database backends,
// several times. Afterwards:
//   - every write the client saw acknowledged is in the database;
//   - the audit journal's successful dns/add-primary rows are exactly the
//     zones in the database (a change and its row commit together), and
//     include every acknowledged request id. A write whose answer was
//     lost (the node died after the commit) is in both, counted and
//     reported as committed-unacknowledged; a write that did not commit
//     is in neither;
//   - SQLite's PRAGMA integrity_check says ok.

// crashNode is one artnetd process that the test may kill and restart on
// the same address.
type crashNode struct {
	t    *testing.T
	bin  string
	args []string
	addr string
	cmd  *exec.Cmd
}

func newCrashNode(t *testing.T, bin, dsn string) *crashNode {
	addr := freeAddr(t)
	n := &crashNode{t: t, bin: bin, addr: addr, args: []string{"serve", "--db", dsn, "--http", addr,
		"--access-log", filepath.Join(t.TempDir(), "access.log"), "--follow", "200ms"}}
	t.Cleanup(func() { n.kill() })
	return n
}

// start runs the node and waits until it is ready.
func (n *crashNode) start() {
	n.t.Helper()
	n.cmd = startArtnetd(n.t, n.bin, nil, n.addr, n.args...)
}

// kill sends SIGKILL and reaps the process.
func (n *crashNode) kill() {
	if n.cmd == nil {
		return
	}
	n.cmd.Process.Signal(syscall.SIGKILL)
	n.cmd.Wait()
	n.cmd = nil
}

// stop ends the node with SIGTERM (a clean shutdown).
func (n *crashNode) stop() {
	if n.cmd == nil {
		return
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	n.cmd.Wait()
	n.cmd = nil
}

// writeLoad posts dns/add-primary of new zones through the nodes until
// stopped, and remembers the writes acknowledged (success: true) by
// request id → domain.
type writeLoad struct {
	id, key string
	nodes   []*crashNode
	next    atomic.Int64
	mu      sync.Mutex
	acked   map[string]string
	down    atomic.Int64 // transport errors (node down)
	mu2     sync.Mutex
	refused map[string]int // error answers by code
	client  *http.Client
}

func (l *writeLoad) run(ctx context.Context, workers int) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				l.one(l.nodes[(w+i)%len(l.nodes)])
			}
		})
	}
	return &wg
}

func (l *writeLoad) one(n *crashNode) {
	k := l.next.Add(1)
	domain := fmt.Sprintf("w%d.acme.test", k)
	reqID := fmt.Sprintf("crash-%d", k)
	v := url.Values{"id": {l.id}, "api_key": {l.key}, "domain": {domain}}
	req, _ := http.NewRequest("POST", "http://"+n.addr+"/api/dns/add-primary", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Request-Id", reqID)
	resp, err := l.client.Do(req)
	if err != nil {
		l.down.Add(1)
		time.Sleep(5 * time.Millisecond) // the node is down
		return
	}
	defer resp.Body.Close()
	var body struct {
		Success bool `json:"success"`
		Error   struct{ Code string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || !body.Success {
		code := body.Error.Code
		if err != nil {
			code = "cut off"
		}
		l.mu2.Lock()
		if l.refused == nil {
			l.refused = make(map[string]int)
		}
		l.refused[code]++
		l.mu2.Unlock()
		return
	}
	l.mu.Lock()
	l.acked[reqID] = domain
	l.mu.Unlock()
}

// checkCrashState verifies the database and the journal against the
// acknowledged writes (see the top of this file).
func checkCrashState(t *testing.T, st store.Store, customerID int64, l *writeLoad, attempts int64) {
	t.Helper()
	ctx := context.Background()
	zones, err := st.ZoneList(ctx, customerID)
	if err != nil {
		t.Fatal(err)
	}
	inDB := make(map[string]bool)
	for _, z := range zones {
		if strings.HasPrefix(z.Domain, "w") {
			inDB[z.Domain] = true
		}
	}
	rows, err := st.AuditList(ctx, store.AuditFilter{CustomerID: customerID})
	if err != nil {
		t.Fatal(err)
	}
	journal := make(map[string]string) // domain → request id, of successful add-primary rows
	for _, r := range rows {
		if r.Command != "dns/add-primary" || r.Result != store.AuditResultOK {
			continue
		}
		var p struct{ Domain string }
		if err := json.Unmarshal([]byte(r.Params), &p); err != nil {
			t.Fatalf("row %+v: %v", r, err)
		}
		if _, dup := journal[p.Domain]; dup {
			t.Errorf("two journal rows for %s", p.Domain)
		}
		journal[p.Domain] = r.RequestID
	}
	for reqID, domain := range l.acked {
		if !inDB[domain] {
			t.Errorf("acknowledged write %s (%s) is not in the database", reqID, domain)
		}
		if journal[domain] != reqID {
			t.Errorf("acknowledged write %s (%s) has no journal row (row: %q)", reqID, domain, journal[domain])
		}
	}
	for domain := range inDB {
		if _, ok := journal[domain]; !ok {
			t.Errorf("zone %s committed without its journal row", domain)
		}
	}
	for domain := range journal {
		if !inDB[domain] {
			t.Errorf("journal row of %s without its zone", domain)
		}
	}
	unacked := len(inDB) - len(l.acked)
	if len(l.acked) == 0 {
		t.Fatal("no write was acknowledged")
	}
	t.Logf("%d writes attempted, %d acknowledged, %d committed, of which %d unacknowledged (answer lost in a kill); %d not answered (node down), error answers %v",
		attempts, len(l.acked), len(inDB), unacked, l.down.Load(), l.refused)
}

// demoKey gives the demo customer a known API key.
func demoKey(t *testing.T, dsn string) (string, string) {
	t.Helper()
	key := strings.Repeat("C", 40)
	st := mustStore(t, context.Background(), dsn)
	if err := st.CustomerSetAPIKey(context.Background(), 19052, hashKey(key)); err != nil {
		t.Fatal(err)
	}
	return "19052", key
}

func TestCrashSQLite(t *testing.T) {
	bin := artnetdBinary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "artnet.db")
	dsn := "sqlite:" + path
	n := newCrashNode(t, bin, dsn)
	n.args = append(n.args, "--demo")
	n.start()
	id, key := demoKey(t, dsn)
	l := &writeLoad{id: id, key: key, nodes: []*crashNode{n}, acked: make(map[string]string),
		client: &http.Client{Timeout: 5 * time.Second}}
	ctx, cancel := context.WithCancel(context.Background())
	wg := l.run(ctx, 4)
	for range 3 {
		time.Sleep(700 * time.Millisecond)
		n.kill()
		time.Sleep(100 * time.Millisecond)
		n.start()
	}
	time.Sleep(300 * time.Millisecond)
	cancel()
	wg.Wait()
	n.kill() // the last one too: nothing may depend on a clean shutdown
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.WriteDB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	checkCrashState(t, db, 19052, l, l.next.Load())
}

func TestCrashPostgres(t *testing.T) {
	schemaDSN := pgtest.NewSchema(t)
	bin := artnetdBinary(t)
	withApp := func(name string) string {
		u, err := url.Parse(schemaDSN)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("application_name", name)
		u.RawQuery = q.Encode()
		return u.String()
	}
	appA, appB := "crash-a-"+fmt.Sprint(time.Now().UnixNano()), "crash-b-"+fmt.Sprint(time.Now().UnixNano())
	a := newCrashNode(t, bin, withApp(appA))
	a.args = append(a.args, "--demo")
	a.start()
	b := newCrashNode(t, bin, withApp(appB))
	b.start()
	id, key := demoKey(t, schemaDSN)
	l := &writeLoad{id: id, key: key, nodes: []*crashNode{a, b}, acked: make(map[string]string),
		client: &http.Client{Timeout: 5 * time.Second}}
	admin := mustStore(t, context.Background(), schemaDSN).(interface{ WriteDB() *sql.DB })
	terminate := func(app string) int {
		var n int
		err := admin.WriteDB().QueryRow("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	ctx, cancel := context.WithCancel(context.Background())
	wg := l.run(ctx, 6)
	terminated := 0
	for range 3 {
		time.Sleep(500 * time.Millisecond)
		a.kill() // kill -9 of a node while both take writes
		time.Sleep(300 * time.Millisecond)
		terminated += terminate(appB) // the backends of the other node's connections
		time.Sleep(300 * time.Millisecond)
		a.start()
	}
	time.Sleep(300 * time.Millisecond)
	cancel()
	wg.Wait()
	a.kill()
	b.stop()
	if terminated == 0 {
		t.Fatal("no backend of node b was terminated")
	}
	t.Logf("%d backends of node b terminated", terminated)
	checkCrashState(t, mustStore(t, context.Background(), schemaDSN), 19052, l, l.next.Load())
}
