package bgp

import (
	"net/netip"
	"testing"
)

func TestNormalizeBlackholeWins(t *testing.T) {
	ip := netip.MustParseAddr("198.51.100.7")
	bh := Blackhole(ip, netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("100::1"))
	fo := FailOver(ip, netip.MustParseAddr("10.0.0.1"))
	for _, order := range [][]Announcement{{bh, fo}, {fo, bh}} {
		got := State{Announcements: order}.Normalize().Announcements
		if len(got) != 1 || !got[0].Equal(bh) {
			t.Fatalf("Normalize(%v) = %v, want only the blackhole", order, got)
		}
	}
	if bh.Prefix.String() != "198.51.100.7/32" || FormatCommunity(bh.Communities[0]) != "65535:666" || FormatCommunity(bh.Communities[1]) != "65535:65281" {
		t.Fatalf("blackhole = %v", bh)
	}
	v6 := Blackhole(netip.MustParseAddr("2001:db8::5"), netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("100::1"))
	if v6.Prefix.String() != "2001:db8::5/128" || v6.NextHop.String() != "100::1" {
		t.Fatalf("IPv6 blackhole = %v", v6)
	}
}

func TestDiff(t *testing.T) {
	a := FailOver(netip.MustParseAddr("198.51.100.1"), netip.MustParseAddr("10.0.0.1"))
	b := FailOver(netip.MustParseAddr("198.51.100.2"), netip.MustParseAddr("10.0.0.1"))
	a2 := FailOver(netip.MustParseAddr("198.51.100.1"), netip.MustParseAddr("10.0.0.2"))
	old := State{Announcements: []Announcement{a, b}}.Map()
	ann, wd := Diff(old, State{Announcements: []Announcement{a2}}.Map())
	if len(ann) != 1 || !ann[0].Equal(a2) || len(wd) != 1 || wd[0] != b.Prefix {
		t.Fatalf("Diff = %v, %v", ann, wd)
	}
	ann, wd = Diff(old, old)
	if len(ann)+len(wd) != 0 {
		t.Fatalf("Diff of equal states = %v, %v", ann, wd)
	}
}
