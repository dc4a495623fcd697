// Package bgp is the model of the routes artnetd announces to its BGP
// peers: blackholes (RFC 7999) and fail-over IPs. It is pure data, with no
// I/O: the panel builds a State from the database, a Speaker announces it.
//
// # Semantics (what every Speaker implements)
//
// A State is the whole set of routes this node wants its peers to hold.
// Apply makes the peers hold exactly that: a prefix that is new is
// announced, a prefix whose next hop or communities changed is announced
// again (one UPDATE that replaces the route: no withdrawal in between), a
// prefix that is no longer in the State is withdrawn. Applying the same
// State again sends nothing.
//
// One prefix carries one route. When the database asks for two (a
// blackholed address that is also a fail-over IP), the blackhole wins:
// dropping the traffic is what the blackhole is for.
package bgp

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
)

// Well-known communities.
const (
	// CommunityBlackhole is BLACKHOLE, 65535:666 (RFC 7999).
	CommunityBlackhole uint32 = 65535<<16 | 666
	// CommunityNoExport is NO_EXPORT, 65535:65281 (RFC 1997).
	CommunityNoExport uint32 = 0xFFFFFF01
)

// FormatCommunity writes a community as "ASN:VALUE".
func FormatCommunity(c uint32) string { return fmt.Sprintf("%d:%d", c>>16, c&0xffff) }

// Announcement is one route: a prefix, its next hop and its communities.
type Announcement struct {
	Prefix      netip.Prefix
	NextHop     netip.Addr
	Communities []uint32 // sorted, each once
}

// Equal reports whether a and b are the same route.
func (a Announcement) Equal(b Announcement) bool {
	return a.Prefix == b.Prefix && a.NextHop == b.NextHop && slices.Equal(a.Communities, b.Communities)
}

// IsBlackhole reports whether a carries the BLACKHOLE community.
func (a Announcement) IsBlackhole() bool { return slices.Contains(a.Communities, CommunityBlackhole) }

func (a Announcement) String() string {
	s := a.Prefix.String() + " via " + a.NextHop.String()
	for _, c := range a.Communities {
		s += " " + FormatCommunity(c)
	}
	return s
}

// Blackhole returns the announcement that blackholes ip: its host route
// (/32 or /128) with BLACKHOLE and NO_EXPORT, next hop the discard address
// of its family.
func Blackhole(ip, discard4, discard6 netip.Addr) Announcement {
	ip = ip.Unmap()
	nh := discard4
	if ip.Is6() {
		nh = discard6
	}
	return Announcement{
		Prefix:      netip.PrefixFrom(ip, ip.BitLen()),
		NextHop:     nh,
		Communities: []uint32{CommunityBlackhole, CommunityNoExport},
	}
}

// FailOver returns the announcement that routes the virtual IP to the
// real one: its host route, next hop real, no community.
func FailOver(virtual, real netip.Addr) Announcement {
	virtual = virtual.Unmap()
	return Announcement{Prefix: netip.PrefixFrom(virtual, virtual.BitLen()), NextHop: real.Unmap()}
}

// State is everything a Speaker announces.
type State struct {
	Announcements []Announcement
}

// Normalize returns the state with one announcement per prefix (a
// blackhole wins over another route), communities sorted, ordered by
// prefix.
func (s State) Normalize() State {
	byPrefix := make(map[netip.Prefix]Announcement, len(s.Announcements))
	for _, a := range s.Announcements {
		a.Prefix = a.Prefix.Masked()
		a.Communities = slices.Compact(slices.Sorted(slices.Values(a.Communities)))
		if old, ok := byPrefix[a.Prefix]; ok && old.IsBlackhole() && !a.IsBlackhole() {
			continue
		}
		byPrefix[a.Prefix] = a
	}
	out := make([]Announcement, 0, len(byPrefix))
	for _, a := range byPrefix {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Announcement) int {
		if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
			return c
		}
		return cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits())
	})
	return State{Announcements: out}
}

// Map returns the announcements of s by prefix.
func (s State) Map() map[netip.Prefix]Announcement {
	m := make(map[netip.Prefix]Announcement, len(s.Announcements))
	for _, a := range s.Normalize().Announcements {
		m[a.Prefix] = a
	}
	return m
}

// Diff returns what turns the announcements of old into those of new:
// routes to announce (new or changed) and prefixes to withdraw.
func Diff(old, new map[netip.Prefix]Announcement) (announce []Announcement, withdraw []netip.Prefix) {
	for p, a := range new {
		if o, ok := old[p]; !ok || !o.Equal(a) {
			announce = append(announce, a)
		}
	}
	for p := range old {
		if _, ok := new[p]; !ok {
			withdraw = append(withdraw, p)
		}
	}
	slices.SortFunc(announce, func(a, b Announcement) int { return a.Prefix.Addr().Compare(b.Prefix.Addr()) })
	slices.SortFunc(withdraw, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	return announce, withdraw
}

// Speaker announces a State to the BGP peers. Implementations: the
// simulator (internal/driver/bgpsim) and GoBGP (internal/driver/gobgp).
type Speaker interface {
	// Apply makes the peers hold exactly s (see the package comment),
	// replacing what was applied before. Applying the same state again
	// sends nothing. An error means the speaker may hold part of s; the
	// next Apply (the reconciler retries) converges. Its text is for the
	// operator's log.
	Apply(ctx context.Context, s State) error
}
