package zonesync_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/metrics"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
	"github.com/artnet-panel/artnet-panel/internal/zonesync"
)

var errFlaky = errors.New("flaky store: connection reset")

// flakyStore is a store whose reads of chosen zones fail, as during a
// database outage, and whose ZonesAll can be held between its read and its
// return.
type flakyStore struct {
	store.Store
	mu   sync.Mutex
	bad  map[string]bool // domains whose ZoneByDomain fails
	hold chan chan struct{}
}

func (f *flakyStore) fail(domain string, on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.bad == nil {
		f.bad = map[string]bool{}
	}
	f.bad[domain] = on
}

func (f *flakyStore) ZoneByDomain(ctx context.Context, domain string) (store.Zone, error) {
	f.mu.Lock()
	bad := f.bad[domain]
	f.mu.Unlock()
	if bad {
		return store.Zone{}, errFlaky
	}
	return f.Store.ZoneByDomain(ctx, domain)
}

func (f *flakyStore) ZonesAll(ctx context.Context) ([]store.ZoneWithRecords, error) {
	all, err := f.Store.ZonesAll(ctx)
	f.mu.Lock()
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		// Tell the test the zones have been read, then wait for it.
		release := make(chan struct{})
		hold <- release
		<-release
	}
	return all, err
}

// flakyEnv is a DNS server fed by a syncer reading through a flakyStore;
// the panel writes to the store itself.
type flakyEnv struct {
	*env
	st    *sqlite.DB
	path  string
	flaky *flakyStore
	sync  *zonesync.Syncer
}

func newFlakyEnv(t *testing.T) *flakyEnv {
	t.Helper()
	flaky := &flakyStore{}
	e, st, path, sync := newEnvOver(t, func(st *sqlite.DB) store.Store { flaky.Store = st; return flaky }, false)
	return &flakyEnv{env: e, st: st, path: path, flaky: flaky, sync: sync}
}

// startReconciler runs the syncer's reconciler until the test ends.
func (e *flakyEnv) startReconciler(t *testing.T, interval time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done, err := e.sync.Reconciler(interval).Start(ctx)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done })
}

// waitFor queries name until its A answer is want (bounded wait, no
// timing assertion).
func (e *flakyEnv) waitFor(t *testing.T, name, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := answers(e.query(t, name, dns.TypeA))
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s A: %q, want %q", name, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// metric returns the value of the sample line (name with its labels, as
// /metrics prints it) served by the metrics handler.
func metric(t *testing.T, sample string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	metrics.Handler(false).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), sample+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("%s not in /metrics", sample)
	return 0
}

func (e *flakyEnv) zoneWithA(t *testing.T, addr string) int64 {
	t.Helper()
	ctx := context.Background()
	z, err := e.p.DNSAddPrimary(ctx, e.cust, "example.test")
	if err != nil {
		t.Fatal(err)
	}
	e.setA(t, z.ID, addr)
	return z.ID
}

