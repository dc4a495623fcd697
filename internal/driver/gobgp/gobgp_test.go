package gobgp

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/bgp"
)

var (
	discard4 = netip.MustParseAddr("192.0.2.1")
	discard6 = netip.MustParseAddr("100::1")
)

func TestParsePeer(t *testing.T) {
	for in, want := range map[string]Peer{
		"64500@192.0.2.1":              {Addr: netip.MustParseAddr("192.0.2.1"), ASN: 64500},
		"64500@192.0.2.1:1179":         {Addr: netip.MustParseAddr("192.0.2.1"), Port: 1179, ASN: 64500},
		"4200000000@[2001:db8::1]:179": {Addr: netip.MustParseAddr("2001:db8::1"), Port: 179, ASN: 4200000000},
		"64500@2001:db8::1":            {Addr: netip.MustParseAddr("2001:db8::1"), ASN: 64500},
	} {
		got, err := ParsePeer(in)
		if err != nil || got != want {
			t.Errorf("ParsePeer(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"192.0.2.1", "x@192.0.2.1", "0@192.0.2.1", "64500@host"} {
		if _, err := ParsePeer(bad); err == nil {
			t.Errorf("ParsePeer(%q) succeeded", bad)
		}
	}
}

// TestSpeakerWithCollector runs the speaker against a real second BGP
// speaker on 127.0.0.2: announcements with communities and next hops, a
// next-hop change as one update, a withdrawal, and a restart after which
// the peer holds exactly the new state without having lost the routes
// kept across it.
func TestSpeakerWithCollector(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	local := netip.MustParseAddr("127.0.0.1")
	col, err := StartCollector(ctx, netip.MustParseAddr("127.0.0.2"), 64501, local, 64500)
	if err != nil {
		t.Fatal(err)
	}
	defer col.Close()
	cfg := Config{ASN: 64500, RouterID: local, LocalAddr: local, Peers: []Peer{col.PeerSpec()}, ConnectRetry: time.Second}
	sp, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	bh := bgp.Blackhole(netip.MustParseAddr("198.51.100.7"), discard4, discard6)
	bh6 := bgp.Blackhole(netip.MustParseAddr("2001:db8::7"), discard4, discard6)
	fo := bgp.FailOver(netip.MustParseAddr("203.0.113.10"), netip.MustParseAddr("10.0.0.1"))
	st := bgp.State{Announcements: []bgp.Announcement{bh, bh6, fo}}
	if err := sp.Apply(ctx, st); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	rib, err := col.WaitRIB(ctx, func(r map[netip.Prefix]bgp.Announcement) bool { return SameRIB(r, st) })
	t.Logf("first session up and routes received after %v", time.Since(t0))
	if err != nil {
		t.Fatalf("%v; RIB %v", err, rib)
	}
	got := rib[bh.Prefix]
	if got.NextHop != discard4 || bgp.FormatCommunity(got.Communities[0]) != "65535:666" || got.Communities[1] != bgp.CommunityNoExport {
		t.Fatalf("blackhole received as %v", got)
	}
	if rib[bh6.Prefix].NextHop != discard6 {
		t.Fatalf("IPv6 blackhole received as %v", rib[bh6.Prefix])
	}

	// Switch the fail-over route: one update, no withdrawal.
	before := len(col.UpdatesFor(fo.Prefix))
	fo2 := bgp.FailOver(netip.MustParseAddr("203.0.113.10"), netip.MustParseAddr("10.0.0.2"))
	st = bgp.State{Announcements: []bgp.Announcement{bh, bh6, fo2}}
	if err := sp.Apply(ctx, st); err != nil {
		t.Fatal(err)
	}
	if _, err := col.WaitRIB(ctx, func(r map[netip.Prefix]bgp.Announcement) bool { return SameRIB(r, st) }); err != nil {
		t.Fatal(err)
	}
	ups := col.WaitUpdates(ctx, fo.Prefix, before+1)[before:]
	if len(ups) != 1 || ups[0].Withdraw || ups[0].Announcement.NextHop != fo2.NextHop {
		t.Fatalf("the switch arrived as %+v, want one announcement via 10.0.0.2", ups)
	}

	// Withdraw the IPv4 blackhole.
	st = bgp.State{Announcements: []bgp.Announcement{bh6, fo2}}
	if err := sp.Apply(ctx, st); err != nil {
		t.Fatal(err)
	}
	if _, err := col.WaitRIB(ctx, func(r map[netip.Prefix]bgp.Announcement) bool { return SameRIB(r, st) }); err != nil {
		t.Fatal(err)
	}
	n := len(col.UpdatesFor(bh.Prefix))
	if !col.UpdatesFor(bh.Prefix)[n-1].Withdraw {
		col.WaitUpdates(ctx, bh.Prefix, n+1)
	}
	if ups := col.UpdatesFor(bh.Prefix); !ups[len(ups)-1].Withdraw {
		t.Fatalf("the collector saw no withdrawal of %s: %+v", bh.Prefix, ups)
	}

	// Restart with a changed state: the peer keeps the routes across the
	// restart (graceful restart) and ends with exactly the new state.
	sp.Close()
	for col.Established(ctx) {
		time.Sleep(5 * time.Millisecond)
	}
	if r, err := col.RIB(ctx); err != nil || !SameRIB(r, st) {
		t.Fatalf("after our shutdown the peer holds %v (%v), want the routes kept (graceful restart)", r, err)
	}
	mark := len(col.Updates())
	sp2, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer sp2.Close()
	bh2 := bgp.Blackhole(netip.MustParseAddr("198.51.100.8"), discard4, discard6)
	st = bgp.State{Announcements: []bgp.Announcement{bh2, fo2}}
	if err := sp2.Apply(ctx, st); err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	if rib, err := col.WaitRIB(ctx, func(r map[netip.Prefix]bgp.Announcement) bool { return SameRIB(r, st) && col.Established(ctx) }); err != nil {
		t.Fatalf("%v; RIB %v", err, rib)
	}
	t.Logf("converged after the restart in %v", time.Since(t0))
	for _, u := range col.Updates()[mark:] {
		if u.Withdraw && u.Announcement.Prefix == fo2.Prefix {
			t.Fatalf("the route kept across the restart was withdrawn: %+v", col.Updates()[mark:])
		}
	}
	t.Logf("updates across the restart: %+v", col.Updates()[mark:])
}
