// Package nft is the nftables firewall.Device: it applies a firewall.State
// to the Linux kernel's nftables over netlink (github.com/google/nftables),
// as one table of its own, replaced whole and atomically on every Apply.
//
// # Layout
//
// One table (family ip, name Driver.Table, "artnet" by default) with one
// base chain, "forward" (hook forward, priority filter, policy accept):
//
//  1. iLO / IPMI, stateless: for each opening of a managed iLO address and
//     each firewall.ILOPorts entry, "ip saddr REMOTE ip daddr ILO
//     l4proto P th dport PORT accept" and the reverse "ip saddr ILO ip
//     daddr REMOTE l4proto P th sport PORT accept"; then, for each
//     managed iLO addresses (set "ilo"), "ip daddr @ilo drop" and "ip
//     saddr @ilo drop".
//  2. "ct state established,related accept".
//  3. "ip saddr vmap @dispatch_out": the verdict map holds, for each
//     enabled ruleset (index n) and each of its server addresses not
//     already claimed by an earlier enabled ruleset, "X : jump rsN_out".
//     Chain rsN_out holds the Out rules in order (ACCEPT -> return, DROP
//     -> drop) and ends by returning.
//  4. The same for destinations: "ip daddr vmap @dispatch_in" with "X :
//     jump rsN_in"; rsN_in holds the In rules in order (ACCEPT -> accept,
//     DROP -> drop) and ends with drop.
//  5. The chain's policy accepts the rest.
//
// Dispatch is one hash lookup per direction whatever the number of
// servers. The map elements carry a comment naming the ruleset's ID; chain
// names use the ruleset's index, so any ID is safe. A rule that checks ports with
// protocol any becomes one nftables rule per port-carrying protocol
// (firewall.HasPorts), in place; a rule that can never match under
// firewall.Rule.Matches (ports on a protocol without ports, an IPv6 or
// invalid prefix) is left out, as are non-IPv4 addresses: the firewall
// filters IPv4 only.
package nft

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/artnet-panel/artnet-panel/internal/firewall"
)

// DefaultTable is the table name used when Driver.Table is empty.
const DefaultTable = "artnet"

// Driver applies firewall states to nftables. The zero value works on the
// table "artnet" of the current network namespace. A Driver holds no
// connection between calls; it is safe for concurrent use, though
// concurrent Applies race (the last one to reach the kernel wins).
type Driver struct {
	// Table is the name of our table (family ip); empty means "artnet".
	Table string
	// NetNS is the network namespace to work in: a name under
	// /var/run/netns (as made by "ip netns add") or a path to a namespace
	// file (e.g. /proc/PID/ns/net). Empty means the current namespace.
	NetNS string

	// beforeFlush, set by tests, may add messages to the batch just
	// before it is sent (e.g. to make the kernel reject it).
	beforeFlush func(c *nftables.Conn, t *nftables.Table)
}

var _ firewall.Device = (*Driver)(nil)

func (d *Driver) table() *nftables.Table {
	name := d.Table
	if name == "" {
		name = DefaultTable
	}
	return &nftables.Table{Name: name, Family: nftables.TableFamilyIPv4}
}

// Apply replaces our table with one that filters as s says (see the
// package comment), in a single netlink batch: the kernel commits all of
// it or none of it, so packets see either the old table or the new one,
// and tables other than ours are not touched. Applying the same state
// twice yields the same table. Like State.Verdict, it takes any state: a
// rule that can never match (protocol out of 0..255, a port range with
// Lo > Hi, ...) is left out. Errors: ctx done before the batch is sent; the namespace cannot be opened; the kernel
// rejected the batch (the previous table is then left as it was).
func (d *Driver) Apply(ctx context.Context, s firewall.State) error {
	return d.run(ctx, func(c *nftables.Conn, t *nftables.Table) int {
		c.AddTable(t) // create if missing, so the delete cannot fail
		c.DelTable(t)
		c.AddTable(t)
		return 3 + build(c, t, s)
	})
}

// Remove deletes our table if it exists (and does nothing otherwise), so
// the gateway forwards everything again as far as we are concerned.
// Errors are those of Apply.
func (d *Driver) Remove(ctx context.Context) error {
	return d.run(ctx, func(c *nftables.Conn, t *nftables.Table) int {
		c.AddTable(t)
		c.DelTable(t)
		return 2
	})
}

