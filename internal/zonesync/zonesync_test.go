package zonesync_test

import (
	"context"
	"log/slog"
	"net/netip"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/changefeed"
	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/dnsd"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
	"github.com/artnet-panel/artnet-panel/internal/zonesync"
)

type env struct {
	p    *panel.Panel
	srv  *dnsd.Server
	addr string
	cust int64
}

func newEnv(t *testing.T) *env {
	e, _, _, _ := newEnvOver(t, nil, true)
	return e
}

// newEnvOver is newEnv with the syncer reading the store through wrap
// (nil: the store itself) and, unless load, nothing loaded yet. It also
// returns the store, its file and the syncer.
func newEnvOver(t *testing.T, wrap func(*sqlite.DB) store.Store, load bool) (*env, *sqlite.DB, string, *zonesync.Syncer) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "z.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := store.Customer{Name: "Zone Owner", Language: "pl", Currency: "PLN", APIAccess: true}
	if err := st.CustomerCreate(ctx, &c); err != nil {
		t.Fatal(err)
	}
	srv := dnsd.NewServer(dnsd.Config{Logger: slog.New(slog.DiscardHandler),
		AXFRAllowed: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	sctx, cancel := context.WithCancel(ctx)
	t.Cleanup(func() { cancel(); <-srv.Done() })
	if err := srv.Start(sctx, "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	var read store.Store = st
	if wrap != nil {
		read = wrap(st)
	}
	sync := &zonesync.Syncer{Store: read, Server: srv, Logger: slog.New(slog.DiscardHandler)}
	if load {
		if err := sync.Load(ctx); err != nil {
			t.Fatal(err)
		}
	}
	p := panel.New(st)
	p.Zones = sync
	p.Now = func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }
	if err := p.AllowDomain(ctx, c.ID, "example.test"); err != nil {
		t.Fatal(err)
	}
	udp, _ := srv.Addrs()
	return &env{p: p, srv: srv, addr: udp.String(), cust: c.ID}, st, path, sync
}

func (e *env) query(t *testing.T, name string, qtype uint16) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	r, _, err := new(dns.Client).Exchange(m, e.addr)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func answers(r *dns.Msg) string {
	var out []string
	for _, rr := range r.Answer {
		out = append(out, strings.ReplaceAll(rr.String(), "\t", " "))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func ttl(n int64) *int64 { return &n }

func TestAPIChangesAreServedAtOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if r := e.query(t, "example.test.", dns.TypeSOA); r.Rcode != dns.RcodeRefused {
		t.Fatalf("zone served before it exists: %s", dns.RcodeToString[r.Rcode])
	}
	z, err := e.p.DNSAddPrimary(ctx, e.cust, "Example.TEST")
	if err != nil {
		t.Fatal(err)
	}
	// An empty primary zone is served with its SOA and NS at once.
	r := e.query(t, "example.test.", dns.TypeSOA)
	if r.Rcode != dns.RcodeSuccess || !r.Authoritative || len(r.Answer) != 1 {
		t.Fatalf("new zone SOA: %v", r)
	}
	if got := r.Answer[0].(*dns.SOA).Serial; got != 2026112701 {
		t.Fatalf("serial %d, want 2026112701", got)
	}
	if got := answers(e.query(t, "example.test.", dns.TypeNS)); got != "example.test. 3600 IN NS ns1.artnet.pl.\nexample.test. 3600 IN NS ns2.artnet.pl." {
		t.Fatalf("NS:\n%s", got)
	}

	records := []panel.DNSRecordInput{
		{Name: "@", TTL: ttl(300), Type: "A", Data1: "192.0.2.1"},
		{Name: "www", TTL: ttl(300), Type: "CNAME", Data1: "@"},
		{Name: "@", TTL: ttl(300), Type: "MX", Data1: "10", Data2: "mail"},
		{Name: "mail", TTL: ttl(300), Type: "AAAA", Data1: "2001:db8::25"},
		{Name: "@", TTL: ttl(300), Type: "TXT", Data1: "v=spf1 mx -all"},
		{Name: "_sip._tcp", TTL: ttl(300), Type: "SRV", Data1: "10", Data2: "60", Data3: "5060", Data4: "sip.example.test."},
		{Name: "sip", TTL: ttl(300), Type: "A", Data1: "192.0.2.5"},
		{Name: "@", TTL: ttl(300), Type: "CAA", Data1: "0", Data2: "issue", Data3: "letsencrypt.org"},
		{Name: "sub", TTL: ttl(300), Type: "NS", Data1: "ns.sub"},
		{Name: "ns.sub", TTL: ttl(300), Type: "A", Data1: "192.0.2.53"},
	}
	start := time.Now()
	if err := e.p.DNSEditPrimaryRecords(ctx, e.cust, z.ID, "2026112701", records); err != nil {
		t.Fatal(err)
	}
	r = e.query(t, "www.example.test.", dns.TypeA)
	t.Logf("edit to answer: %s", time.Since(start))
	if got := answers(r); got != "example.test. 300 IN A 192.0.2.1\nwww.example.test. 300 IN CNAME example.test." {
		t.Fatalf("www A:\n%s", got)
	}
	cases := []struct {
		name  string
		qtype uint16
		want  string
	}{
		{"example.test.", dns.TypeMX, "example.test. 300 IN MX 10 mail.example.test."},
		{"mail.example.test.", dns.TypeAAAA, "mail.example.test. 300 IN AAAA 2001:db8::25"},
		{"example.test.", dns.TypeTXT, `example.test. 300 IN TXT "v=spf1 mx -all"`},
		{"_sip._tcp.example.test.", dns.TypeSRV, "_sip._tcp.example.test. 300 IN SRV 10 60 5060 sip.example.test."},
		{"example.test.", dns.TypeCAA, `example.test. 300 IN CAA 0 issue "letsencrypt.org"`},
	}
	for _, c := range cases {
		if got := answers(e.query(t, c.name, c.qtype)); got != c.want {
			t.Errorf("%s %s:\n%s\nwant\n%s", c.name, dns.TypeToString[c.qtype], got, c.want)
		}
	}
	// The delegation is a referral with glue.
	ref := e.query(t, "host.sub.example.test.", dns.TypeA)
	if ref.Authoritative || len(ref.Ns) != 1 || len(ref.Extra) != 1 {
		t.Fatalf("referral: %v", ref)
	}
	if got := e.query(t, "example.test.", dns.TypeSOA).Answer[0].(*dns.SOA).Serial; got != 2026112702 {
		t.Fatalf("serial after edit %d, want 2026112702", got)
	}

	// Deleting the zone stops serving it at once.
	if err := e.p.DNSDeleteZone(ctx, e.cust, z.ID); err != nil {
		t.Fatal(err)
	}
	if r := e.query(t, "www.example.test.", dns.TypeA); r.Rcode != dns.RcodeRefused {
		t.Fatalf("deleted zone still answered: %s", dns.RcodeToString[r.Rcode])
	}
}

func TestLoadServesExistingZones(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	z, err := e.p.DNSAddPrimary(ctx, e.cust, "example.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.p.DNSEditPrimaryRecords(ctx, e.cust, z.ID, "2026112701", []panel.DNSRecordInput{
		{Name: "@", Type: "A", Data1: "192.0.2.7"},
	}); err != nil {
		t.Fatal(err)
	}
	// A fresh server (another node, or a restart) loads the same zone.
	srv := dnsd.NewServer(dnsd.Config{Logger: slog.New(slog.DiscardHandler)})
	sync := &zonesync.Syncer{Store: e.p.Store, Server: srv}
	if err := sync.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if got := srv.Snapshot().Zones(); len(got) != 1 || got[0] != "example.test." {
		t.Fatalf("zones %v", got)
	}
}

func TestReverseZonesAreServed(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	inv, err := demo.Inventory()
	if err != nil {
		t.Fatal(err)
	}
	if err := inventory.Import(ctx, e.p.Store, inv); err != nil {
		t.Fatal(err)
	}
	// The demo customer's dedicated server has 123.123.124.0/29 (subnetwork 501).
	cust := inv.Customers[0].Customer.ID
	warnings, err := e.p.RevDNSEdit(ctx, cust, 501, "123.123.124", 0, []panel.PTRInput{
		{Origin: "2", PTR: "mail.acme.test"},
	})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("edit: %v %v", warnings, err)
	}
	r := e.query(t, "2.124.123.123.in-addr.arpa.", dns.TypePTR)
	if got := answers(r); got != "2.124.123.123.in-addr.arpa. 3600 IN PTR mail.acme.test." || !r.Authoritative {
		t.Fatalf("PTR answer:\n%s\n%v", got, r)
	}
	// A fresh node loads the same reverse zone.
	srv := dnsd.NewServer(dnsd.Config{Logger: slog.New(slog.DiscardHandler)})
	if err := (&zonesync.Syncer{Store: e.p.Store, Server: srv}).Load(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Snapshot().Serial("124.123.123.in-addr.arpa."); !ok {
		t.Fatalf("reverse zone not loaded: %v", srv.Snapshot().Zones())
	}
}

// TestFollowServesChangesOfOtherNodes runs two nodes on one SQLite file: a
// change made through node A's panel is served by node B after B follows
// the change log.
func TestFollowServesChangesOfOtherNodes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	open := func() store.Store {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	stA, stB := open(), open()
	node := func(st store.Store) (*zonesync.Syncer, *changefeed.Feed, string) {
		srv := dnsd.NewServer(dnsd.Config{Logger: slog.New(slog.DiscardHandler)})
		sctx, cancel := context.WithCancel(ctx)
		t.Cleanup(func() { cancel(); <-srv.Done() })
		if err := srv.Start(sctx, "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		sync := &zonesync.Syncer{Store: st, Server: srv, Logger: slog.New(slog.DiscardHandler)}
		feed := &changefeed.Feed{Store: st, Logger: slog.New(slog.DiscardHandler)}
		feed.Subscribe(sync, store.ChangeDNS)
		if err := feed.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := sync.Load(ctx); err != nil {
			t.Fatal(err)
		}
		udp, _ := srv.Addrs()
		return sync, feed, udp.String()
	}
	syncA, feedA, addrA := node(stA)
	_, feedB, addrB := node(stB)

	c := store.Customer{Name: "Zone Owner", Language: "pl", Currency: "PLN", APIAccess: true}
	if err := stA.CustomerCreate(ctx, &c); err != nil {
		t.Fatal(err)
	}
	p := panel.New(stA)
	p.Zones = syncA
	p.Now = func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }
	if err := p.AllowDomain(ctx, c.ID, "example.test"); err != nil {
		t.Fatal(err)
	}
	a, b := &env{addr: addrA}, &env{addr: addrB}

	z, err := p.DNSAddPrimary(ctx, c.ID, "example.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.DNSEditPrimaryRecords(ctx, c.ID, z.ID, "2026112701", []panel.DNSRecordInput{
		{Name: "www", TTL: ttl(300), Type: "A", Data1: "192.0.2.80"},
	}); err != nil {
		t.Fatal(err)
	}
	const want = "www.example.test. 300 IN A 192.0.2.80"
	if got := answers(a.query(t, "www.example.test.", dns.TypeA)); got != want {
		t.Fatalf("node A: %q", got)
	}
	if r := b.query(t, "www.example.test.", dns.TypeA); r.Rcode != dns.RcodeRefused {
		t.Fatalf("node B serves the zone before following: %v", r)
	}
	if err := feedB.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := answers(b.query(t, "www.example.test.", dns.TypeA)); got != want {
		t.Fatalf("node B after FollowOnce: %q", got)
	}
	// Following again changes nothing; node A following its own changes
	// serves the same.
	for _, f := range []*changefeed.Feed{feedB, feedA} {
		if err := f.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := answers(a.query(t, "www.example.test.", dns.TypeA)); got != want {
		t.Fatalf("node A after FollowOnce: %q", got)
	}

	// A deletion through A stops B serving the zone after its next tick.
	if err := p.DNSDeleteZone(ctx, c.ID, z.ID); err != nil {
		t.Fatal(err)
	}
	if got := answers(b.query(t, "www.example.test.", dns.TypeA)); got != want {
		t.Fatalf("node B before following the deletion: %q", got)
	}
	if err := feedB.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if r := b.query(t, "www.example.test.", dns.TypeA); r.Rcode != dns.RcodeRefused {
		t.Fatalf("node B still serves the deleted zone: %v", r)
	}
}

// TestFollowTicks checks that a running feed applies changes on its own.
func TestFollowTicks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := newEnv(t)
	srv := dnsd.NewServer(dnsd.Config{Logger: slog.New(slog.DiscardHandler)})
	follower := &zonesync.Syncer{Store: e.p.Store, Server: srv, Logger: slog.New(slog.DiscardHandler)}
	feed := &changefeed.Feed{Store: e.p.Store, Poll: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)}
	feed.Subscribe(follower, store.ChangeDNS)
	if err := feed.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := follower.Load(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { feed.Run(ctx); close(done) }()
	if _, err := e.p.DNSAddPrimary(ctx, e.cust, "example.test"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := srv.Snapshot().Serial("example.test."); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("follower never served the new zone: %v", srv.Snapshot().Zones())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
}
