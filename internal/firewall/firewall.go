// Package firewall is the model of the external firewall that the firewall
// module manages and that the firewall device drivers apply: rulesets of
// ordered rules in two directions, reached by the addresses of their
// servers, and iLO / IPMI openings. It is pure data and rules, with no
// I/O: the panel builds a State from the database, a Device applies it,
// and Verdict says what the State lets through, so the simulator and the
// nftables driver can be checked against one definition.
//
// # Semantics (what Verdict and every Device implement)
//
// The firewall sits on the gateway in front of the servers and filters
// forwarded IPv4 and IPv6 packets, in this order:
//
//  1. iLO / IPMI: a packet to a managed iLO address (State.ILOAddrs) passes
//     only when an opening (State.ILOOpen) has the packet's source as
//     Remote and the destination as ILO, and the packet goes to one of the
//     iLO ports (ILOPorts: TCP 22, 80, 443, 623, 5900, 17988, 17990 and
//     UDP 623). A packet from a managed iLO address passes only as a reply
//     within a connection such an opening let in (connection tracking:
//     established or related, to Remote, from one of those ports): the
//     iLO cannot open connections of its own. Everything else to or from
//     an iLO address is dropped. The check of the opening is made on every
//     packet, so closing an opening also cuts connections already open.
//  2. Packets of connections already accepted (connection tracking:
//     established or related) pass. The rules decide on the first packet
//     of each connection, so a rule that lets a client in also lets the
//     server's answers out.
//  3. Outgoing: when the source is in a network of an enabled ruleset's
//     server (Ruleset.Servers: its addresses and subnetworks, IPv4 and
//     IPv6), that ruleset's Out rules are tried in order; the first rule
//     that matches decides (DROP drops, ACCEPT goes on to step 4). No
//     matching rule: the packet goes on to step 4 (outgoing traffic is
//     allowed unless a rule drops it). An address in the networks of
//     several enabled rulesets belongs to the first of them.
//  4. Incoming: when the destination is in a network of an enabled
//     ruleset's server, its In rules are tried in order; the first match
//     decides. No matching rule: the packet is dropped.
//  5. Anything else passes.
//
// A rule's address prefix of length 0 (0.0.0.0/0, ::/0) matches every
// address of either family; any other prefix matches only addresses of
// its own family, so an IPv4 rule never matches an IPv6 packet. ICMP is
// protocol 1 and ICMPv6 protocol 58.
//
// This is the choice Hetzner Robot's firewall makes (what no incoming rule
// accepts is discarded, outgoing traffic is open unless a rule discards
// it); OVH's Edge Network Firewall instead lets through what no rule
// matches and asks customers to end with a "deny all" rule. A firewall
// that drops what the customer did not mean to open is the safe default.
// A disabled ruleset filters nothing and keeps its rules.
package firewall

import (
	"context"
	"net/netip"
	"slices"
)

// PortRange is a port condition: Lo..Hi inclusive. The zero value matches
// any port.
type PortRange struct{ Lo, Hi uint16 }

// Any reports whether r matches every port.
func (r PortRange) Any() bool { return r.Lo == 0 && r.Hi == 0 }

// Contains reports whether r matches port p.
func (r PortRange) Contains(p uint16) bool { return r.Any() || (p >= r.Lo && p <= r.Hi) }

// AnyProtocol is Rule.Protocol for a rule that does not check the protocol.
const AnyProtocol = -1

// Rule is one rule of a ruleset. Src and Dst are masked prefixes (a /0
// matches every address, IPv4 or IPv6; see PrefixMatches). Ports are only
// set when Protocol has ports (HasPorts).
type Rule struct {
	Accept   bool
	Protocol int // 0..255, or AnyProtocol
	Src, Dst netip.Prefix
	SrcPorts PortRange
	DstPorts PortRange
}

// HasPorts reports whether packets of protocol carry the source and
// destination ports in the first four bytes of their transport header
// (TCP, UDP, DCCP, SCTP, UDP-Lite), so a rule may check them.
func HasPorts(protocol int) bool {
	switch protocol {
	case 6, 17, 33, 132, 136:
		return true
	}
	return false
}

// Matches reports whether the rule matches p.
func (r Rule) Matches(p Packet) bool {
	if r.Protocol != AnyProtocol && int(p.Protocol) != r.Protocol {
		return false
	}
	if !PrefixMatches(r.Src, p.Src) || !PrefixMatches(r.Dst, p.Dst) {
		return false
	}
	if !r.SrcPorts.Any() || !r.DstPorts.Any() {
		if !HasPorts(int(p.Protocol)) {
			return false
		}
		return r.SrcPorts.Contains(p.SrcPort) && r.DstPorts.Contains(p.DstPort)
	}
	return true
}

