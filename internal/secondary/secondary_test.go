package secondary

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/dnsd"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

const exampleZone = `$TTL 3600
@	IN SOA ns1.example.com. hostmaster.example.com. 2024010101 3600 600 7200 300
@	IN NS	ns1
@	IN NS	ns2.example.net.
ns1	IN A	192.0.2.53
www	300 IN A	192.0.2.80
www	300 IN AAAA	2001:db8::80
@	IN MX	10 mail
mail	IN A	192.0.2.25
@	IN TXT	"v=spf1 mx -all" "second string"
_sip._tcp IN SRV 10 5 5060 sip.example.net.
sub	IN NS	ns.sub
ns.sub	IN A	192.0.2.99
*.wild	IN CNAME www
`

// t0 is the start of the injected clock.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is an injectable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// publishLog records Publish calls.
type publishLog struct {
	mu    sync.Mutex
	calls []string
	ch    chan string
}

func (p *publishLog) Publish(_ context.Context, domain string) {
	p.mu.Lock()
	p.calls = append(p.calls, domain)
	p.mu.Unlock()
	if p.ch != nil {
		p.ch <- domain
	}
}

func (p *publishLog) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

type fixture struct {
	st     store.Store
	clock  *clock
	master *testMaster
	pub    *publishLog
	w      *Worker
	zone   store.Zone
	cust   int64
}

func openStore(t testing.TB) store.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newFixture starts a master for example.com, a store with the secondary
// zone example.com of master "master.test" (resolving to 127.0.0.1) and
// a worker with an injected clock at t0.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{st: openStore(t), clock: &clock{now: t0}, pub: &publishLog{}}
	f.master = startMaster(t, "example.com.", exampleZone)
	c := store.Customer{Name: "c", Language: "en", Currency: "EUR"}
	if err := f.st.CustomerCreate(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
	f.cust = c.ID
	f.zone = f.addZone(t, "example.com", "master.test")
	f.w = &Worker{
		Store: f.st,
		Now:   f.clock.Now,
		Resolve: func(ctx context.Context, host string) ([]netip.Addr, error) {
			if host == "master.test" {
				return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
			}
			return nil, fmt.Errorf("%s: no such host", host)
		},
		Port:            f.master.port,
		Publish:         f.pub.Publish,
		Logger:          testLogger(t),
		QueryTimeout:    300 * time.Millisecond,
		TransferTimeout: 5 * time.Second,
	}
	return f
}

func (f *fixture) addZone(t *testing.T, domain, master string) store.Zone {
	t.Helper()
	z := store.Zone{CustomerID: f.cust, Domain: domain, Type: store.ZoneTypeSecondary, MasterNameserver: master,
		CreatedAt: t0.Unix(), UpdatedAt: t0.Unix()}
	if err := f.st.ZoneCreate(t.Context(), &z); err != nil {
		t.Fatal(err)
	}
	return z
}

