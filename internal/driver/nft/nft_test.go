package nft

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"

	"github.com/artnet-panel/artnet-panel/internal/firewall"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/netlab"
)

// dropWait is how long a probe waits before calling its packet dropped.
const dropWait = 400 * time.Millisecond

var (
	anyNet   = netip.MustParsePrefix("0.0.0.0/0")
	client   = netlab.ClientAddr
	client2  = netlab.Client2Addr
	server   = netlab.ServerAddr
	server2  = netlab.Server2Addr
	ilo      = netlab.ILOAddr
	client6  = netlab.Client6Addr
	client26 = netlab.Client26Addr
	server6  = netlab.Server6Addr
	server26 = netlab.Server26Addr
	addl     = netlab.AdditionalAddr // an ordered additional IP
	subnet   = netlab.SubnetAddr     // in an additional-ip service's 203.0.113.48/29
	wide     = netlab.WideSubnetAddr // in a /23
	subnet6  = netlab.Subnet6Addr    // in the server's IPv6 /56
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// hosts are single-address networks.
func hosts(as ...netip.Addr) []netip.Prefix {
	out := make([]netip.Prefix, len(as))
	for i, a := range as {
		out[i] = netip.PrefixFrom(a, a.BitLen())
	}
	return out
}

// rule builds a rule with /0 prefixes unless set later.
func rule(accept bool, proto int) firewall.Rule {
	return firewall.Rule{Accept: accept, Protocol: proto, Src: anyNet, Dst: anyNet}
}

func ports(lo, hi uint16) firewall.PortRange { return firewall.PortRange{Lo: lo, Hi: hi} }

// probe is the first packet of a connection the test opens through the
// gateway: a TCP connect, a UDP exchange or an ICMP echo.
type probe struct {
	proto    uint8 // 1 (ICMP), 58 (ICMPv6), 6, 17
	src, dst netip.Addr
	// sportBase, when set, makes the source port sportBase+k with a
	// new k each time (for source-port rules); otherwise a new port from
	// netlab.Port.
	sportBase uint16
	// sport, when set, is the exact source port.
	sport uint16
	dport uint16
}

func (p probe) String() string {
	name := map[uint8]string{1: "icmp", 58: "icmpv6", 6: "tcp", 17: "udp"}[p.proto]
	if p.proto == 1 || p.proto == 58 {
		return fmt.Sprintf("%s %s->%s", name, p.src, p.dst)
	}
	sp := "*"
	if p.sportBase != 0 {
		sp = fmt.Sprintf("%d+", p.sportBase)
	}
	if p.sport != 0 {
		sp = fmt.Sprint(p.sport)
	}
	return fmt.Sprintf("%s %s:%s->%s:%d", name, p.src, sp, p.dst, p.dport)
}

var sportSeq atomic.Uint32

// run sends the probe from the namespace holding its source address and
// reports whether it got through, with the packet the gateway saw first.
func (p probe) run(l *netlab.Lab, wait time.Duration) (bool, firewall.Packet) {
	ns := l.NSOf(p.src)
	pkt := firewall.Packet{Src: p.src, Dst: p.dst, Protocol: p.proto}
	if p.proto == 1 || p.proto == 58 {
		return l.PingFrom(ns, p.src, p.dst, wait) == nil, pkt
	}
	sport := netlab.Port()
	if p.sportBase != 0 {
		sport = p.sportBase + uint16(sportSeq.Add(1)%400)
	}
	if p.sport != 0 {
		sport = p.sport
	}
	pkt.SrcPort, pkt.DstPort = sport, p.dport
	src := netip.AddrPortFrom(p.src, sport)
	dst := netip.AddrPortFrom(p.dst, p.dport).String()
	var err error
	if p.proto == 6 {
		err = l.DialFrom(ns, src, dst, wait)
	} else {
		err = l.UDPExchange(ns, src, dst, wait)
	}
	return err == nil, pkt
}

// Ports the lab listens on. The server does not listen on 5900, so the
// iLO can use it as a source port (the reverse of an opening).
var (
	serverTCP = []uint16{22, 80, 443, 5000, 5001, 8080}
	clientTCP = []uint16{80, 5000, 8080}
	udpPorts  = []uint16{53, 623, 5000}
)

func newLab(t *testing.T) *netlab.Lab {
	t.Helper()
	l := netlab.New(t)
	testpeer.NeedTool(t, "nft", "nftables")
	for _, p := range serverTCP {
		must(t, l.Listen(l.ServerNS, fmt.Sprintf("0.0.0.0:%d", p)))
		must(t, l.Listen(l.ServerNS, fmt.Sprintf("[::]:%d", p)))
	}
	for _, p := range clientTCP {
		must(t, l.Listen(l.ClientNS, fmt.Sprintf("0.0.0.0:%d", p)))
		must(t, l.Listen(l.ClientNS, fmt.Sprintf("[::]:%d", p)))
	}
	for _, p := range udpPorts {
		for _, a := range []netip.Addr{server, server2, ilo, addl, subnet, wide, server6, server26, subnet6} {
			must(t, l.ListenUDP(l.ServerNS, netip.AddrPortFrom(a, p).String()))
		}
		for _, a := range []netip.Addr{client, client2, client6, client26} {
			must(t, l.ListenUDP(l.ClientNS, netip.AddrPortFrom(a, p).String()))
		}
	}
	return l
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// matrix is the probe set every state is checked with: in (client to
// servers and iLO) and out (servers and iLO to client), each protocol,
// several ports, both client addresses, source-port ranges.
func matrix() []probe {
	var ps []probe
	for _, dst := range []netip.Addr{server, server2} {
		for _, src := range []netip.Addr{client, client2} {
			for _, port := range []uint16{22, 80, 443, 5000, 5001, 8080} {
				ps = append(ps, probe{proto: 6, src: src, dst: dst, dport: port})
			}
			ps = append(ps, probe{proto: 17, src: src, dst: dst, dport: 53}, probe{proto: 17, src: src, dst: dst, dport: 5000},
				probe{proto: 1, src: src, dst: dst})
		}
		ps = append(ps,
			probe{proto: 6, src: client, dst: dst, dport: 8080, sportBase: 1000},
			probe{proto: 6, src: client, dst: dst, dport: 8080, sportBase: 2000},
			probe{proto: 17, src: client, dst: dst, dport: 5000, sportBase: 1000},
			// out
			probe{proto: 6, src: dst, dst: client, dport: 80},
			probe{proto: 6, src: dst, dst: client, dport: 8080},
			probe{proto: 6, src: dst, dst: client2, dport: 5000},
			probe{proto: 17, src: dst, dst: client, dport: 53},
			probe{proto: 1, src: dst, dst: client},
			probe{proto: 1, src: dst, dst: client2},
		)
	}
	for _, src := range []netip.Addr{client, client2} {
		ps = append(ps,
			probe{proto: 6, src: src, dst: ilo, dport: 22},
			probe{proto: 6, src: src, dst: ilo, dport: 443},
			probe{proto: 6, src: src, dst: ilo, dport: 8080},
			probe{proto: 17, src: src, dst: ilo, dport: 623},
			probe{proto: 17, src: src, dst: ilo, dport: 53},
			probe{proto: 1, src: src, dst: ilo},
		)
	}
	ps = append(ps,
		probe{proto: 6, src: ilo, dst: client, dport: 80},
		probe{proto: 6, src: ilo, dst: client, dport: 5000, sportBase: 5900}, // sport 5900..: only 5900 itself is an iLO port
		probe{proto: 1, src: ilo, dst: client},
		// New connections from iLO ports towards the opened address (ports
		// the server namespace does not listen on).
		probe{proto: 6, src: ilo, dst: client, dport: 80, sport: 17988},
		probe{proto: 6, src: ilo, dst: client, dport: 5000, sport: 17990},
		probe{proto: 6, src: ilo, dst: client, dport: 8080, sport: 5900},
	)
	// The other networks routed to the server: an additional address, a
	// subnetwork, a /23, IPv6 addresses and an IPv6 subnet.
	for _, dst := range []netip.Addr{addl, subnet, wide} {
		ps = append(ps,
			probe{proto: 6, src: client, dst: dst, dport: 22},
			probe{proto: 6, src: client, dst: dst, dport: 80},
			probe{proto: 6, src: client2, dst: dst, dport: 443},
			probe{proto: 17, src: client, dst: dst, dport: 53},
			probe{proto: 1, src: client, dst: dst},
			probe{proto: 6, src: dst, dst: client, dport: 8080},
		)
	}
	for _, dst := range []netip.Addr{server6, server26, subnet6} {
		for _, src := range []netip.Addr{client6, client26} {
			ps = append(ps,
				probe{proto: 6, src: src, dst: dst, dport: 22},
				probe{proto: 6, src: src, dst: dst, dport: 80},
				probe{proto: 6, src: src, dst: dst, dport: 443},
				probe{proto: 17, src: src, dst: dst, dport: 53},
				probe{proto: 58, src: src, dst: dst},
			)
		}
		ps = append(ps,
			probe{proto: 6, src: dst, dst: client6, dport: 80},
			probe{proto: 6, src: dst, dst: client26, dport: 8080},
			probe{proto: 17, src: dst, dst: client26, dport: 53},
			probe{proto: 58, src: dst, dst: client6},
		)
	}
	return ps
}

// check runs probes concurrently and compares each outcome with
// s.Verdict of the packet it sent. A probe that Verdict passes but that
// failed is tried once more (a slow machine), never the other way round.
func check(t *testing.T, l *netlab.Lab, name string, s firewall.State, probes []probe) {
	t.Helper()
	type result struct {
		p        probe
		pkt      firewall.Packet
		got, exp bool
	}
	res := make([]result, len(probes))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 24)
	for i, p := range probes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			got, pkt := p.run(l, dropWait)
			exp := s.Verdict(pkt)
			if exp && !got {
				got, pkt = p.run(l, 2*dropWait)
				exp = s.Verdict(pkt)
			}
			res[i] = result{p, pkt, got, exp}
		}()
	}
	wg.Wait()
	pass, bad := 0, 0
	for _, r := range res {
		if r.exp {
			pass++
		}
		if r.got != r.exp {
			bad++
			t.Errorf("%s: %v (sport %d): forwarded=%v, Verdict says %v", name, r.p, r.pkt.SrcPort, r.got, r.exp)
		}
	}
	t.Logf("%s: %d probes, %d forwarded, %d dropped, %d mismatches", name, len(res), pass, len(res)-pass, bad)
}