// PrefixMatches reports whether a rule's prefix p matches address a: a
// valid prefix of length 0 matches every address of either family, any
// other valid prefix the addresses of its family it contains. An invalid
// prefix matches nothing.
func PrefixMatches(p netip.Prefix, a netip.Addr) bool {
	if !p.IsValid() {
		return false
	}
	return p.Bits() == 0 || p.Contains(a)
}

// Ruleset is the applied form of one ruleset: the networks routed to its
// servers and its rules in order.
type Ruleset struct {
	ID      string
	Enabled bool
	// Servers are the networks routed to the ruleset's servers, IPv4 and
	// IPv6: one address is a /32 or /128; a subnetwork is its prefix.
	// Invalid prefixes hold nothing.
	Servers []netip.Prefix
	In, Out []Rule
}

// Holds reports whether a is in one of the ruleset's networks.
func (rs Ruleset) Holds(a netip.Addr) bool {
	for _, p := range rs.Servers {
		if p.IsValid() && p.Contains(a) {
			return true
		}
	}
	return false
}

// ILOOpening lets Remote reach the iLO / IPMI interface at ILO.
type ILOOpening struct {
	Remote, ILO netip.Addr
}

// ILOPort is a port of an iLO / IPMI interface.
type ILOPort struct {
	Protocol uint8 // 6 TCP, 17 UDP
	Port     uint16
}

// ILOPorts are the ports an iLO opening lets through: SSH, HTTP, HTTPS,
// IPMI over LAN (UDP 623; TCP 623 carries virtual media on several BMCs),
// VNC-based KVM consoles (5900) and HPE iLO's remote console and virtual
// media (17988, 17990).
var ILOPorts = []ILOPort{
	{6, 22}, {6, 80}, {6, 443}, {6, 623}, {6, 5900}, {6, 17988}, {6, 17990},
	{17, 623},
}

// State is everything a firewall device applies: the whole desired state
// of the firewall, replacing what was applied before.
type State struct {
	Rulesets []Ruleset
	// ILOAddrs are the managed iLO / IPMI addresses: closed unless an
	// opening names them.
	ILOAddrs []netip.Addr
	ILOOpen  []ILOOpening
}

// Packet is the first packet of a connection, as the gateway sees it.
type Packet struct {
	Src, Dst         netip.Addr
	Protocol         uint8
	SrcPort, DstPort uint16
}

// Verdict reports whether the gateway forwards p under s (the first packet
// of a connection; see the package comment).
func (s State) Verdict(p Packet) bool {
	if ok, decided := s.iloVerdict(p); decided {
		return ok
	}
	for _, rs := range s.Rulesets {
		if rs.Enabled && rs.Holds(p.Src) {
			if accept, matched := firstMatch(rs.Out, p); matched && !accept {
				return false
			}
			break
		}
	}
	for _, rs := range s.Rulesets {
		if rs.Enabled && rs.Holds(p.Dst) {
			accept, _ := firstMatch(rs.In, p)
			return accept
		}
	}
	return true
}

// firstMatch returns the policy of the first rule matching p.
func firstMatch(rules []Rule, p Packet) (accept, matched bool) {
	for _, r := range rules {
		if r.Matches(p) {
			return r.Accept, true
		}
	}
	return false, false
}

// iloVerdict decides packets to and from managed iLO addresses. The
// first packet of a connection from an iLO address is always dropped (its
// replies pass only within connections an opening let in).
func (s State) iloVerdict(p Packet) (accept, decided bool) {
	if slices.Contains(s.ILOAddrs, p.Src) {
		return false, true
	}
	if !slices.Contains(s.ILOAddrs, p.Dst) {
		return false, false
	}
	for _, o := range s.ILOOpen {
		if o.ILO != p.Dst || o.Remote != p.Src {
			continue
		}
		for _, port := range ILOPorts {
			if port.Protocol == p.Protocol && p.DstPort == port.Port {
				return true, true
			}
		}
	}
	return false, true
}

// Device applies firewall state. Implementations: the simulator
// (internal/driver/fwsim) and nftables (internal/driver/nft).
type Device interface {
	// Apply makes the device filter exactly as s says, replacing all it
	// applied before, atomically: no packet sees part of the old and part
	// of the new state. Applying the same state again changes nothing. An
	// error means the device is unchanged, as far as the driver can tell;
	// its text is for the operator's log.
	Apply(ctx context.Context, s State) error
}
