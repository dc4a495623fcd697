package firewall

import (
	"net/netip"
	"testing"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr  { return netip.MustParseAddr(s) }

var anyNet = pfx("0.0.0.0/0")

func TestVerdict(t *testing.T) {
	server, other, client := addr("198.51.100.10"), addr("198.51.100.11"), addr("192.0.2.2")
	ilo := addr("198.51.100.20")
	s := State{
		Rulesets: []Ruleset{
			{ID: "a", Enabled: true, Servers: []netip.Addr{server}, In: []Rule{
				{Accept: false, Protocol: 6, Src: pfx("192.0.2.128/25"), Dst: anyNet, DstPorts: PortRange{22, 22}},
				{Accept: true, Protocol: 6, Src: anyNet, Dst: anyNet, DstPorts: PortRange{20, 25}},
				{Accept: true, Protocol: 1, Src: anyNet, Dst: anyNet},
				{Accept: true, Protocol: 17, Src: anyNet, Dst: anyNet, SrcPorts: PortRange{53, 53}},
			}, Out: []Rule{
				{Accept: false, Protocol: AnyProtocol, Src: anyNet, Dst: pfx("203.0.113.0/24")},
			}},
			{ID: "off", Enabled: false, Servers: []netip.Addr{other}, In: nil},
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
		{"ilo answer to remote", p(ilo, client, 6, 443, 1000), true},
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
		{ID: "a", Enabled: true, Servers: []netip.Addr{a}, Out: []Rule{{Accept: true, Protocol: AnyProtocol, Src: anyNet, Dst: anyNet}}},
		{ID: "b", Enabled: true, Servers: []netip.Addr{b}},
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