// run queues one batch with fill (which returns how many messages it
// queued) and sends it over a netlink socket in the namespace.
func (d *Driver) run(ctx context.Context, fill func(*nftables.Conn, *nftables.Table) int) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("nft: not applied: %w", err)
	}
	var opts []nftables.ConnOption
	if d.NetNS != "" {
		path := d.NetNS
		if !strings.ContainsRune(path, '/') {
			path = filepath.Join("/var/run/netns", path)
		}
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("nft: network namespace: %w", err)
		}
		defer f.Close()
		opts = append(opts, nftables.WithNetNSFd(int(f.Fd())))
	}
	// The socket is opened by Flush, after fill has counted the messages.
	msgs := 0
	deadline, hasDeadline := ctx.Deadline()
	opts = append(opts, nftables.WithSockOptions(func(nc *netlink.Conn) error {
		// The batch goes out in one sendmsg, and the kernel queues one
		// acknowledgement per message before we can read any: make room
		// for both past the default socket buffer limits (as nft does).
		setBuf(nc, unix.SO_SNDBUFFORCE, 64<<20)
		setBuf(nc, unix.SO_RCVBUFFORCE, 1<<20+msgs*2048)
		if hasDeadline {
			return nc.SetDeadline(deadline)
		}
		return nil
	}))
	c, err := nftables.New(opts...)
	if err != nil {
		return fmt.Errorf("nft: netlink: %w", err)
	}
	t := d.table()
	msgs = fill(c, t)
	if d.beforeFlush != nil {
		d.beforeFlush(c, t)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("nft: not applied: %w", err)
	}
	if err := c.Flush(); err != nil {
		if errors.Is(err, unix.ENOBUFS) || errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("nft: table %s: the kernel's answers were lost; the batch may or may not be applied: %w", t.Name, err)
		}
		return fmt.Errorf("nft: table %s: kernel rejected the batch, nothing changed: %w", t.Name, err)
	}
	return nil
}

// setBuf raises a socket buffer limit; failing that (not CAP_NET_ADMIN)
// the default stays, which only limits the size of a batch.
func setBuf(nc *netlink.Conn, opt, size int) {
	rc, err := nc.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		_ = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, opt, size)
	})
}

