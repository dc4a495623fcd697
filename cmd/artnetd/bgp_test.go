package main

import (
	"bytes"
	"context"
	"io"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/bgp"
	"github.com/artnet-panel/artnet-panel/internal/driver/gobgp"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// storedState reads the announcements the database asks for.
func storedState(t *testing.T, ctx context.Context, st store.Store, c BGPConfig) bgp.State {
	t.Helper()
	p := panel.New(st)
	p.BlackholeNextHop4, p.BlackholeNextHop6 = c.BlackholeNextHop4, c.BlackholeNextHop6
	s, err := p.BGPState(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBGPWithRealPeer runs artnetd with the GoBGP driver against a second,
// independent GoBGP speaker on 127.0.0.3 (the collector): a blackhole
// arrives with both communities and the discard next hop and is
// withdrawn; a fail-over switch arrives as one update; after artnetd
// restarts on the same database the peer holds exactly the database's
// announcements and never lost the ones kept.
func TestBGPWithRealPeer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	local := netip.MustParseAddr("127.0.0.1")
	col, err := gobgp.StartCollector(ctx, netip.MustParseAddr("127.0.0.3"), 64511, local, 64510)
	if err != nil {
		t.Fatal(err)
	}
	defer col.Close()
	dsn := sqliteDSN(t)
	cfg := BGPConfig{ASN: 64510, RouterID: local, LocalAddr: local, Peers: []gobgp.Peer{col.PeerSpec()}, ConnectRetry: time.Second,
		BlackholeNextHop4: netip.MustParseAddr("198.18.0.1"), BlackholeNextHop6: netip.MustParseAddr("100::1")}
	var out bytes.Buffer
	m := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Demo: true, Stdout: &out, Logger: discardLogger(), BGP: cfg}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { m.Close() }()
	cred := regexp.MustCompile(`id=(\d+) api_key=(\w+)`).FindStringSubmatch(out.String())
	call := func(path string, kv ...string) map[string]any {
		form := url.Values{"id": {cred[1]}, "api_key": {cred[2]}}
		for i := 0; i < len(kv); i += 2 {
			form.Set(kv[i], kv[i+1])
		}
		a := post(t, m, path, form)
		if a["success"] != true {
			t.Fatalf("%s %v: %v", path, kv, a)
		}
		return a
	}
	want := func() bgp.State { return storedState(t, ctx, m.store, cfg) }
	// At start: the demo's fail-over route.
	if rib, err := col.WaitRIB(ctx, func(r map[netip.Prefix]bgp.Announcement) bool { return gobgp.SameRIB(r, want()) }); err != nil {
		t.Fatalf("%v: %v", err, rib)
	}
	bh := netip.MustParsePrefix("123.123.124.5/32")
	call("ip-blackholing/enable", "ip", "123.123.124.5")
	call("ip-blackholing/enable", "ip", "2a01:1234:5678::5")
	bh6 := netip.MustParsePrefix("2a01:1234:5678::5/128")
	rib, err := col.WaitRIB(ctx, func(r map[netip.Prefix]bgp.Announcement) bool { _, ok := r[bh]; return ok && gobgp.SameRIB(r, want()) })
	if err != nil {
		t.Fatal(err)
	}
	if a := rib[bh]; a.NextHop.String() != "198.18.0.1" || len(a.Communities) != 2 ||
		bgp.FormatCommunity(a.Communities[0]) != "65535:666" || bgp.FormatCommunity(a.Communities[1]) != "65535:65281" {
		t.Fatalf("the peer received the blackhole as %v", a)
	}
	if a := rib[bh6]; a.NextHop.String() != "100::1" || !a.IsBlackhole() {
		t.Fatalf("the peer received the IPv6 blackhole as %v", a)
	}
	t.Logf("peer received: %v", rib[bh])
	call("ip-blackholing/disable", "ip", "123.123.124.5")
	if _, err := col.WaitRIB(ctx, func(r map[netip.Prefix]bgp.Announcement) bool { _, ok := r[bh]; return !ok }); err != nil {
		t.Fatal(err)
	}
	if ups := col.WaitUpdates(ctx, bh, 2); len(ups) != 2 || !ups[1].Withdraw {
		t.Fatalf("the peer saw %+v for %s, want an announcement and a withdrawal", ups, bh)
	}

	// The fail-over switch: one update with the new next hop.
	vip := netip.MustParsePrefix("123.123.127.1/32")
	before := len(col.UpdatesFor(vip))
	call("fail-over-ip/switch", "service_id", "12353", "real_ip", "123.123.125.10")
	if got := call("fail-over-ip/details", "service_id", "12353")["service_details"].(map[string]any)["real_ip"]; got != "123.123.125.10" {
		t.Fatalf("details real_ip %v", got)
	}
	if _, err := col.WaitRIB(ctx, func(r map[netip.Prefix]bgp.Announcement) bool { return r[vip].NextHop.String() == "123.123.125.10" }); err != nil {
		t.Fatal(err)
	}
	if ups := col.WaitUpdates(ctx, vip, before+1)[before:]; len(ups) != 1 || ups[0].Withdraw {
		t.Fatalf("the switch reached the peer as %+v, want one announcement", ups)
	}

	// Restart artnetd on the same database; meanwhile the database
	// changes (an operator removes the IPv6 blackhole and adds one).
	m.Close()
	for col.Established(ctx) {
		time.Sleep(5 * time.Millisecond)
	}
	mark := len(col.Updates())
	st, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := panel.New(st)
	if err := p.AdminBlackholeRemove(ctx, "2a01:1234:5678::5"); err != nil {
		t.Fatal(err)
	}
	if err := p.AdminBlackholeAdd(ctx, 19052, "123.123.124.7"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	m = &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Logger: discardLogger(), BGP: cfg}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	w := want()
	if len(w.Announcements) != 3 { // the demo's operator blackhole, the new one, the fail-over route
		t.Fatalf("stored state %v", w)
	}
	if rib, err := col.WaitRIB(ctx, func(r map[netip.Prefix]bgp.Announcement) bool { return gobgp.SameRIB(r, w) && col.Established(ctx) }); err != nil {
		t.Fatalf("%v: the peer holds %v, want %v", err, rib, w)
	}
	for _, u := range col.Updates()[mark:] {
		if u.Withdraw && u.Announcement.Prefix == vip {
			t.Fatal("the fail-over route was withdrawn across the restart")
		}
	}
	t.Logf("after the restart the peer holds exactly %v", w.Announcements)
}

// TestAdminBlackhole: the operator's blackhole commands, the inventory's
// blackholed_ips round trip, and a running node announcing an operator's
// change (it follows the bgp generation).
func TestAdminBlackhole(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dsn := sqliteDSN(t)
	m := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Demo: true, Stdout: io.Discard, Logger: discardLogger()}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	runOK(t, "admin", "blackhole", "add", "--db", dsn, "--customer", "19052", "123.123.124.3")
	var errb bytes.Buffer
	if err := run(ctx, []string{"admin", "blackhole", "add", "--db", dsn, "--customer", "19052", "8.8.8.8"}, io.Discard, &errb); err == nil {
		t.Fatal("an address not of the customer was blackholed")
	}
	list := runOK(t, "admin", "blackhole", "list", "--db", dsn)
	if !strings.Contains(list, `"ip": "123.123.124.3"`) || !strings.Contains(list, `"type": "admin"`) {
		t.Fatalf("list printed %s", list)
	}
	bh := netip.MustParsePrefix("123.123.124.3/32")
	for {
		if a, ok := m.BGPSimulator().Route(bh); ok && a.IsBlackhole() {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the running node did not announce the operator's blackhole")
		}
		time.Sleep(10 * time.Millisecond)
	}
	export := runOK(t, "admin", "export", "--db", dsn)
	if !strings.Contains(export, `"blackholed_ips": [`) {
		t.Fatalf("export has no blackholed_ips:\n%s", export)
	}
	file := filepath.Join(t.TempDir(), "inv.json")
	os.WriteFile(file, []byte(export), 0o600)
	dsn2 := sqliteDSN(t)
	runOK(t, "admin", "import", "--db", dsn2, file)
	if again := runOK(t, "admin", "export", "--db", dsn2); again != export {
		t.Fatalf("export → import → export differs:\n%s\n---\n%s", export, again)
	}
	runOK(t, "admin", "blackhole", "remove", "--db", dsn, "123.123.124.3")
	// What is left is the demo's own operator blackhole.
	if list := runOK(t, "admin", "blackhole", "list", "--db", dsn); strings.Contains(list, "123.123.124.3") || !strings.Contains(list, "123.123.124.6") {
		t.Fatalf("list after remove: %s", list)
	}
}