func listTable(t *testing.T, l *netlab.Lab, family, name string) string {
	t.Helper()
	out, err := l.Exec(l.GatewayNS, "nft", "list", "table", family, name)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cases are the states TestVerdicts applies, one kind of rule at a time.
func cases() []struct {
	name string
	s    firewall.State
} {
	rs := func(id string, servers []netip.Addr, in, out []firewall.Rule) firewall.Ruleset {
		return firewall.Ruleset{ID: id, Enabled: true, Servers: hosts(servers...), In: in, Out: out}
	}
	nets := func(id string, servers []netip.Prefix, in, out []firewall.Rule) firewall.Ruleset {
		return firewall.Ruleset{ID: id, Enabled: true, Servers: servers, In: in, Out: out}
	}
	with := func(r firewall.Rule, f func(*firewall.Rule)) firewall.Rule { f(&r); return r }
	tcpTo := func(port uint16) firewall.Rule {
		return with(rule(true, 6), func(r *firewall.Rule) { r.DstPorts = ports(port, port) })
	}
	s1 := []netip.Addr{server}
	return []struct {
		name string
		s    firewall.State
	}{
		{"empty state", firewall.State{}},
		{"tcp port accepted, rest dropped (default in-drop)", firewall.State{Rulesets: []firewall.Ruleset{
			rs("web", s1, []firewall.Rule{tcpTo(80)}, nil)}}},
		{"udp and icmp", firewall.State{Rulesets: []firewall.Ruleset{
			rs("dns", s1, []firewall.Rule{
				with(rule(true, 17), func(r *firewall.Rule) { r.DstPorts = ports(53, 53) }),
				rule(true, 1)}, nil)}}},
		{"icmp only", firewall.State{Rulesets: []firewall.Ruleset{rs("ping", []netip.Addr{server, server2}, []firewall.Rule{rule(true, 1)}, nil)}}},
		{"protocol any from a source /32", firewall.State{Rulesets: []firewall.Ruleset{
			rs("src", s1, []firewall.Rule{with(rule(true, firewall.AnyProtocol), func(r *firewall.Rule) { r.Src = pfx("192.0.2.3/32") })}, nil)}}},
		{"source /31 and destination prefixes", firewall.State{Rulesets: []firewall.Ruleset{
			rs("pfx", []netip.Addr{server, server2}, []firewall.Rule{
				with(rule(true, 6), func(r *firewall.Rule) { r.Dst = pfx("198.51.100.11/32") }),
				with(rule(true, 1), func(r *firewall.Rule) { r.Src = pfx("192.0.2.2/31"); r.Dst = pfx("198.51.100.8/30") }),
				with(rule(true, 17), func(r *firewall.Rule) { r.Src = pfx("192.0.2.0/30"); r.Dst = pfx("198.51.100.0/28") }),
			}, nil)}}},
		{"order: first match decides, DROP before ACCEPT", firewall.State{Rulesets: []firewall.Ruleset{
			rs("order", s1, []firewall.Rule{
				with(rule(false, 6), func(r *firewall.Rule) { r.Src = pfx("192.0.2.3/32"); r.DstPorts = ports(80, 80) }),
				with(rule(true, 6), func(r *firewall.Rule) { r.DstPorts = ports(1, 1024) }),
				with(rule(false, 1), func(r *firewall.Rule) { r.Src = pfx("192.0.2.2/32") }),
				rule(true, firewall.AnyProtocol),
			}, nil)}}},
		{"port ranges, source ports", firewall.State{Rulesets: []firewall.Ruleset{
			rs("ranges", []netip.Addr{server, server2}, []firewall.Rule{
				with(rule(true, 6), func(r *firewall.Rule) { r.DstPorts = ports(5000, 5001) }),
				with(rule(true, 6), func(r *firewall.Rule) { r.SrcPorts = ports(1000, 1499); r.DstPorts = ports(8080, 8080) }),
				with(rule(true, 17), func(r *firewall.Rule) { r.SrcPorts = ports(1000, 1999) }),
				with(rule(true, 17), func(r *firewall.Rule) { r.DstPorts = ports(40, 60) }),
			}, nil)}}},
		{"ports with protocol any", firewall.State{Rulesets: []firewall.Ruleset{
			rs("anyports", s1, []firewall.Rule{
				with(rule(true, firewall.AnyProtocol), func(r *firewall.Rule) { r.DstPorts = ports(5000, 5000) }),
				with(rule(true, firewall.AnyProtocol), func(r *firewall.Rule) { r.SrcPorts = ports(2000, 2399) }),
			}, nil)}}},
		{"rules that never match are left out", firewall.State{Rulesets: []firewall.Ruleset{
			rs("never", s1, []firewall.Rule{
				with(rule(true, 1), func(r *firewall.Rule) { r.DstPorts = ports(80, 80) }),
				with(rule(true, 300), nil2),
				with(rule(true, 6), func(r *firewall.Rule) { r.DstPorts = ports(90, 80) }),
				with(rule(true, 6), func(r *firewall.Rule) { r.Dst = netip.Prefix{} }),
				// A source and a destination of different families.
				with(rule(true, 6), func(r *firewall.Rule) { r.Src = pfx("192.0.2.0/24"); r.Dst = pfx("2001:db8::/32") }),
				tcpTo(443),
			}, nil)}}},
		{"out rules: DROP drops, ACCEPT and no match go on to in", firewall.State{Rulesets: []firewall.Ruleset{
			rs("out", s1, []firewall.Rule{rule(true, firewall.AnyProtocol)}, []firewall.Rule{
				with(rule(false, 6), func(r *firewall.Rule) { r.DstPorts = ports(8080, 8080) }),
				rule(true, 1),
				with(rule(false, 17), func(r *firewall.Rule) { r.Dst = pfx("192.0.2.2/32") }),
				with(rule(false, firewall.AnyProtocol), func(r *firewall.Rule) { r.Dst = pfx("192.0.2.3/32") }),
			}),
			// server2 is also a destination of a ruleset: server->server2
			// is not probed, but its in chain exists.
			rs("other", []netip.Addr{server2}, []firewall.Rule{tcpTo(22)}, nil)}}},
		{"out ACCEPT then in-dispatch to the client's own ruleset", firewall.State{Rulesets: []firewall.Ruleset{
			rs("srv", s1, nil, []firewall.Rule{rule(true, firewall.AnyProtocol)}),
			rs("cli", []netip.Addr{client}, []firewall.Rule{tcpTo(80), rule(true, 1)}, nil)}}},
		{"reverse traffic: answers pass although out rules drop everything", firewall.State{Rulesets: []firewall.Ruleset{
			rs("rev", s1, []firewall.Rule{tcpTo(80), rule(true, 1), rule(true, 17)}, []firewall.Rule{rule(false, firewall.AnyProtocol)})}}},
		{"disabled ruleset filters nothing", firewall.State{Rulesets: []firewall.Ruleset{
			{ID: "off", Enabled: false, Servers: hosts(server, server2), In: []firewall.Rule{rule(false, firewall.AnyProtocol)},
				Out: []firewall.Rule{rule(false, firewall.AnyProtocol)}},
			rs("on", []netip.Addr{server2}, []firewall.Rule{tcpTo(443)}, nil)}}},
		{"address in two rulesets: the first enabled one decides", firewall.State{Rulesets: []firewall.Ruleset{
			rs("a", s1, []firewall.Rule{tcpTo(80)}, []firewall.Rule{rule(false, 1)}),
			rs("b", []netip.Addr{server, server2}, []firewall.Rule{tcpTo(443), rule(true, 1)}, nil)}}},
		{"odd ruleset IDs", firewall.State{Rulesets: []firewall.Ruleset{
			rs(`a "quoted" id; with\ spaces and ünïcode and a very long tail `+strings.Repeat("x", 300), s1, []firewall.Rule{tcpTo(22)}, nil),
			rs("", []netip.Addr{server2}, []firewall.Rule{tcpTo(80)}, nil)}}},
		{"iLO opening: TCP and UDP iLO ports, only from the remote, stateless reverse", firewall.State{
			ILOAddrs: []netip.Addr{ilo},
			ILOOpen:  []firewall.ILOOpening{{Remote: client, ILO: ilo}},
			// The iLO step comes first even for an address a ruleset accepts.
			Rulesets: []firewall.Ruleset{rs("ilo-too", []netip.Addr{ilo, server}, []firewall.Rule{rule(true, firewall.AnyProtocol)}, nil)}}},
		{"iLO closed: no opening", firewall.State{ILOAddrs: []netip.Addr{ilo}}},
		// Issue 16, finding 6: every network routed to the server obeys
		// its ruleset, not only its main address.
		{"in tcp/22 only: additional IP, additional-ip subnet, /23, IPv6 address and subnet", firewall.State{Rulesets: []firewall.Ruleset{
			nets("all-nets", []netip.Prefix{pfx("198.51.100.10/32"), pfx("198.51.100.130/32"), pfx("203.0.113.48/29"),
				pfx("100.64.0.0/23"), pfx("2001:db8:5::10/128"), pfx("2001:db8:5:100::/56")}, []firewall.Rule{tcpTo(22)}, nil)}}},
		{"IPv6 rule addresses and prefixes", firewall.State{Rulesets: []firewall.Ruleset{
			nets("v6", []netip.Prefix{pfx("2001:db8:5::/120"), pfx("2001:db8:5:100::/56"), pfx("198.51.100.10/32")}, []firewall.Rule{
				with(rule(true, 6), func(r *firewall.Rule) { r.Src = pfx("2001:db8:c::2/128"); r.DstPorts = ports(80, 80) }),
				with(rule(true, 6), func(r *firewall.Rule) {
					r.Src = pfx("2001:db8:c::/64")
					r.Dst = pfx("2001:db8:5:1a0::/60")
					r.DstPorts = ports(443, 443)
				}),
				with(rule(true, 6), func(r *firewall.Rule) { r.Src = pfx("192.0.2.2/32"); r.DstPorts = ports(22, 22) }),
				with(rule(true, 58), func(r *firewall.Rule) { r.Src = pfx("::/0") }),
				with(rule(true, 17), func(r *firewall.Rule) { r.Src = pfx("2001:db8:c::3/128") }),
			}, []firewall.Rule{
				with(rule(false, 6), func(r *firewall.Rule) { r.Dst = pfx("2001:db8:c::3/128") }),
				with(rule(false, 17), func(r *firewall.Rule) { r.Dst = pfx("2001:db8:c::/64") }),
			})}}},
		{"nested networks: an address inside another ruleset's subnetwork", firewall.State{Rulesets: []firewall.Ruleset{
			nets("inner", []netip.Prefix{pfx("203.0.113.49/32"), pfx("2001:db8:5:1a0::1/128")}, []firewall.Rule{tcpTo(443)}, nil),
			nets("outer", []netip.Prefix{pfx("203.0.113.0/24"), pfx("100.64.0.0/22"), pfx("2001:db8:5:100::/56"), pfx("2001:db8:5::/64")},
				[]firewall.Rule{tcpTo(80), rule(true, 58)}, []firewall.Rule{rule(false, 17)}),
			// A later ruleset with the same networks decides nothing.
			nets("later", []netip.Prefix{pfx("100.64.0.0/23"), pfx("203.0.113.48/29")}, []firewall.Rule{rule(true, firewall.AnyProtocol)}, nil)}}},
		{"iLO opening of an unmanaged address is ignored", firewall.State{
			ILOOpen:  []firewall.ILOOpening{{Remote: client2, ILO: ilo}},
			Rulesets: []firewall.Ruleset{rs("web", s1, []firewall.Rule{tcpTo(80)}, nil)}}},
		{"iLO opening for client2, client's connections dropped", firewall.State{
			ILOAddrs: []netip.Addr{ilo, netip.MustParseAddr("198.51.100.21")},
			ILOOpen:  []firewall.ILOOpening{{Remote: client2, ILO: ilo}, {Remote: client, ILO: netip.MustParseAddr("198.51.100.21")}}}},
	}
}

func nil2(*firewall.Rule) {}

// TestVerdicts applies each state of cases and checks that every probe of
// the matrix is forwarded or dropped exactly as State.Verdict says.
func TestVerdicts(t *testing.T) {
	l := newLab(t)
	d := &Driver{NetNS: l.GatewayNS}
	ctx := context.Background()
	probes := matrix()
	for _, c := range cases() {
		must(t, d.Apply(ctx, c.s))
		check(t, l, c.name, c.s, probes)
		if t.Failed() {
			t.Logf("table after %q:\n%s", c.name, listTable(t, l, "inet", "artnet"))
			t.FailNow()
		}
	}
}

// TestProbeDuringApplies alternates two different states many times while
// goroutines connect continuously; every outcome must be one that the
// old or the new state allows (no half-applied table: no moment without
// the table, no empty chains).
func TestProbeDuringApplies(t *testing.T) {
	l := newLab(t)
	d := &Driver{NetNS: l.GatewayNS}
	ctx := context.Background()
	a := firewall.State{
		ILOAddrs: []netip.Addr{ilo},
		ILOOpen:  []firewall.ILOOpening{{Remote: client, ILO: ilo}},
		Rulesets: []firewall.Ruleset{{ID: "a", Enabled: true, Servers: hosts(server),
			In: []firewall.Rule{
				{Accept: true, Protocol: 6, Src: anyNet, Dst: anyNet, DstPorts: ports(80, 80)},
				{Accept: true, Protocol: 6, Src: anyNet, Dst: anyNet, DstPorts: ports(443, 443)},
			}}},
	}
	b := firewall.State{
		ILOAddrs: []netip.Addr{ilo, netip.MustParseAddr("198.51.100.21")},
		ILOOpen:  []firewall.ILOOpening{{Remote: client, ILO: ilo}, {Remote: client2, ILO: netip.MustParseAddr("198.51.100.21")}},
		Rulesets: []firewall.Ruleset{
			{ID: "off", Enabled: false, Servers: hosts(server), In: []firewall.Rule{{Accept: false, Protocol: firewall.AnyProtocol, Src: anyNet, Dst: anyNet}}},
			{ID: "b", Enabled: true, Servers: hosts(server2, server),
				Out: []firewall.Rule{{Accept: false, Protocol: 17, Src: anyNet, Dst: anyNet}},
				In: []firewall.Rule{
					{Accept: false, Protocol: 6, Src: anyNet, Dst: anyNet, DstPorts: ports(8080, 8080)},
					{Accept: true, Protocol: 6, Src: anyNet, Dst: anyNet, DstPorts: ports(22, 80)},
					{Accept: true, Protocol: 1, Src: anyNet, Dst: anyNet},
				}},
		},
	}
	probes := []probe{
		{proto: 6, src: client, dst: server, dport: 80},   // both pass
		{proto: 6, src: client, dst: server, dport: 8080}, // both drop
		{proto: 6, src: client, dst: server, dport: 5000}, // both drop
		{proto: 6, src: client, dst: ilo, dport: 22},      // both pass
		{proto: 6, src: client2, dst: ilo, dport: 22},     // both drop
		{proto: 6, src: client, dst: server, dport: 443},  // a only
		{proto: 1, src: client, dst: server},              // b only
	}
	// Each probe must have an outcome that neither state allows, or it
	// tests nothing: both states agree on at least one outcome for most.
	agree := 0
	for _, p := range probes {
		pa, pb := p.packetVerdicts(a, b)
		if pa == pb {
			agree++
		}
	}
	if agree < 5 {
		t.Fatalf("states a and b agree on %d probes only", agree)
	}
	must(t, d.Apply(ctx, a))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var attempts, bad atomic.Int64
	for _, p := range probes {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					// A dropped SYN is retransmitted after 1 s: waiting
					// less shows a moment of dropping; probes no state
					// passes need not wait as long.
					wait := 250 * time.Millisecond
					if va, vb := p.packetVerdicts(a, b); va || vb {
						wait = 700 * time.Millisecond
					}
					got, pkt := p.run(l, wait)
					attempts.Add(1)
					if got != a.Verdict(pkt) && got != b.Verdict(pkt) {
						if bad.Add(1) <= 10 {
							t.Errorf("%v: forwarded=%v, which neither state allows", p, got)
						}
					}
				}
			}()
		}
	}
	const applies = 200
	start := time.Now()
	for i := range applies {
		s := a
		if i%2 == 0 {
			s = b
		}
		if err := d.Apply(ctx, s); err != nil {
			t.Error(err)
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	t.Logf("%d applies in %v (%v each with a 5 ms pause), %d probes, %d impossible outcomes",
		applies, elapsed.Round(time.Millisecond), (elapsed / applies).Round(time.Microsecond), attempts.Load(), bad.Load())
}

// packetVerdicts is what a and b say of the probe's packet (with a
// representative source port).
func (p probe) packetVerdicts(a, b firewall.State) (bool, bool) {
	pkt := firewall.Packet{Src: p.src, Dst: p.dst, Protocol: p.proto}
	if p.proto != 1 {
		pkt.SrcPort, pkt.DstPort = 40000, p.dport
	}
	return a.Verdict(pkt), b.Verdict(pkt)
}

func sampleState() firewall.State {
	return firewall.State{
		ILOAddrs: []netip.Addr{ilo},
		ILOOpen:  []firewall.ILOOpening{{Remote: client, ILO: ilo}},
		Rulesets: []firewall.Ruleset{
			{ID: "one", Enabled: true, Servers: hosts(server),
				In: []firewall.Rule{
					{Accept: true, Protocol: 6, Src: pfx("192.0.2.0/24"), Dst: anyNet, DstPorts: ports(80, 80)},
					{Accept: true, Protocol: firewall.AnyProtocol, Src: anyNet, Dst: anyNet, SrcPorts: ports(1000, 2000)},
					{Accept: true, Protocol: 1, Src: anyNet, Dst: anyNet},
				},
				Out: []firewall.Rule{{Accept: false, Protocol: 17, Src: anyNet, Dst: pfx("192.0.2.3/32")}}},
			{ID: "two", Enabled: true, Servers: hosts(server2),
				In: []firewall.Rule{{Accept: true, Protocol: 6, Src: anyNet, Dst: anyNet, DstPorts: ports(22, 22)}}},
		},
	}
}

// TestIdempotentAndOthersUntouched applies the same state twice (the
// listing must not change), then other states and Remove, and checks
// tables created by hand beside ours, including one of the same name in
// family ip6, are left exactly as they were, while the table of earlier
// versions (ip artnet, which drops everything here) is removed by the
// first Apply.
func TestIdempotentAndOthersUntouched(t *testing.T) {
	l := newLab(t)
	ns := "/var/run/netns/" + l.GatewayNS // the path form of NetNS
	d := &Driver{NetNS: ns}
	ctx := context.Background()
	script := `
table inet keep {
	chain c {
		type filter hook forward priority 10; policy accept;
		ip daddr 203.0.113.1 counter drop
	}
}
table ip keep2 {
	set s { type ipv4_addr; elements = { 203.0.113.7 } }
	chain x { ip saddr @s drop; }
}
table ip6 artnet {
	chain y { tcp dport 9 drop; }
}
table ip artnet {
	chain forward {
		type filter hook forward priority 0; policy drop;
	}
}
`
	if out, err := l.Exec(l.GatewayNS, "sh", "-c", "nft -f - <<'EOF'\n"+script+"EOF\n"); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	others := func() string {
		return listTable(t, l, "inet", "keep") + listTable(t, l, "ip", "keep2") + listTable(t, l, "ip6", "artnet")
	}
	before := others()
	check(t, l, "legacy ip table dropping everything", firewall.State{Rulesets: []firewall.Ruleset{{ID: "all", Enabled: true,
		Servers: hosts(server, server2), In: []firewall.Rule{rule(false, firewall.AnyProtocol)}}}}, matrix()[:12])

	s := sampleState()
	must(t, d.Apply(ctx, s))
	first := listTable(t, l, "inet", "artnet")
	if out, err := l.Exec(l.GatewayNS, "nft", "list", "table", "ip", "artnet"); err == nil {
		t.Errorf("the legacy table ip artnet is still there after Apply:\n%s", out)
	}
	must(t, d.Apply(ctx, s))
	second := listTable(t, l, "inet", "artnet")
	if first != second {
		t.Errorf("listing changed on re-applying the same state:\n%s\n---\n%s", first, second)
	}
	// Another driver value, same state: the same table.
	must(t, (&Driver{NetNS: l.GatewayNS, Table: "artnet"}).Apply(ctx, s))
	if third := listTable(t, l, "inet", "artnet"); third != first {
		t.Errorf("listing differs from another Driver value:\n%s\n---\n%s", first, third)
	}
	if n := strings.Count(first, "table inet artnet"); n != 1 {
		t.Errorf("%d tables inet artnet in the listing", n)
	}
	check(t, l, "sample state", s, matrix())

	for _, c := range cases()[:5] {
		must(t, d.Apply(ctx, c.s))
	}
	if got := others(); got != before {
		t.Errorf("tables beside ours changed:\n%s\n---\n%s", before, got)
	}
	must(t, d.Remove(ctx))
	must(t, d.Remove(ctx)) // no table: nothing to do, no error
	if out, err := l.Exec(l.GatewayNS, "nft", "list", "table", "inet", "artnet"); err == nil {
		t.Errorf("table still there after Remove:\n%s", out)
	}
	if got := others(); got != before {
		t.Errorf("tables beside ours changed by Remove:\n%s\n---\n%s", before, got)
	}
	check(t, l, "after Remove", firewall.State{}, matrix()[:12])
	t.Logf("table for the sample state:\n%s", first)
}

// TestFailureKeepsPrevious checks that an Apply that fails (context done
// before sending, the kernel rejecting the batch, a missing namespace)
// leaves the previous table in place, listing and traffic alike.
func TestFailureKeepsPrevious(t *testing.T) {
	l := newLab(t)
	d := &Driver{NetNS: l.GatewayNS}
	ctx := context.Background()

	// A batch the kernel rejects when nothing was applied before leaves
	// no table.
	broken := &Driver{NetNS: l.GatewayNS, beforeFlush: func(c *nftables.Conn, tb *nftables.Table) {
		ch := &nftables.Chain{Name: "forward", Table: tb}
		c.AddRule(&nftables.Rule{Table: tb, Chain: ch, Exprs: []expr.Any{
			&expr.Verdict{Kind: expr.VerdictJump, Chain: "no_such_chain"}}})
	}}
	if err := broken.Apply(ctx, sampleState()); err == nil {
		t.Fatal("Apply with a jump to a missing chain succeeded")
	} else {
		t.Logf("rejected batch: %v", err)
	}
	if out, err := l.Exec(l.GatewayNS, "nft", "list", "tables"); err != nil || strings.Contains(out, "artnet") {
		t.Fatalf("after a rejected first batch: %v\n%s", err, out)
	}

	s := sampleState()
	must(t, d.Apply(ctx, s))
	want := listTable(t, l, "inet", "artnet")
	other := firewall.State{Rulesets: []firewall.Ruleset{{ID: "x", Enabled: true, Servers: hosts(server, server2)}}}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := d.Apply(cctx, other); !errors.Is(err, context.Canceled) {
		t.Errorf("Apply with a cancelled context: %v", err)
	}
	if err := broken.Apply(ctx, other); err == nil {
		t.Error("Apply with a jump to a missing chain succeeded")
	}
	if err := (&Driver{NetNS: "no-such-netns-" + l.GatewayNS}).Apply(ctx, other); err == nil {
		t.Error("Apply in a missing namespace succeeded")
	}
	if got := listTable(t, l, "inet", "artnet"); got != want {
		t.Errorf("failed Applies changed the table:\n%s\n---\n%s", want, got)
	}
	check(t, l, "previous state after failed Applies", s, matrix())
}

// TestLargeState applies rulesets totalling 20,000 rules and 400 servers
// in one batch (past the default netlink socket buffers) and checks the
// kernel holds them all and still filters as Verdict says.
func TestLargeState(t *testing.T) {
	l := newLab(t)
	d := &Driver{NetNS: l.GatewayNS}
	var s firewall.State
	for i := range 20 {
		rs := firewall.Ruleset{ID: fmt.Sprintf("big%d", i), Enabled: true}
		for j := range 20 {
			rs.Servers = append(rs.Servers, hosts(netip.AddrFrom4([4]byte{10, 99, byte(i), byte(2*j + 1)}))...) // not adjacent: 400 ranges
		}
		for j := range 1000 {
			rs.In = append(rs.In, firewall.Rule{Accept: j%2 == 0, Protocol: 6, Src: pfx(fmt.Sprintf("203.0.%d.0/24", j%256)), Dst: anyNet,
				DstPorts: ports(uint16(10000+j), uint16(10000+j))})
		}
		s.Rulesets = append(s.Rulesets, rs)
	}
	// The lab's server last, behind 1,000 rules that do not match it.
	s.Rulesets[19].Servers = append(s.Rulesets[19].Servers, hosts(server)...)
	s.Rulesets[19].In = append(s.Rulesets[19].In, firewall.Rule{Accept: true, Protocol: 6, Src: anyNet, Dst: anyNet, DstPorts: ports(80, 80)})
	start := time.Now()
	must(t, d.Apply(context.Background(), s))
	took := time.Since(start)
	// With hand edits watched, an Apply reads the table before and after.
	d.OnHandEdit = func(what string) { t.Errorf("hand edit reported: %s", what) }
	must(t, d.Apply(context.Background(), s))
	start = time.Now()
	must(t, d.Apply(context.Background(), s))
	t.Logf("an Apply reading the table back before and after took %v", time.Since(start).Round(time.Millisecond))
	out, err := l.Exec(l.GatewayNS, "nft", "-j", "list", "table", "inet", "artnet")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Nftables []struct {
			Rule *json.RawMessage `json:"rule"`
			Map  *struct {
				Name string `json:"name"`
				Elem []any  `json:"elem"`
			} `json:"map"`
		} `json:"nftables"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	rules, elems := 0, map[string]int{}
	for _, item := range doc.Nftables {
		if item.Rule != nil {
			rules++
		}
		if item.Map != nil {
			elems[item.Map.Name] = len(item.Map.Elem)
		}
	}
	// 20*1000 rules + 1, 20*2 chain ends, 2 dispatch rules, 1 ct rule;
	// 401 addresses in each dispatch map.
	if want := 20*1000 + 1 + 40 + 2 + 1; rules != want {
		t.Errorf("listing has %d rules, want %d", rules, want)
	}
	if elems["dispatch_in"] != 401 || elems["dispatch_out"] != 401 {
		t.Errorf("dispatch maps hold %v addresses, want 401 each", elems)
	}
	t.Logf("applied %d rules in %v", rules, took.Round(time.Millisecond))
	check(t, l, "large state", s, []probe{
		{proto: 6, src: client, dst: server, dport: 80},
		{proto: 6, src: client, dst: server, dport: 443},
		{proto: 1, src: server, dst: client},
	})
}

// TestHandEdits changes the table by hand between Applies (a rule added,
// a map element added, the table deleted, the legacy ip table put back)
// and checks that the next Apply reports each change, and only those, and
// puts the table back.
func TestHandEdits(t *testing.T) {
	l := newLab(t)
	var edits []string
	d := &Driver{NetNS: l.GatewayNS, OnHandEdit: func(what string) { edits = append(edits, what) }}
	ctx := context.Background()
	s := sampleState()
	expect := func(step, want string) {
		t.Helper()
		must(t, d.Apply(ctx, s))
		switch {
		case want == "" && len(edits) > 0:
			t.Errorf("%s: hand edits reported: %q", step, edits)
		case want != "" && (len(edits) != 1 || !strings.Contains(edits[0], want)):
			t.Errorf("%s: hand edits reported %q, want one naming %q", step, edits, want)
		}
		edits = nil
	}
	nft := func(args ...string) {
		t.Helper()
		if out, err := l.Exec(l.GatewayNS, append([]string{"nft"}, args...)...); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
	}
	expect("first Apply", "")
	want := listTable(t, l, "inet", "artnet")
	expect("same state again", "")

	nft("add", "rule", "inet", "artnet", "forward", "tcp", "dport", "8080", "accept")
	expect("rule added by hand", "chain forward changed")
	nft("add", "element", "inet", "artnet", "dispatch_in", "{ 198.51.100.99 : jump rs1_in }")
	expect("map element added by hand", "set dispatch_in changed")
	nft("flush", "chain", "inet", "artnet", "rs0_in")
	expect("chain flushed by hand", "chain rs0_in changed")
	nft("delete", "table", "inet", "artnet")
	expect("table deleted by hand", "table missing")
	if got := listTable(t, l, "inet", "artnet"); got != want {
		t.Errorf("the table after the hand edits:\n%s\nwant:\n%s", got, want)
	}
	check(t, l, "after the hand edits", s, matrix())

	// A new state is no hand edit; the table of an older version is
	// deleted without being one either.
	s = firewall.State{Rulesets: []firewall.Ruleset{{ID: "x", Enabled: true, Servers: hosts(server2)}}}
	expect("another state", "")
	nft("add", "table", "ip", "artnet")
	expect("legacy table created", "")
	if out, err := l.Exec(l.GatewayNS, "nft", "list", "table", "ip", "artnet"); err == nil {
		t.Errorf("the legacy table ip artnet survived an Apply:\n%s", out)
	}
}

// TestOwners checks the disjoint ranges the dispatch maps get from
// nested, adjacent and repeated networks of several rulesets.
func TestOwners(t *testing.T) {
	s := firewall.State{Rulesets: []firewall.Ruleset{
		{ID: "off", Enabled: false, Servers: []netip.Prefix{pfx("10.0.0.0/8")}},
		{ID: "inner", Enabled: true, Servers: []netip.Prefix{pfx("10.1.0.5/32"), pfx("10.1.1.0/24"), pfx("2001:db8::/64")}},
		{ID: "outer", Enabled: true, Servers: []netip.Prefix{pfx("10.1.0.0/23"), pfx("10.1.2.0/24"), pfx("10.1.0.5/32"),
			pfx("255.255.255.0/24"), pfx("2001:db8::/32"), {}}},
		{ID: "later", Enabled: true, Servers: []netip.Prefix{pfx("10.1.0.0/16"), pfx("0.0.0.0/32")}},
	}}
	got := func(f family) string {
		var b strings.Builder
		for _, sg := range owners(s, f) {
			fmt.Fprintf(&b, "%s-%s:%d ", sg.lo, sg.hi, sg.n)
		}
		return strings.TrimSpace(b.String())
	}
	want4 := "0.0.0.0-0.0.0.0:3 10.1.0.0-10.1.0.4:2 10.1.0.5-10.1.0.5:1 10.1.0.6-10.1.0.255:2 10.1.1.0-10.1.1.255:1 " +
		"10.1.2.0-10.1.2.255:2 10.1.3.0-10.1.255.255:3 255.255.255.0-255.255.255.255:2"
	if g := got(ipv4); g != want4 {
		t.Errorf("IPv4 ranges:\n got %s\nwant %s", g, want4)
	}
	want6 := "2001:db8::-2001:db8::ffff:ffff:ffff:ffff:1 2001:db8:0:1::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff:2"
	if g := got(ipv6); g != want6 {
		t.Errorf("IPv6 ranges:\n got %s\nwant %s", g, want6)
	}
	// Every range agrees with Verdict's rule: the first enabled ruleset
	// holding the address.
	for _, f := range []family{ipv4, ipv6} {
		for _, sg := range owners(s, f) {
			for _, a := range []netip.Addr{sg.lo, sg.hi} {
				for n, rs := range s.Rulesets {
					if rs.Enabled && rs.Holds(a) {
						if n != sg.n {
							t.Errorf("%s: range owner %d, first holder %d", a, sg.n, n)
						}
						break
					}
				}
			}
		}
	}
}

// TestCIDRs: a range becomes the fewest prefixes covering exactly it.
func TestCIDRs(t *testing.T) {
	for _, c := range []struct {
		lo, hi string
		want   string
	}{
		{"10.0.0.0", "10.0.0.255", "[10.0.0.0/24]"},
		{"10.0.0.1", "10.0.0.6", "[10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 10.0.0.6/32]"},
		{"10.0.0.7", "10.0.0.7", "[10.0.0.7/32]"},
		{"0.0.0.0", "255.255.255.255", "[0.0.0.0/0]"},
		{"203.0.113.47", "203.0.113.56", "[203.0.113.47/32 203.0.113.48/29 203.0.113.56/32]"},
		{"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "[::/0]"},
		{"2001:db8::", "2001:db8::1:ffff", "[2001:db8::/111]"},
	} {
		got := fmt.Sprint(cidrs(netip.MustParseAddr(c.lo), netip.MustParseAddr(c.hi)))
		if got != c.want {
			t.Errorf("cidrs(%s, %s) = %s, want %s", c.lo, c.hi, got, c.want)
		}
	}
}