// build queues the chains and rules of s into table t and returns how
// many messages it queued.
func build(c *nftables.Conn, t *nftables.Table, s firewall.State) (msgs int) {
	policy := nftables.ChainPolicyAccept
	fwd := c.AddChain(&nftables.Chain{
		Name:     "forward",
		Table:    t,
		Type:     nftables.ChainTypeFilter,
		Hooknum:  nftables.ChainHookForward,
		Priority: nftables.ChainPriorityFilter,
		Policy:   &policy,
	})
	add := func(ch *nftables.Chain, ud []byte, exprs ...expr.Any) {
		c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: exprs, UserData: ud})
		msgs++
	}

	// 1. iLO / IPMI, stateless.
	managed := map[netip.Addr]bool{}
	var ilos []netip.Addr
	for _, a := range s.ILOAddrs {
		if a.Is4() && !managed[a] {
			managed[a] = true
			ilos = append(ilos, a)
		}
	}
	seenOpen := map[firewall.ILOOpening]bool{}
	for _, o := range s.ILOOpen {
		if !managed[o.ILO] || !o.Remote.Is4() || seenOpen[o] {
			continue
		}
		seenOpen[o] = true
		for _, p := range firewall.ILOPorts {
			add(fwd, nil, concat(addrEq(12, o.Remote), addrEq(16, o.ILO), l4proto(p.Protocol),
				portMatch(2, firewall.PortRange{Lo: p.Port, Hi: p.Port}), verdict(expr.VerdictAccept))...)
			add(fwd, nil, concat(addrEq(12, o.ILO), addrEq(16, o.Remote), l4proto(p.Protocol),
				portMatch(0, firewall.PortRange{Lo: p.Port, Hi: p.Port}), verdict(expr.VerdictAccept))...)
		}
	}
	if len(ilos) > 0 {
		set := &nftables.Set{Table: t, Name: "ilo", KeyType: nftables.TypeIPAddr}
		elems := make([]nftables.SetElement, len(ilos))
		for i, a := range ilos {
			elems[i] = nftables.SetElement{Key: a.AsSlice()}
		}
		msgs += addSet(c, set, elems)
		add(fwd, nil, concat(lookup(16, set, false), verdict(expr.VerdictDrop))...)
		add(fwd, nil, concat(lookup(12, set, false), verdict(expr.VerdictDrop))...)
	}

	// 2. Connections already accepted.
	add(fwd, nil,
		&expr.Ct{Register: 1, Key: expr.CtKeySTATE},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4,
			Mask: binaryutilNative(expr.CtStateBitESTABLISHED | expr.CtStateBitRELATED), Xor: make([]byte, 4)},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: make([]byte, 4)},
		&expr.Verdict{Kind: expr.VerdictAccept},
	)

	// 3 and 4. Dispatch to the rulesets' chains. An address belongs to the
	// first enabled ruleset that lists it, as in State.Verdict.
	type target struct {
		addr netip.Addr
		n    int
		id   string
	}
	var targets []target
	chains := 1
	claimed := map[netip.Addr]bool{}
	for n, rs := range s.Rulesets {
		if !rs.Enabled {
			continue
		}
		used := false
		for _, a := range rs.Servers {
			if a.Is4() && !claimed[a] {
				claimed[a] = true
				used = true
				targets = append(targets, target{a, n, rs.ID})
			}
		}
		if !used {
			continue
		}
		chains += 2
		out := c.AddChain(&nftables.Chain{Name: fmt.Sprintf("rs%d_out", n), Table: t})
		for _, r := range rs.Out {
			v := expr.VerdictReturn
			if !r.Accept {
				v = expr.VerdictDrop
			}
			for _, m := range ruleMatches(r) {
				add(out, nil, concat(m, verdict(v))...)
			}
		}
		add(out, nil, verdict(expr.VerdictReturn)...)
		in := c.AddChain(&nftables.Chain{Name: fmt.Sprintf("rs%d_in", n), Table: t})
		for _, r := range rs.In {
			v := expr.VerdictAccept
			if !r.Accept {
				v = expr.VerdictDrop
			}
			for _, m := range ruleMatches(r) {
				add(in, nil, concat(m, verdict(v))...)
			}
		}
		add(in, nil, verdict(expr.VerdictDrop)...)
	}
	if len(targets) > 0 {
		for _, dir := range []struct {
			off  uint32
			name string
		}{{12, "out"}, {16, "in"}} {
			m := &nftables.Set{Table: t, Name: "dispatch_" + dir.name, IsMap: true,
				KeyType: nftables.TypeIPAddr, DataType: nftables.TypeVerdict}
			elems := make([]nftables.SetElement, len(targets))
			for i, tg := range targets {
				elems[i] = nftables.SetElement{Key: tg.addr.AsSlice(), Comment: comment(tg.id),
					VerdictData: &expr.Verdict{Kind: expr.VerdictJump, Chain: fmt.Sprintf("rs%d_%s", tg.n, dir.name)}}
			}
			msgs += addSet(c, m, elems)
			add(fwd, nil, lookup(dir.off, m, true)...)
		}
	}
	return msgs + chains
}

// setChunk is how many elements go in one netlink message: the element
// list is one attribute, whose length must fit in 16 bits.
const setChunk = 256

// addSet queues set s with elems (in chunks) and returns how many messages
// it queued.
func addSet(c *nftables.Conn, s *nftables.Set, elems []nftables.SetElement) int {
	first := elems[:min(len(elems), setChunk)]
	c.AddSet(s, first)
	msgs := 2
	for rest := elems[len(first):]; len(rest) > 0; msgs++ {
		n := min(len(rest), setChunk)
		c.SetAddElements(s, rest[:n])
		rest = rest[n:]
	}
	return msgs
}

// lookup matches the IPv4 header's address at off (12 source, 16
// destination) against the elements of set s; with vmap, s is a verdict
// map and the rule takes the element's verdict.
func lookup(off uint32, s *nftables.Set, vmap bool) []expr.Any {
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: 4},
		&expr.Lookup{SourceRegister: 1, SetName: s.Name, SetID: s.ID, DestRegister: 0, IsDestRegSet: vmap},
	}
}