func (e *flakyEnv) setA(t *testing.T, zoneID int64, addr string) {
	t.Helper()
	ctx := context.Background()
	cur, err := e.st.ZoneGet(ctx, e.cust, zoneID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.p.DNSEditPrimaryRecords(ctx, e.cust, zoneID, strconv.FormatInt(cur.Serial, 10), []panel.DNSRecordInput{
		{Name: "www", TTL: ttl(300), Type: "A", Data1: addr},
	}); err != nil {
		t.Fatal(err)
	}
}

// TestFailedZoneLoadIsRetried: a zone whose reload fails after an edit (a
// transient database error) is served as it was while the error lasts,
// shows in /metrics, and is served fresh once the database answers again,
// without another edit of it.
func TestFailedZoneLoadIsRetried(t *testing.T) {
	e := newFlakyEnv(t)
	// A period far beyond the test: only the retry of the failed zone
	// can bring it up to date.
	e.startReconciler(t, time.Hour)
	z := e.zoneWithA(t, "192.0.2.1")
	e.waitFor(t, "www.example.test.", "www.example.test. 300 IN A 192.0.2.1")
	failedBefore := metric(t, "artnet_dns_zones_failed")
	loadsBefore := metric(t, `artnet_dns_load_failures_total{scope="zone"}`)

	e.flaky.fail("example.test", true)
	e.setA(t, z, "192.0.2.2")
	// The edit is committed but the zone could not be reloaded: the old
	// content is served, and the failure is visible.
	if got := answers(e.query(t, "www.example.test.", dns.TypeA)); got != "www.example.test. 300 IN A 192.0.2.1" {
		t.Fatalf("while the store fails: %q", got)
	}
	if got := metric(t, "artnet_dns_zones_failed"); got != failedBefore+1 {
		t.Fatalf("artnet_dns_zones_failed %v while the zone fails, want %v", got, failedBefore+1)
	}
	if got := metric(t, `artnet_dns_load_failures_total{scope="zone"}`); got <= loadsBefore {
		t.Fatalf("artnet_dns_load_failures_total{scope=\"zone\"} %v, want more than %v", got, loadsBefore)
	}

	e.flaky.fail("example.test", false)
	e.waitFor(t, "www.example.test.", "www.example.test. 300 IN A 192.0.2.2")
	if got := metric(t, "artnet_dns_zones_failed"); got != failedBefore {
		t.Fatalf("artnet_dns_zones_failed %v after the retry, want %v", got, failedBefore)
	}
	if err := e.sync.Reconcile(context.Background()); err != nil {
		t.Fatalf("Reconcile once the zone loaded: %v", err)
	}
}

// TestPeriodicReloadPicksUpChangesWithoutChangeLog: a zone changed in the
// database behind the panel's back (no change-log row, no ZoneChanged) is
// served after the next full reload; a full reload that finds nothing
// changed installs no new snapshot.
func TestPeriodicReloadPicksUpChangesWithoutChangeLog(t *testing.T) {
	ctx := context.Background()
	e := newFlakyEnv(t)
	e.zoneWithA(t, "192.0.2.1")
	if err := e.sync.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	snap := e.srv.Snapshot()
	if err := e.sync.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if e.srv.Snapshot() != snap {
		t.Fatal("a full reload that found no change installed a new snapshot")
	}

	e.startReconciler(t, 50*time.Millisecond)
	db, err := sql.Open("sqlite", e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var before int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM change_log`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE dns_zone_records SET data1 = '192.0.2.9' WHERE data1 = '192.0.2.1'`); err != nil {
		t.Fatal(err)
	}
	e.waitFor(t, "www.example.test.", "www.example.test. 300 IN A 192.0.2.9")
	var after int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM change_log`).Scan(&after); err != nil || after != before {
		t.Fatalf("the change log moved (%d -> %d, %v): the test must change the zone without it", before, after, err)
	}
}

// TestFullReloadKeepsLaterEdit: a full reload that read the store before
// an edit does not replace the edited zone, installed meanwhile, by what
// it read.
func TestFullReloadKeepsLaterEdit(t *testing.T) {
	ctx := context.Background()
	e := newFlakyEnv(t)
	z := e.zoneWithA(t, "192.0.2.1")
	hold := make(chan chan struct{})
	e.flaky.mu.Lock()
	e.flaky.hold = hold
	e.flaky.mu.Unlock()
	done := make(chan error)
	go func() { done <- e.sync.Reconcile(ctx) }()
	release := <-hold // the full reload has read the zone with 192.0.2.1
	e.flaky.mu.Lock()
	e.flaky.hold = nil
	e.flaky.mu.Unlock()
	e.setA(t, z, "192.0.2.2")
	e.waitFor(t, "www.example.test.", "www.example.test. 300 IN A 192.0.2.2")
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := answers(e.query(t, "www.example.test.", dns.TypeA)); got != "www.example.test. 300 IN A 192.0.2.2" {
		t.Fatalf("after the full reload that read the zone before the edit: %q", got)
	}
}

// TestBrokenZonesDoNotStopTheOthers: zones that do not build (a record
// zonefile rejects; a CNAME beside other data, which dnsd rejects) are left
// pending at load, counted in /metrics, and the other zones are served;
// once fixed in the database, a reconcile serves them.
func TestBrokenZonesDoNotStopTheOthers(t *testing.T) {
	ctx := context.Background()
	e := newFlakyEnv(t)
	add := func(domain string, recs ...store.ZoneRecord) {
		z := store.Zone{CustomerID: e.cust, Domain: domain, Type: store.ZoneTypePrimary, Serial: 2026120701}
		if err := e.st.ZoneCreate(ctx, &z); err != nil {
			t.Fatal(err)
		}
		if err := e.st.ZoneRecordsReplace(ctx, store.ZoneRecordsReplaceParams{CustomerID: e.cust, ZoneID: z.ID,
			ExpectSerial: z.Serial, NewSerial: z.Serial + 1, Records: recs}); err != nil {
			t.Fatal(err)
		}
	}
	add("good.test", store.ZoneRecord{Name: "www", TTL: 300, Type: "A", Data1: "192.0.2.1"})
	add("bad-data.test", store.ZoneRecord{Name: "www", TTL: 300, Type: "A", Data1: "not-an-address"})
	add("bad-cname.test", store.ZoneRecord{Name: "www", TTL: 300, Type: "CNAME", Data1: "good.test."},
		store.ZoneRecord{Name: "www", TTL: 300, Type: "A", Data1: "192.0.2.2"})
	failedBefore := metric(t, "artnet_dns_zones_failed")

	if err := e.sync.Load(ctx); err != nil {
		t.Fatalf("Load with broken zones: %v", err)
	}
	if got := e.srv.Snapshot().Zones(); len(got) != 1 || got[0] != "good.test." {
		t.Fatalf("zones served %v, want good.test. alone", got)
	}
	if got := metric(t, "artnet_dns_zones_failed"); got != failedBefore+2 {
		t.Fatalf("artnet_dns_zones_failed %v, want %v", got, failedBefore+2)
	}
	if err := e.sync.Reconcile(ctx); err == nil || !strings.Contains(err.Error(), "zones not loaded: 2 ") {
		t.Fatalf("Reconcile with two broken zones: %v", err)
	}

	db, err := sql.Open("sqlite", e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `UPDATE dns_zone_records SET data1 = '192.0.2.3' WHERE data1 = 'not-an-address'`); err != nil {
		t.Fatal(err)
	}
	if err := e.sync.Reconcile(ctx); err == nil || !strings.Contains(err.Error(), "zones not loaded: 1 (bad-cname.test: ") {
		t.Fatalf("Reconcile with one broken zone: %v", err)
	}
	if _, ok := e.srv.Snapshot().Serial("bad-data.test."); !ok {
		t.Fatalf("the fixed zone is not served: %v", e.srv.Snapshot().Zones())
	}
	if got := metric(t, "artnet_dns_zones_failed"); got != failedBefore+1 {
		t.Fatalf("artnet_dns_zones_failed %v, want %v", got, failedBefore+1)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM dns_zone_records WHERE type = 'CNAME'`); err != nil {
		t.Fatal(err)
	}
	if err := e.sync.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.srv.Snapshot().Zones(); len(got) != 3 {
		t.Fatalf("zones served %v, want all three", got)
	}
	if got := metric(t, "artnet_dns_zones_failed"); got != failedBefore {
		t.Fatalf("artnet_dns_zones_failed %v, want %v", got, failedBefore)
	}
}