func (f *fixture) content(t *testing.T) store.SecondaryContent {
	t.Helper()
	c, err := f.st.SecondaryZoneContent(t.Context(), f.zone.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// at sets the clock to t0+d and checks the due zones.
func (f *fixture) checkAt(t *testing.T, d time.Duration) error {
	t.Helper()
	f.clock.Set(t0.Add(d))
	return f.w.CheckDue(t.Context())
}

// wantServed checks that the stored content of the zone is the master's
// zone and that the DNS server can serve it.
func (f *fixture) wantServed(t *testing.T, serial uint32) {
	t.Helper()
	c := f.content(t)
	if !c.Transferred || c.Expired || c.Serial != int64(serial) {
		t.Fatalf("zone state %+v, want serial %d served", c.SecondaryState, serial)
	}
	z, err := f.st.ZoneGet(t.Context(), f.cust, f.zone.ID)
	if err != nil || z.Serial != int64(serial) || z.RefreshedAt == 0 {
		t.Errorf("the zone's row: %+v, %v; want serial %d", z, err, serial)
	}
	want := f.master.records("example.com.")
	got, err := ParseRecords(c.Records)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d records stored, the master has %d:\n%s", len(got), len(want), strings.Join(c.Records, "\n"))
	}
	for i := range got {
		if !dns.IsDuplicate(got[i], want[i]) || got[i].Header().Ttl != want[i].Header().Ttl {
			t.Errorf("record %d: stored %v, master has %v", i, got[i], want[i])
		}
	}
	dz, ok, err := ServedZone(c)
	if err != nil || !ok {
		t.Fatalf("ServedZone = %v, %v", ok, err)
	}
	snap, err := dnsd.NewSnapshot([]dnsd.Zone{dz})
	if err != nil {
		t.Fatalf("NewSnapshot: %v", err)
	}
	if s, ok := snap.Serial("example.com."); !ok || s != serial {
		t.Errorf("snapshot serial %d, %v; want %d", s, ok, serial)
	}
}

func bumpSerial(zone string, serial uint32, old, new string) string {
	return strings.NewReplacer("2024010101", fmt.Sprint(serial), old, new).Replace(zone)
}

func TestInitialTransfer(t *testing.T) {
	f := newFixture(t)
	if c := f.content(t); c.Transferred || c.Records != nil {
		t.Fatalf("content before the first transfer: %+v", c)
	}
	if err := f.checkAt(t, 0); err != nil {
		t.Fatalf("CheckDue: %v", err)
	}
	if n := f.master.axfrs.Load(); n != 1 {
		t.Errorf("%d AXFRs, want 1", n)
	}
	f.wantServed(t, 2024010101)
	c := f.content(t)
	want := store.SecondaryState{Zone: c.Zone, Refresh: 3600, Retry: 600, Expire: 7200,
		CheckedAt: t0.Unix(), NextCheck: t0.Add(time.Hour).Unix(), Transferred: true}
	if c.SecondaryState != want || c.RefreshedAt != t0.Unix() || c.UpdatedAt != t0.Unix() {
		t.Errorf("state %+v\nwant %+v", c.SecondaryState, want)
	}
	if !slices.Equal(f.pub.calls, []string{"example.com"}) {
		t.Errorf("Publish calls %q, want [example.com]", f.pub.calls)
	}
	// Nothing is due before the refresh.
	if err := f.checkAt(t, time.Hour-time.Second); err != nil {
		t.Fatal(err)
	}
	if n := f.master.soaQueries.Load(); n != 1 {
		t.Errorf("%d SOA queries before the refresh, want 1", n)
	}
}

func TestUnchangedSerialNoTransfer(t *testing.T) {
	f := newFixture(t)
	if err := f.checkAt(t, 0); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if err := f.checkAt(t, time.Duration(i)*time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := f.w.Refresh(t.Context(), "example.com"); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.master.soaQueries.Load(); n != 7 {
		t.Errorf("%d SOA queries, want 7", n)
	}
	if n := f.master.axfrs.Load(); n != 1 {
		t.Errorf("%d AXFRs, want only the first", n)
	}
	c := f.content(t)
	if c.CheckedAt != t0.Add(3*time.Hour).Unix() || c.NextCheck != t0.Add(4*time.Hour).Unix() || c.RefreshedAt != t0.Unix() {
		t.Errorf("state after unchanged checks: %+v", c.SecondaryState)
	}
	if f.pub.count() != 1 {
		t.Errorf("Publish called %d times, want 1: %q", f.pub.count(), f.pub.calls)
	}
}

func TestNewSerialOnRefreshTimer(t *testing.T) {
	f := newFixture(t)
	if err := f.checkAt(t, 0); err != nil {
		t.Fatal(err)
	}
	f.master.setZone(t, "example.com.", bumpSerial(exampleZone, 2024010102, "192.0.2.80", "192.0.2.81"))
	if err := f.checkAt(t, 59*time.Minute); err != nil {
		t.Fatal(err)
	}
	if n := f.master.axfrs.Load(); n != 1 {
		t.Fatalf("transferred before the refresh timer: %d AXFRs", n)
	}
	if err := f.checkAt(t, time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := f.master.axfrs.Load(); n != 2 {
		t.Fatalf("%d AXFRs, want 2", n)
	}
	f.wantServed(t, 2024010102)
	if c := f.content(t); !slices.Contains(c.Records, "www.example.com.\t300\tIN\tA\t192.0.2.81") {
		t.Errorf("new record not stored: %q", c.Records)
	}
	if f.pub.count() != 2 {
		t.Errorf("Publish called %d times, want 2", f.pub.count())
	}
	// Serial arithmetic: a serial that wrapped around is newer.
	f.master.setZone(t, "example.com.", bumpSerial(exampleZone, 5, "x", "x"))
	if err := f.checkAt(t, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	if f.content(t).Serial != 2024010102 {
		t.Fatal("a serial 2024010102 → 5 (older by RFC 1982) was transferred")
	}
	f.master.setZone(t, "example.com.", bumpSerial(exampleZone, 2024010102+1<<31-1, "x", "x"))
	if err := f.checkAt(t, 3*time.Hour); err != nil {
		t.Fatal(err)
	}
	f.wantServed(t, 2024010102+1<<31-1)
	f.master.setZone(t, "example.com.", bumpSerial(exampleZone, 7, "x", "x")) // wrapped past 2³²
	if err := f.checkAt(t, 4*time.Hour); err != nil {
		t.Fatal(err)
	}
	f.wantServed(t, 7)
}

func TestRefreshAfterNotify(t *testing.T) {
	f := newFixture(t)
	if err := f.checkAt(t, 0); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(t0.Add(time.Minute)) // long before the refresh timer
	f.master.setZone(t, "example.com.", bumpSerial(exampleZone, 2024010102, "192.0.2.80", "192.0.2.81"))
	if err := f.w.Refresh(t.Context(), "Example.COM."); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	f.wantServed(t, 2024010102)
	if c := f.content(t); c.NextCheck != t0.Add(time.Minute+time.Hour).Unix() {
		t.Errorf("next check %d, want an hour after the refresh", c.NextCheck)
	}

	// The NOTIFY hook: from the master's address it refreshes...
	f.master.setZone(t, "example.com.", bumpSerial(exampleZone, 2024010103, "192.0.2.80", "192.0.2.82"))
	f.w.Notified("example.com.", netip.MustParseAddr("127.0.0.1"))
	f.wantServed(t, 2024010103)
	// ...from anyone else it is ignored.
	f.master.setZone(t, "example.com.", bumpSerial(exampleZone, 2024010104, "192.0.2.80", "192.0.2.83"))
	queries := f.master.soaQueries.Load()
	f.w.Notified("example.com.", netip.MustParseAddr("192.0.2.1"))
	f.w.Notified("example.com.", netip.Addr{})
	if f.master.soaQueries.Load() != queries || f.content(t).Serial != 2024010103 {
		t.Error("a NOTIFY from a stranger made the worker check the zone")
	}
	if n := f.master.axfrs.Load(); n != 3 {
		t.Errorf("%d AXFRs, want 3", n)
	}

	for _, d := range []string{"nosuch.example", "", "."} {
		if err := f.w.Refresh(t.Context(), d); !errors.Is(err, ErrNotSecondary) {
			t.Errorf("Refresh(%q) = %v, want ErrNotSecondary", d, err)
		}
	}
	p := store.Zone{CustomerID: f.cust, Domain: "primary.example", Type: store.ZoneTypePrimary, Serial: 1}
	if err := f.st.ZoneCreate(t.Context(), &p); err != nil {
		t.Fatal(err)
	}
	if err := f.w.Refresh(t.Context(), "primary.example"); !errors.Is(err, ErrNotSecondary) {
		t.Errorf("Refresh(primary zone) = %v, want ErrNotSecondary", err)
	}
}

// TestRefreshCoalesces: a Refresh arriving while a check runs waits for it
// and then checks again (the NOTIFY may announce a serial the running
// check did not see); Refreshes waiting together share one check.
func TestRefreshCoalesces(t *testing.T) {
	f := newFixture(t)
	if err := f.checkAt(t, 0); err != nil {
		t.Fatal(err)
	}
	var waiting atomic.Int32
	testHookWait = func() { waiting.Add(1) }
	t.Cleanup(func() { testHookWait = nil })
	gate, held := make(chan struct{}), make(chan struct{}, 10)
	f.master.mu.Lock()
	f.master.soaGate, f.master.soaHeld = gate, held
	f.master.mu.Unlock()
	var open sync.Once
	release := func() { open.Do(func() { close(gate) }) }
	t.Cleanup(release)
	first := make(chan error, 1)
	go func() { first <- f.w.Refresh(t.Context(), "example.com") }()
	<-held // the first check's SOA answer (the old serial) is made and held
	f.master.mu.Lock()
	f.master.soaGate = nil
	f.master.mu.Unlock()
	f.master.setZone(t, "example.com.", bumpSerial(exampleZone, 2024010102, "192.0.2.80", "192.0.2.81"))
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for range 5 {
		wg.Go(func() { errs <- f.w.Refresh(t.Context(), "example.com") })
	}
	// Let the five reach the wait for the running check.
	deadline := time.Now().Add(10 * time.Second)
	for waiting.Load() < 5 {
		if time.Now().After(deadline) {
			release()
			t.Fatalf("%d Refresh calls wait for the running check, want 5", waiting.Load())
		}
		time.Sleep(time.Millisecond)
	}
	release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	f.wantServed(t, 2024010102)
	if n := f.master.axfrs.Load(); n != 2 {
		t.Errorf("%d AXFRs, want 2", n)
	}
	// The initial check, the held one, and one shared by the five.
	if n := f.master.soaQueries.Load(); n != 3 {
		t.Errorf("%d SOA queries, want 3", n)
	}
}

// TestNotifyFlood: NOTIFYs for a zone arriving while one waits for its
// check to start are covered by that check and dropped at once.
func TestNotifyFlood(t *testing.T) {
	f := newFixture(t)
	if err := f.checkAt(t, 0); err != nil {
		t.Fatal(err)
	}
	var waiting atomic.Int32
	testHookWait = func() { waiting.Add(1) }
	t.Cleanup(func() { testHookWait = nil })
	gate, held := make(chan struct{}), make(chan struct{}, 10)
	f.master.mu.Lock()
	f.master.soaGate, f.master.soaHeld = gate, held
	f.master.mu.Unlock()
	first := make(chan error, 1)
	go func() { first <- f.w.Refresh(t.Context(), "example.com") }()
	<-held
	f.master.mu.Lock()
	f.master.soaGate = nil
	f.master.mu.Unlock()
	f.master.setZone(t, "example.com.", bumpSerial(exampleZone, 2024010102, "192.0.2.80", "192.0.2.81"))
	var open sync.Once
	release := func() { open.Do(func() { close(gate) }) }
	t.Cleanup(release)
	// While the gate is closed, only the NOTIFY that waits for the running
	// check has not returned: the others were dropped.
	var returned atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			f.w.Notified("EXAMPLE.com.", netip.MustParseAddr("127.0.0.1"))
			returned.Add(1)
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for waiting.Load() < 1 || returned.Load() < 19 {
		if time.Now().After(deadline) {
			release()
			t.Fatalf("%d NOTIFYs wait, %d returned; want 1, 19", waiting.Load(), returned.Load())
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	if n := returned.Load(); n != 19 {
		t.Errorf("%d NOTIFYs returned while a check was held, want 19", n)
	}
	release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	f.wantServed(t, 2024010102)
	if n := f.master.soaQueries.Load(); n != 3 {
		t.Errorf("%d SOA queries, want 3", n)
	}
	f.w.mu.Lock()
	n := len(f.w.notifying)
	f.w.mu.Unlock()
	if n != 0 {
		t.Errorf("%d zones left in notifying", n)
	}
}

func TestMasterDown(t *testing.T) {
	f := newFixture(t)
	if err := f.checkAt(t, 0); err != nil { // refresh 1 h, retry 10 min, expire 2 h
		t.Fatal(err)
	}
	f.master.setDown(true)
	if err := f.checkAt(t, time.Hour); err == nil {
		t.Fatal("CheckDue with the master down: no error")
	}
	c := f.content(t)
	if c.Expired || !c.Transferred || c.Failures != 1 || c.NextCheck != t0.Add(70*time.Minute).Unix() || c.LastError == "" {
		t.Fatalf("after a failed check: %+v", c.SecondaryState)
	}
	t.Logf("last error: %s", c.LastError)
	f.wantServed(t, 2024010101) // still served
	// The retries, each RETRY later; the one at 1h50 is followed by one at
	// exactly the expiry (2 h after the last contact), not at 2h.
	for _, m := range []int{70, 80, 90, 100, 110} {
		if err := f.checkAt(t, time.Duration(m-1)*time.Minute); err != nil {
			t.Fatalf("a check at %d min: %v", m-1, err)
		}
		if err := f.checkAt(t, time.Duration(m)*time.Minute); err == nil {
			t.Fatalf("check at %d min succeeded", m)
		}
		if c := f.content(t); c.Expired || c.NextCheck != t0.Add(time.Duration(m+10)*time.Minute).Unix() {
			t.Fatalf("after the failure at %d min: %+v", m, c.SecondaryState)
		}
	}
	if f.pub.count() != 1 {
		t.Errorf("Publish called %d times before the expiry", f.pub.count())
	}
	if err := f.checkAt(t, 120*time.Minute); err == nil {
		t.Fatal("check at 2 h succeeded")
	}
	c = f.content(t)
	if !c.Expired || c.Failures != 7 || !c.Transferred || c.Serial != 2024010101 {
		t.Fatalf("at the expiry: %+v", c.SecondaryState)
	}
	if f.pub.count() != 2 {
		t.Errorf("Publish called %d times, want once more at the expiry", f.pub.count())
	}
	if _, ok, err := ServedZone(c); ok || err != nil {
		t.Errorf("ServedZone of an expired zone = %v, %v", ok, err)
	}
	if n := f.master.axfrs.Load(); n != 1 {
		t.Errorf("%d AXFRs", n)
	}
	// Further failures keep it expired without publishing again.
	if err := f.checkAt(t, 130*time.Minute); err == nil {
		t.Fatal("check succeeded")
	}
	if c := f.content(t); !c.Expired || f.pub.count() != 2 {
		t.Errorf("after another failure: %+v, %d Publish calls", c.SecondaryState, f.pub.count())
	}

	// The master comes back with the same serial: served again, no transfer.
	f.master.setDown(false)
	if err := f.checkAt(t, 140*time.Minute); err != nil {
		t.Fatal(err)
	}
	f.wantServed(t, 2024010101)
	if c := f.content(t); c.Failures != 0 || c.LastError != "" || c.NextCheck != t0.Add(200*time.Minute).Unix() {
		t.Errorf("after the master is back: %+v", c.SecondaryState)
	}
	if f.pub.count() != 3 || f.master.axfrs.Load() != 1 {
		t.Errorf("%d Publish calls, %d AXFRs; want 3, 1", f.pub.count(), f.master.axfrs.Load())
	}
}

func TestMasterDownBeforeFirstTransfer(t *testing.T) {
	f := newFixture(t)
	f.master.setDown(true)
	err := f.checkAt(t, 0)
	if err == nil {
		t.Fatal("no error")
	}
	c := f.content(t)
	if c.Transferred || c.Expired || c.Failures != 1 || c.NextCheck != t0.Add(DefaultInitialRetry).Unix() {
		t.Errorf("state %+v", c.SecondaryState)
	}
	// Long after any expire: nothing to expire, nothing published.
	if err := f.checkAt(t, 30*24*time.Hour); err == nil {
		t.Fatal("no error")
	}
	if c := f.content(t); c.Expired || c.Failures != 2 || f.pub.count() != 0 {
		t.Errorf("state %+v, %d Publish calls", c.SecondaryState, f.pub.count())
	}
	f.master.setDown(false)
	if err := f.checkAt(t, 31*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	f.wantServed(t, 2024010101)
}

// TestTransferRefused: a zone that breaks the rules is not stored; a
// previous good zone stays.
func TestTransferRefused(t *testing.T) {
	for _, tc := range []struct {
		name, zone string
		closing    string // the closing SOA ("" = the zone's)
		maxRecords int
		maxBytes   int
		wantErr    string
	}{
		{name: "record outside the zone", zone: exampleZone + "evil.org. IN A 192.0.2.66\n", wantErr: "outside the zone"},
		{name: "owner is a parent", zone: exampleZone + "com. IN NS a.gtld-servers.net.\n", wantErr: "outside the zone"},
		{name: "sibling with the origin as suffix", zone: exampleZone + "badexample.com. IN A 192.0.2.1\n", wantErr: "outside the zone"},
		{name: "other class", zone: exampleZone + "ch CH TXT \"x\"\n", wantErr: "class"},
		{name: "second SOA", zone: exampleZone + "sub2 IN SOA a. b. 1 2 3 4 5\n", wantErr: "SOA inside"},
		{name: "closing SOA of another serial", zone: exampleZone, closing: "@ IN SOA ns1 hostmaster 2024010199 3600 600 7200 300", wantErr: "does not end"},
		{name: "closing SOA of another zone", zone: exampleZone, closing: "example.net. IN SOA ns1 hostmaster 2024010102 3600 600 7200 300", wantErr: "does not end"},
		{name: "too many records", zone: exampleZone, maxRecords: 5, wantErr: "more than 5 records"},
		{name: "too large", zone: exampleZone, maxBytes: 300, wantErr: "larger than 300 bytes"},
		{name: "CNAME beside other data", zone: exampleZone + "www IN CNAME mail\n", wantErr: "CNAME"},
		{name: "no apex NS", zone: strings.ReplaceAll(exampleZone, "@\tIN NS", "x\tIN NS"), wantErr: "NS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.w.MaxRecords, f.w.MaxBytes = tc.maxRecords, tc.maxBytes
			good := tc.maxRecords == 0 && tc.maxBytes == 0
			if good {
				if err := f.checkAt(t, 0); err != nil {
					t.Fatal(err)
				}
			}
			zone := bumpSerial(tc.zone, 2024010102, "x", "x")
			f.master.setZone(t, "example.com.", zone)
			if tc.closing != "" {
				f.master.mu.Lock()
				f.master.closing = parseZone(t, "example.com.", tc.closing)[0]
				f.master.mu.Unlock()
			}
			err := f.checkAt(t, time.Hour)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("CheckDue = %v, want an error with %q", err, tc.wantErr)
			}
			c := f.content(t)
			if !strings.Contains(c.LastError, tc.wantErr) || c.Failures != 1 || c.NextCheck != t0.Add(time.Hour+10*time.Minute).Unix() {
				t.Errorf("state %+v", c.SecondaryState)
			}
			if good {
				if c.Serial != 2024010101 || !c.Transferred || f.pub.count() != 1 {
					t.Errorf("the previous zone was not kept: %+v, %d Publish calls", c.SecondaryState, f.pub.count())
				}
				if _, ok, err := ServedZone(c); !ok || err != nil {
					t.Errorf("the previous zone is not served: %v, %v", ok, err)
				}
			} else if c.Transferred || c.Records != nil || c.Serial != 0 || f.pub.count() != 0 {
				t.Errorf("something was stored: %+v, %d records, %d Publish calls", c.SecondaryState, len(c.Records), f.pub.count())
			}
		})
	}
}

func TestTransferTimeout(t *testing.T) {
	f := newFixture(t)
	f.w.QueryTimeout, f.w.TransferTimeout = 2*time.Second, 300*time.Millisecond
	f.master.mu.Lock()
	f.master.axfrDelay = 1500 * time.Millisecond
	f.master.mu.Unlock()
	start := time.Now()
	err := f.checkAt(t, 0)
	if err == nil || !strings.Contains(err.Error(), "transfer not finished in 300ms") {
		t.Fatalf("CheckDue = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the check took %v", d)
	}
	if c := f.content(t); c.Transferred || c.Failures != 1 {
		t.Errorf("state %+v", c.SecondaryState)
	}
}

func TestMasterNotAuthoritative(t *testing.T) {
	f := newFixture(t)
	f.master.setZone(t, "example.com.", "") // answers REFUSED for example.com
	err := f.checkAt(t, 0)
	if err == nil || !strings.Contains(err.Error(), "REFUSED") {
		t.Fatalf("CheckDue = %v, want REFUSED", err)
	}
	if f.master.axfrs.Load() != 0 {
		t.Error("transferred from a master that refused the SOA query")
	}
}

func TestAllowMaster(t *testing.T) {
	f := newFixture(t)
	f.w.AllowMaster = PublicMaster
	err := f.checkAt(t, 0)
	if err == nil || !strings.Contains(err.Error(), "no address the worker may contact") {
		t.Fatalf("CheckDue = %v", err)
	}
	if n := f.master.soaQueries.Load(); n != 0 {
		t.Errorf("%d queries to a refused master", n)
	}
	if c := f.content(t); c.Failures != 1 || !strings.Contains(c.LastError, "127.0.0.1") {
		t.Errorf("state %+v", c.SecondaryState)
	}
	// A master given as an address goes through the same policy.
	z := f.addZone(t, "example.org", "127.0.0.1")
	f.w.AllowMaster = nil
	f.clock.Set(t0)
	f.w.CheckDue(t.Context())
	if c, _ := f.st.SecondaryZoneState(t.Context(), z.ID); !strings.Contains(c.LastError, "REFUSED") {
		t.Errorf("master 127.0.0.1 with the default policy: %+v", c)
	}

	for _, tc := range []struct {
		addr              string
		byDefault, public bool
	}{
		{"192.0.2.1", true, true},
		{"2001:db8::1", true, true},
		{"8.8.8.8", true, true},
		{"::ffff:8.8.8.8", true, true},
		{"127.0.0.1", true, false},
		{"::1", true, false},
		{"10.1.2.3", true, false},
		{"172.16.0.1", true, false},
		{"192.168.1.1", true, false},
		{"100.64.0.1", true, false},
		{"fd00::1", true, false},
		{"0.0.0.0", false, false},
		{"::", false, false},
		{"224.0.0.1", false, false},
		{"ff02::1", false, false},
		{"169.254.1.1", false, false},
		{"fe80::1", false, false},
	} {
		a := netip.MustParseAddr(tc.addr)
		if got := DefaultAllowMaster(a); got != tc.byDefault {
			t.Errorf("DefaultAllowMaster(%s) = %v", a, got)
		}
		if got := PublicMaster(a); got != tc.public {
			t.Errorf("PublicMaster(%s) = %v", a, got)
		}
	}
	if DefaultAllowMaster(netip.Addr{}) || PublicMaster(netip.Addr{}) {
		t.Error("the zero Addr is allowed")
	}
}

func TestMasterAddresses(t *testing.T) {
	f := newFixture(t)
	// 169.254.0.1 is not allowed, 127.0.0.2 does not answer (nobody
	// listens there at the port), 127.0.0.1 (mapped) does.
	f.w.Resolve = func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("169.254.0.1"), netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("::ffff:127.0.0.1")}, nil
	}
	if err := f.checkAt(t, 0); err != nil {
		t.Fatal(err)
	}
	f.wantServed(t, 2024010101)
	f.w.Resolve = func(context.Context, string) ([]netip.Addr, error) { return nil, errors.New("SERVFAIL") }
	err := f.checkAt(t, time.Hour)
	if err == nil || !strings.Contains(err.Error(), "resolve master master.test") {
		t.Errorf("CheckDue = %v", err)
	}
}

func TestSerialNewer(t *testing.T) {
	for _, tc := range []struct {
		a, b uint32
		want bool
	}{
		{2, 1, true},
		{1, 2, false},
		{1, 1, false},
		{0, 0xFFFFFFFF, true},
		{0xFFFFFFFF, 0, false},
		{5, 0xFFFFFFF0, true},
		{1 << 31, 1, true},
		{1<<31 + 1, 1, false}, // exactly 2³¹ ahead: undefined, not newer
		{1<<31 + 2, 1, false},
		{2024010102, 2024010101, true},
	} {
		if got := serialNewer(tc.a, tc.b); got != tc.want {
			t.Errorf("serialNewer(%d, %d) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestZoneDeleted(t *testing.T) {
	f := newFixture(t)
	if err := f.checkAt(t, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.st.ZoneDelete(t.Context(), f.cust, f.zone.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.checkAt(t, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := f.w.Refresh(t.Context(), "example.com"); !errors.Is(err, ErrNotSecondary) {
		t.Errorf("Refresh of a deleted zone = %v", err)
	}
	if err := f.w.prune(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.w.mu.Lock()
	n := len(f.w.published)
	f.w.mu.Unlock()
	if n != 0 {
		t.Errorf("%d zones remembered after the delete", n)
	}
}

// TestConcurrencyBound: many zones due at once are checked at most
// Concurrency at a time.
func TestConcurrencyBound(t *testing.T) {
	f := newFixture(t)
	f.w.Concurrency = 3
	f.master.mu.Lock()
	f.master.axfrDelay = 30 * time.Millisecond
	f.master.mu.Unlock()
	for i := range 20 {
		origin := fmt.Sprintf("z%d.example", i)
		f.master.setZone(t, origin, exampleZone)
		f.addZone(t, origin, "127.0.0.1")
	}
	if err := f.w.CheckDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := f.master.axfrs.Load(); n != 21 {
		t.Errorf("%d AXFRs, want 21", n)
	}
	if max := f.master.maxFlight.Load(); max > 3 || max < 2 {
		t.Errorf("at most %d queries at once, want 2..3 (Concurrency 3)", max)
	}
	if f.pub.count() != 21 {
		t.Errorf("%d zones published, want 21", f.pub.count())
	}
	due, err := f.st.SecondaryZonesDue(t.Context(), t0.Unix(), 0)
	if err != nil || len(due) != 0 {
		t.Errorf("zones still due: %d, %v", len(due), err)
	}
}

// TestRun runs the loop on the real clock: the first transfer, a zone
// added later (Wake), a zone whose short SOA REFRESH brings a new serial,
// and the end.
func TestRun(t *testing.T) {
	f := newFixture(t)
	f.w.Now = nil
	f.w.Poll = time.Minute
	f.w.MinInterval = time.Second
	f.pub.ch = make(chan string, 10)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.w.Run(ctx) }()
	waitPublish := func(want string) {
		t.Helper()
		select {
		case d := <-f.pub.ch:
			if d != want {
				t.Fatalf("published %q, want %q", d, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s was not published by Run", want)
		}
	}
	waitPublish("example.com")

	// A zone added later, with REFRESH 1 s (clamped to MinInterval 1 s).
	fast := strings.ReplaceAll(exampleZone, "2024010101 3600 600 7200", "2024010101 1 1 7200")
	f.master.setZone(t, "example.org.", fast)
	f.addZone(t, "example.org", "master.test")
	start := time.Now()
	f.w.Wake()
	waitPublish("example.org")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the new zone took %v (Wake does not wake Run?)", d)
	}
	f.master.setZone(t, "example.org.", strings.ReplaceAll(fast, "2024010101", "2024010102"))
	waitPublish("example.org")
	z, err := f.st.ZoneByDomain(t.Context(), "example.org")
	if err != nil || z.Serial != 2024010102 {
		t.Errorf("example.org after its refresh: %+v, %v", z, err)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("the refresh took %v", d)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if n := f.master.axfrs.Load(); n != 3 {
		t.Errorf("%d AXFRs, want 3", n)
	}
}