// ruleMatches returns the match expressions of r: one list per nftables
// rule (several when r checks ports with protocol any, none when r can
// never match).
func ruleMatches(r firewall.Rule) [][]expr.Any {
	if r.Protocol < firewall.AnyProtocol || r.Protocol > 255 {
		return nil // no packet has this protocol
	}
	for _, pr := range []firewall.PortRange{r.SrcPorts, r.DstPorts} {
		if !pr.Any() && pr.Lo > pr.Hi {
			return nil // PortRange.Contains is false for every port
		}
	}
	var base []expr.Any
	for _, x := range []struct {
		off uint32
		p   netip.Prefix
	}{{12, r.Src}, {16, r.Dst}} {
		if !x.p.IsValid() || !x.p.Addr().Is4() {
			return nil // Prefix.Contains is false for every IPv4 address
		}
		base = append(base, prefixMatch(x.off, x.p.Masked())...)
	}
	ports := !r.SrcPorts.Any() || !r.DstPorts.Any()
	if !ports {
		if r.Protocol == firewall.AnyProtocol {
			return [][]expr.Any{base}
		}
		return [][]expr.Any{concat(l4proto(uint8(r.Protocol)), base)}
	}
	var protos []uint8
	if r.Protocol == firewall.AnyProtocol {
		for p := 0; p < 256; p++ {
			if firewall.HasPorts(p) {
				protos = append(protos, uint8(p))
			}
		}
	} else if firewall.HasPorts(r.Protocol) {
		protos = []uint8{uint8(r.Protocol)}
	}
	var out [][]expr.Any
	for _, p := range protos {
		m := concat(l4proto(p), base)
		if !r.SrcPorts.Any() {
			m = append(m, portMatch(0, r.SrcPorts)...)
		}
		if !r.DstPorts.Any() {
			m = append(m, portMatch(2, r.DstPorts)...)
		}
		out = append(out, m)
	}
	return out
}

func concat(parts ...[]expr.Any) []expr.Any {
	var out []expr.Any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func l4proto(p uint8) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{p}},
	}
}

// addrEq matches the IPv4 header's address at off (12 source, 16
// destination) against a.
func addrEq(off uint32, a netip.Addr) []expr.Any {
	return prefixMatch(off, netip.PrefixFrom(a, 32))
}

// prefixMatch matches the address at off against the masked prefix p;
// nothing for /0.
func prefixMatch(off uint32, p netip.Prefix) []expr.Any {
	if p.Bits() == 0 {
		return nil
	}
	a := p.Addr().As4()
	e := []expr.Any{&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: 4}}
	if p.Bits() < 32 {
		mask := binary.BigEndian.AppendUint32(nil, ^uint32(0)<<(32-p.Bits()))
		e = append(e, &expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: mask, Xor: make([]byte, 4)})
	}
	return append(e, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: a[:]})
}

// portMatch matches the transport header's port at off (0 source, 2
// destination) against r, which must not be Any.
func portMatch(off uint32, r firewall.PortRange) []expr.Any {
	e := []expr.Any{&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: off, Len: 2}}
	lo := binary.BigEndian.AppendUint16(nil, r.Lo)
	if r.Lo == r.Hi {
		return append(e, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: lo})
	}
	hi := binary.BigEndian.AppendUint16(nil, r.Hi)
	return append(e, &expr.Range{Op: expr.CmpOpEq, Register: 1, FromData: lo, ToData: hi})
}

func verdict(k expr.VerdictKind) []expr.Any { return []expr.Any{&expr.Verdict{Kind: k}} }

func jump(chain string) []expr.Any {
	return []expr.Any{&expr.Verdict{Kind: expr.VerdictJump, Chain: chain}}
}

// comment is the set element comment "ruleset ID" (printable ASCII,
// quotes dropped, at most 100 bytes of the ID).
func comment(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r > ' ' && r < 0x7f && r != '"' && r != '\\' && b.Len() < 100 {
			b.WriteRune(r)
		}
	}
	return "ruleset " + b.String()
}

// binaryutilNative encodes v in host byte order, as the kernel keeps ct
// state bits in a register.
func binaryutilNative(v uint32) []byte {
	return binary.NativeEndian.AppendUint32(nil, v)
}
