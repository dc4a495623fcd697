package firewall

import (
	"net/netip"
	"testing"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr  { return netip.MustParseAddr(s) }

var anyNet = pfx("0.0.0.0/0")

// hosts are single-address networks.
func hosts(as ...netip.Addr) []netip.Prefix {
	out := make([]netip.Prefix, len(as))
	for i, a := range as {
		out[i] = netip.PrefixFrom(a, a.BitLen())
	}
	return out
}

func TestVerdict(t *testing.T) {
	server, other, client := addr("198.51.100.10"), addr("198.51.100.11"), addr("192.0.2.2")
	ilo := addr("198.51.100.20")
	s := State{
		Rulesets: []Ruleset{
			{ID: "a", Enabled: true, Servers: hosts(server), In: []Rule{
				{Accept: false, Protocol: 6, Src: pfx("192.0.2.128/25"), Dst: anyNet, DstPorts: PortRange{22, 22}},
				{Accept: true, Protocol: 6, Src: anyNet, Dst: anyNet, DstPorts: PortRange{20, 25}},
				{Accept: true, Protocol: 1, Src: anyNet, Dst: anyNet},
				{Accept: true, Protocol: 17, Src: anyNet, Dst: anyNet, SrcPorts: PortRange{53, 53}},
			}, Out: []Rule{
				{Accept: false, Protocol: AnyProtocol, Src: anyNet, Dst: pfx("203.0.113.0/24")},
			}},
			{ID: "off", Enabled: false, Servers: hosts(other), In: nil},
		},
		ILOAddrs: []netip.Addr{ilo},
		ILOOpen:  []ILOOpening{{Remote: client, ILO: ilo}},
	}
	p := func(src, dst netip.Addr, proto uint8, sport, dport uint16) Packet {
		return Packet{Src: src, Dst: dst, Protocol: proto, SrcPort: sport, DstPort: dport}
	}
	for _, tc := range []struct {
		name string
		p    Packet
		want bool
	}{
		{"tcp 22 from the client's half", p(client, server, 6, 1000, 22), true},
		{"tcp 22 from the dropped half", p(addr("192.0.2.200"), server, 6, 1000, 22), false},
		{"tcp 25 in range", p(client, server, 6, 1000, 25), true},
		{"tcp 26 no match: dropped", p(client, server, 6, 1000, 26), false},
		{"icmp", p(client, server, 1, 0, 0), true},
		{"udp from port 53", p(client, server, 17, 53, 4000), true},
		{"udp from port 54", p(client, server, 17, 54, 4000), false},
		{"out to a dropped net", p(server, addr("203.0.113.5"), 6, 1000, 80), false},
		{"out elsewhere", p(server, client, 6, 1000, 80), true},
		{"disabled ruleset", p(client, other, 6, 1000, 9999), true},
		{"not behind the firewall", p(client, addr("198.51.100.99"), 6, 1000, 9999), true},
		{"ilo from remote on 443", p(client, ilo, 6, 1000, 443), true},
		{"ilo from remote on udp 623", p(client, ilo, 17, 1000, 623), true},
		{"ilo from remote on 25", p(client, ilo, 6, 1000, 25), false},
		{"ilo from elsewhere", p(addr("192.0.2.3"), ilo, 6, 1000, 443), false},
		// The iLO opens no connection, not even from an iLO port to the
		// remote (replies of the remote's connections pass as established).
		{"ilo new connection to remote from 443", p(ilo, client, 6, 443, 1000), false},
		{"ilo new connection to remote from 17988", p(ilo, client, 6, 17988, 80), false},
		{"ilo to elsewhere", p(ilo, addr("192.0.2.3"), 6, 443, 1000), false},
		{"icmp to ilo", p(client, ilo, 1, 0, 0), false},
	} {
		if got := s.Verdict(tc.p); got != tc.want {
			t.Errorf("%s: Verdict = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Out rules of the source and in rules of the destination both apply to
// traffic between two filtered servers; an out ACCEPT does not skip the
// destination's in rules.
func TestVerdictBetweenServers(t *testing.T) {
	a, b := addr("198.51.100.10"), addr("198.51.100.11")
	s := State{Rulesets: []Ruleset{
		{ID: "a", Enabled: true, Servers: hosts(a), Out: []Rule{{Accept: true, Protocol: AnyProtocol, Src: anyNet, Dst: anyNet}}},
		{ID: "b", Enabled: true, Servers: hosts(b)},
	}}
	if s.Verdict(Packet{Src: a, Dst: b, Protocol: 6, DstPort: 80}) {
		t.Error("b's in rules (none: drop) were skipped")
	}
	// a has no in rules: what comes to it is dropped.
	if s.Verdict(Packet{Src: b, Dst: a, Protocol: 6, DstPort: 80}) {
		t.Error("a's empty in rules let a packet through")
	}
}

func TestPortRulesNeedPorts(t *testing.T) {
	r := Rule{Accept: true, Protocol: AnyProtocol, Src: anyNet, Dst: anyNet, DstPorts: PortRange{80, 80}}
	if r.Matches(Packet{Src: addr("192.0.2.1"), Dst: addr("192.0.2.2"), Protocol: 1}) {
		t.Error("a port rule matched ICMP")
	}
	if !r.Matches(Packet{Src: addr("192.0.2.1"), Dst: addr("192.0.2.2"), Protocol: 6, DstPort: 80}) {
		t.Error("a port rule did not match TCP 80")
	}
}

// A ruleset's networks are subnetworks of any size and IPv6 prefixes as
// well as single addresses; a rule prefix matches its own family only,
// a /0 both.
func TestVerdictNetworksAndIPv6(t *testing.T) {
	client6 := addr("2001:db8:c::2")
	s := State{Rulesets: []Ruleset{
		{ID: "first", Enabled: true, Servers: []netip.Prefix{pfx("100.64.1.7/32")}, In: []Rule{
			{Accept: true, Protocol: 6, Src: anyNet, Dst: anyNet, DstPorts: PortRange{443, 443}}}},
		{ID: "srv", Enabled: true, Servers: []netip.Prefix{pfx("100.64.0.0/23"), pfx("2001:db8:5:100::/56")}, In: []Rule{
			{Accept: true, Protocol: 6, Src: anyNet, Dst: anyNet, DstPorts: PortRange{22, 22}},
			{Accept: true, Protocol: 6, Src: pfx("2001:db8:c::/64"), Dst: anyNet, DstPorts: PortRange{80, 80}},
			{Accept: true, Protocol: 6, Src: pfx("192.0.2.0/24"), Dst: anyNet, DstPorts: PortRange{8080, 8080}},
			{Accept: true, Protocol: 58, Src: pfx("::/0"), Dst: anyNet},
		}},
	}}
	p := func(src, dst string, proto uint8, dport uint16) Packet {
		return Packet{Src: addr(src), Dst: addr(dst), Protocol: proto, SrcPort: 40000, DstPort: dport}
	}
	for _, tc := range []struct {
		name string
		p    Packet
		want bool
	}{
		{"/23 low half 22", p("192.0.2.2", "100.64.0.9", 6, 22), true},
		{"/23 high half 22", p("192.0.2.2", "100.64.1.200", 6, 22), true},
		{"/23 high half 80: dropped", p("192.0.2.2", "100.64.1.200", 6, 80), false},
		{"/23 IPv4 rule 8080", p("192.0.2.2", "100.64.1.200", 6, 8080), true},
		{"/23 IPv6-only rule not for IPv4", p("192.0.2.2", "100.64.1.200", 6, 80), false},
		{"address of the first ruleset inside the /23", p("192.0.2.2", "100.64.1.7", 6, 22), false},
		{"address of the first ruleset: its rules", p("192.0.2.2", "100.64.1.7", 6, 443), true},
		{"just past the /23", p("192.0.2.2", "100.64.2.1", 6, 80), true},
		{"IPv6 22 (a /0 rule)", p(client6.String(), "2001:db8:5:1a0::1", 6, 22), true},
		{"IPv6 80 from the IPv6 prefix", p(client6.String(), "2001:db8:5:1a0::1", 6, 80), true},
		{"IPv6 80 from elsewhere", p("2001:db8:d::1", "2001:db8:5:1a0::1", 6, 80), false},
		{"IPv6 8080: the IPv4 rule does not match", p(client6.String(), "2001:db8:5:1a0::1", 6, 8080), false},
		{"ICMPv6 by ::/0", p(client6.String(), "2001:db8:5:1a0::1", 58, 0), true},
		{"ICMPv6 ::/0 matches IPv4 too", p("192.0.2.2", "100.64.0.1", 58, 0), true},
		{"IPv6 outside the /56", p(client6.String(), "2001:db8:5:200::1", 6, 80), true},
	} {
		if got := s.Verdict(tc.p); got != tc.want {
			t.Errorf("%s: Verdict = %v, want %v", tc.name, got, tc.want)
		}
	}
	if PrefixMatches(netip.Prefix{}, addr("192.0.2.1")) {
		t.Error("an invalid prefix matched")
	}
}
