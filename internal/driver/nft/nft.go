// Package nft is the nftables firewall.Device: it applies a firewall.State
// to the Linux kernel's nftables over netlink (github.com/google/nftables),
// as one table of its own, replaced whole and atomically on every Apply.
//
// # Layout
//
// One table (family inet, so IPv4 and IPv6 alike, name Driver.Table,
// "artnet" by default) with one base chain, "forward" (hook forward,
// priority filter, policy accept). Below, "ip" rules and sets are for IPv4
// packets and "ip6" ones (sets named with a 6) for IPv6 packets:
//
//  1. iLO / IPMI: for each opening of a managed iLO address and each
//     firewall.ILOPorts entry, "ip saddr REMOTE ip daddr ILO meta l4proto
//     P th dport PORT accept" (every packet of the connection is checked,
//     so closing the opening cuts it) and the replies "ip saddr ILO ip
//     daddr REMOTE meta l4proto P th sport PORT ct state
//     established,related accept" (the iLO cannot open connections); then,
//     over the managed iLO addresses (sets "ilo" and "ilo6"), "ip daddr
//     @ilo drop" and "ip saddr @ilo drop".
//  2. "ct state established,related accept".
//  3. "ip saddr vmap @dispatch_out" and "ip6 saddr vmap @dispatch6_out":
//     interval verdict maps (flags interval) from the networks of the
//     enabled rulesets' servers — addresses, subnetworks of any size,
//     IPv6 prefixes — to "jump rsN_out" (N: the ruleset's index). An
//     address in the networks of several enabled rulesets belongs to the
//     first of them; the maps hold disjoint ranges, each with the ruleset
//     that owns it. Chain rsN_out holds the Out rules in order (ACCEPT ->
//     return, DROP -> drop) and ends by returning.
//  4. The same for destinations: "ip daddr vmap @dispatch_in" and "ip6
//     daddr vmap @dispatch6_in" with "jump rsN_in"; rsN_in holds the In
//     rules in order (ACCEPT -> accept, DROP -> drop) and ends with drop.
//  5. The chain's policy accepts the rest.
//
// Dispatch is one interval lookup per direction whatever the number of
// servers and subnetworks. The map elements carry a comment naming the
// ruleset's ID; chain names use the ruleset's index, so any ID is safe. A
// rule that checks ports with protocol any becomes one nftables rule per
// port-carrying protocol (firewall.HasPorts), in place; a rule that can
// never match under firewall.Rule.Matches (ports on a protocol without
// ports, an invalid prefix, a source and a destination of different
// families) is left out. A rule's /0 prefix matches both families.
//
// Every Apply also deletes the table of the same name in family ip: the
// layout of earlier versions, which would otherwise go on filtering.
//
// # Hand edits
//
// After each Apply the driver reads its table back from the kernel and
// keeps a fingerprint of it (chains, rules, sets and elements, without
// handles); the next Apply first reads the table again, and when it
// differs (a rule added or deleted with nft, the table deleted...) calls
// Driver.OnHandEdit before replacing it. The first Apply of a Driver has
// nothing to compare with.
package nft

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

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
// connection between calls; it is safe for concurrent use (its Applies
// run one at a time).
type Driver struct {
	// Table is the name of our table (family inet); empty means "artnet".
	Table string
	// NetNS is the network namespace to work in: a name under
	// /var/run/netns (as made by "ip netns add") or a path to a namespace
	// file (e.g. /proc/PID/ns/net). Empty means the current namespace.
	NetNS string
	// OnHandEdit, when set, is called by Apply when the kernel's table is
	// not the one the previous Apply left (someone changed it by hand),
	// just before it is replaced; what says what differs.
	OnHandEdit func(what string)

	// beforeFlush, set by tests, may add messages to the batch just
	// before it is sent (e.g. to make the kernel reject it).
	beforeFlush func(c *nftables.Conn, t *nftables.Table)

	mu   sync.Mutex
	last map[string]string // the fingerprint after the last Apply; nil: none yet
}

var _ firewall.Device = (*Driver)(nil)

func (d *Driver) name() string {
	if d.Table == "" {
		return DefaultTable
	}
	return d.Table
}

func (d *Driver) table() *nftables.Table {
	return &nftables.Table{Name: d.name(), Family: nftables.TableFamilyINet}
}

// legacy is the table of earlier versions (family ip), removed by Apply.
func (d *Driver) legacy() *nftables.Table {
	return &nftables.Table{Name: d.name(), Family: nftables.TableFamilyIPv4}
}

// Apply replaces our table with one that filters as s says (see the
// package comment), in a single netlink batch: the kernel commits all of
// it or none of it, so packets see either the old table or the new one,
// and tables other than ours (and the legacy ip table of the same name)
// are not touched. Applying the same state twice yields the same table.
// Like State.Verdict, it takes any state: a rule that can never match
// (protocol out of 0..255, a port range with Lo > Hi, ...) is left out.
// Errors: ctx done before the batch is sent; the namespace cannot be
// opened; the kernel rejected the batch (the previous table is then left
// as it was). Reading the table back (for hand edits) does not fail an
// Apply: the next one has nothing to compare with.
func (d *Driver) Apply(ctx context.Context, s firewall.State) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.last != nil && d.OnHandEdit != nil {
		if now, err := d.fingerprint(); err == nil {
			if what := diff(d.last, now); what != "" {
				d.OnHandEdit(what)
			}
		}
	}
	err := d.run(ctx, func(c *nftables.Conn, t *nftables.Table) int {
		old := d.legacy()
		c.AddTable(old) // create if missing, so the delete cannot fail
		c.DelTable(old)
		c.AddTable(t)
		c.DelTable(t)
		c.AddTable(t)
		return 5 + build(c, t, s)
	})
	if err != nil {
		// The table may or may not be the one we sent: compare the next
		// time with nothing.
		d.last = nil
		return err
	}
	d.last = nil
	if d.OnHandEdit != nil {
		if fp, err := d.fingerprint(); err == nil {
			d.last = fp
		}
	}
	return nil
}

// Remove deletes our table, and the legacy ip table of the same name, if
// they exist (and does nothing otherwise), so the gateway forwards
// everything again as far as we are concerned. Errors are those of Apply.
func (d *Driver) Remove(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.last = nil
	return d.run(ctx, func(c *nftables.Conn, t *nftables.Table) int {
		old := d.legacy()
		c.AddTable(old)
		c.DelTable(old)
		c.AddTable(t)
		c.DelTable(t)
		return 4
	})
}

// conn opens a netlink connection in the driver's namespace; done closes
// what it opened.
func (d *Driver) conn(opts ...nftables.ConnOption) (c *nftables.Conn, done func(), err error) {
	done = func() {}
	if d.NetNS != "" {
		path := d.NetNS
		if !strings.ContainsRune(path, '/') {
			path = filepath.Join("/var/run/netns", path)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, done, fmt.Errorf("nft: network namespace: %w", err)
		}
		done = func() { f.Close() }
		opts = append(opts, nftables.WithNetNSFd(int(f.Fd())))
	}
	c, err = nftables.New(opts...)
	if err != nil {
		done()
		return nil, func() {}, fmt.Errorf("nft: netlink: %w", err)
	}
	return c, done, nil
}

// run queues one batch with fill (which returns how many messages it
// queued) and sends it over a netlink socket in the namespace.
func (d *Driver) run(ctx context.Context, fill func(*nftables.Conn, *nftables.Table) int) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("nft: not applied: %w", err)
	}
	// The socket is opened by Flush, after fill has counted the messages.
	msgs := 0
	deadline, hasDeadline := ctx.Deadline()
	c, done, err := d.conn(nftables.WithSockOptions(func(nc *netlink.Conn) error {
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
	if err != nil {
		return err
	}
	defer done()
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

// fingerprint reads our table from the kernel: one entry per chain (its
// hook and rules) and per set (its elements), without handles; a missing
// table is the single entry "table".
func (d *Driver) fingerprint() (map[string]string, error) {
	c, done, err := d.conn(nftables.WithSockOptions(func(nc *netlink.Conn) error {
		setBuf(nc, unix.SO_RCVBUFFORCE, 16<<20)
		return nil
	}))
	if err != nil {
		return nil, err
	}
	defer done()
	tables, err := c.ListTablesOfFamily(nftables.TableFamilyINet)
	if err != nil {
		return nil, err
	}
	found := false
	for _, tb := range tables {
		found = found || tb.Name == d.name()
	}
	if !found {
		return map[string]string{"table": "missing"}, nil
	}
	t := d.table()
	fp := map[string]string{"table": "present"}
	chains, err := c.ListChainsOfTableFamily(nftables.TableFamilyINet)
	if err != nil {
		return nil, err
	}
	for _, ch := range chains {
		if ch.Table.Name != t.Name {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "type=%v hook=%v prio=%v", ch.Type, deref(ch.Hooknum), deref(ch.Priority))
		if ch.Policy != nil {
			fmt.Fprintf(&b, " policy=%v", *ch.Policy)
		}
		rules, err := c.GetRules(t, ch)
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			b.WriteString("\nrule")
			for _, e := range r.Exprs {
				fmt.Fprintf(&b, " %T%+v", e, e)
			}
			fmt.Fprintf(&b, " ud=%x", r.UserData)
		}
		fp["chain "+ch.Name] = b.String()
	}
	sets, err := c.GetSets(t)
	if err != nil {
		return nil, err
	}
	for _, set := range sets {
		var b strings.Builder
		fmt.Fprintf(&b, "key=%s data=%s interval=%v map=%v const=%v", set.KeyType.Name, set.DataType.Name, set.Interval, set.IsMap, set.Constant)
		elems, err := c.GetSetElements(set)
		if err != nil {
			return nil, err
		}
		lines := make([]string, len(elems))
		for i, e := range elems {
			v := ""
			if e.VerdictData != nil {
				v = fmt.Sprintf("%d:%s", e.VerdictData.Kind, e.VerdictData.Chain)
			}
			lines[i] = fmt.Sprintf("%x-%x end=%v val=%x v=%s c=%q", e.Key, e.KeyEnd, e.IntervalEnd, e.Val, v, e.Comment)
		}
		slices.Sort(lines)
		for _, l := range lines {
			b.WriteString("\n" + l)
		}
		fp["set "+set.Name] = b.String()
	}
	return fp, nil
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// diff names the entries of two fingerprints that differ ("" when none):
// "chain forward changed, set ilo missing, chain x added".
func diff(was, now map[string]string) string {
	var out []string
	for _, k := range slices.Sorted(mapKeys(was)) {
		v, ok := now[k]
		switch {
		case k == "table" && v != was[k]:
			out = append(out, "table "+v)
		case !ok:
			out = append(out, k+" missing")
		case v != was[k]:
			out = append(out, k+" changed")
		}
	}
	for _, k := range slices.Sorted(mapKeys(now)) {
		if _, ok := was[k]; !ok && k != "table" {
			out = append(out, k+" added")
		}
	}
	if len(out) > 0 && now["table"] == "missing" {
		return "table missing"
	}
	return strings.Join(out, ", ")
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
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

// family is what the rules need of an address family: its nfproto and
// the offsets and length of the addresses in its network header.
type family struct {
	nfproto  byte
	src, dst uint32
	len      uint32
	keyType  nftables.SetDatatype
	suffix   string // of set names: "" for IPv4, "6" for IPv6
}

var (
	ipv4 = family{unix.NFPROTO_IPV4, 12, 16, 4, nftables.TypeIPAddr, ""}
	ipv6 = family{unix.NFPROTO_IPV6, 8, 24, 16, nftables.TypeIP6Addr, "6"}
)

func familyOf(a netip.Addr) family {
	if a.Is4() {
		return ipv4
	}
	return ipv6
}

// match matches the packet's family.
func (f family) match() []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{f.nfproto}},
	}
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

	// 1. iLO / IPMI: what goes to the iLO is checked on every packet;
	// from the iLO only replies.
	managed := map[netip.Addr]bool{}
	var ilos []netip.Addr
	for _, a := range s.ILOAddrs {
		if a.IsValid() && !managed[a] {
			managed[a] = true
			ilos = append(ilos, a)
		}
	}
	seenOpen := map[firewall.ILOOpening]bool{}
	for _, o := range s.ILOOpen {
		if !managed[o.ILO] || !o.Remote.IsValid() || o.Remote.Is4() != o.ILO.Is4() || seenOpen[o] {
			continue
		}
		seenOpen[o] = true
		f := familyOf(o.ILO)
		for _, p := range firewall.ILOPorts {
			add(fwd, nil, concat(f.match(), addrEq(f, f.src, o.Remote), addrEq(f, f.dst, o.ILO), l4proto(p.Protocol),
				portMatch(2, firewall.PortRange{Lo: p.Port, Hi: p.Port}), verdict(expr.VerdictAccept))...)
			add(fwd, nil, concat(f.match(), addrEq(f, f.src, o.ILO), addrEq(f, f.dst, o.Remote), l4proto(p.Protocol),
				portMatch(0, firewall.PortRange{Lo: p.Port, Hi: p.Port}), ctEstablished(), verdict(expr.VerdictAccept))...)
		}
	}
	for _, f := range []family{ipv4, ipv6} {
		var elems []nftables.SetElement
		for _, a := range ilos {
			if familyOf(a) == f {
				elems = append(elems, nftables.SetElement{Key: a.AsSlice()})
			}
		}
		if len(elems) == 0 {
			continue
		}
		set := &nftables.Set{Table: t, Name: "ilo" + f.suffix, KeyType: f.keyType}
		msgs += addSet(c, set, elems)
		add(fwd, nil, concat(f.match(), lookup(f, f.dst, set, false), verdict(expr.VerdictDrop))...)
		add(fwd, nil, concat(f.match(), lookup(f, f.src, set, false), verdict(expr.VerdictDrop))...)
	}

	// 2. Connections already accepted.
	add(fwd, nil, concat(ctEstablished(), verdict(expr.VerdictAccept))...)

	// 3 and 4. Dispatch to the rulesets' chains. An address belongs to the
	// first enabled ruleset that holds it, as in State.Verdict.
	segs := map[family][]segment{ipv4: owners(s, ipv4), ipv6: owners(s, ipv6)}
	used := map[int]bool{}
	for _, list := range segs {
		for _, sg := range list {
			used[sg.n] = true
		}
	}
	chains := 1
	for n, rs := range s.Rulesets {
		if !used[n] {
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
	for _, dir := range []string{"out", "in"} {
		for _, f := range []family{ipv4, ipv6} {
			list := segs[f]
			if len(list) == 0 {
				continue
			}
			// One hash map per prefix length (no interval map: an
			// rbtree lookup racing a commit was seen to miss, and a
			// miss lets the packet through). The prefixes are disjoint,
			// so at most one map holds a packet's address.
			jump := fmt.Sprintf("rs%%d_%s", dir)
			byLen := map[int][]nftables.SetElement{}
			for _, sg := range list {
				for _, p := range cidrs(sg.lo, sg.hi) {
					byLen[p.Bits()] = append(byLen[p.Bits()], nftables.SetElement{Key: p.Addr().AsSlice(),
						Comment:     comment(s.Rulesets[sg.n].ID),
						VerdictData: &expr.Verdict{Kind: expr.VerdictJump, Chain: fmt.Sprintf(jump, sg.n)}})
				}
			}
			lens := slices.Sorted(maps.Keys(byLen))
			slices.Reverse(lens) // the servers' own addresses first
			off := f.src
			if dir == "in" {
				off = f.dst
			}
			for _, bits := range lens {
				name := "dispatch" + f.suffix + "_" + dir
				if bits != int(f.len)*8 {
					name += "_" + strconv.Itoa(bits)
				}
				m := &nftables.Set{Table: t, Name: name, IsMap: true, KeyType: f.keyType, DataType: nftables.TypeVerdict}
				msgs += addSet(c, m, byLen[bits])
				add(fwd, nil, concat(f.match(), maskedLookup(f, off, bits, m))...)
			}
		}
	}
	return msgs + chains
}

// segment is a range of addresses lo..hi that ruleset n owns.
type segment struct {
	lo, hi netip.Addr
	n      int
}

// owners returns the disjoint, ordered ranges of addresses of family f
// held by the enabled rulesets of s, each with the first enabled ruleset
// that holds it. Adjacent ranges are not merged, so a listing shows each
// server address as itself. Prefixes are
// nested or disjoint, so a walk in address order with a stack of the
// prefixes around the current address finds them.
func owners(s firewall.State, f family) []segment {
	type item struct {
		p netip.Prefix
		n int
	}
	var items []item
	for n, rs := range s.Rulesets {
		if !rs.Enabled {
			continue
		}
		for _, p := range rs.Servers {
			if p.IsValid() && familyOf(p.Addr()) == f {
				items = append(items, item{p.Masked(), n})
			}
		}
	}
	slices.SortFunc(items, func(a, b item) int {
		return cmp.Or(a.p.Addr().Compare(b.p.Addr()), cmp.Compare(a.p.Bits(), b.p.Bits()), cmp.Compare(a.n, b.n))
	})
	var segs []segment
	emit := func(lo, hi netip.Addr, n int) {
		if !lo.IsValid() || !hi.IsValid() || lo.Compare(hi) > 0 {
			return
		}
		segs = append(segs, segment{lo, hi, n})
	}
	type open struct {
		hi    netip.Addr
		owner int
	}
	var stack []open
	var pos netip.Addr // the first address not yet assigned
	closeBefore := func(a netip.Addr, all bool) {
		for len(stack) > 0 {
			top := stack[len(stack)-1]
			if !all && top.hi.Compare(a) >= 0 {
				return
			}
			emit(pos, top.hi, top.owner)
			pos = top.hi.Next()
			stack = stack[:len(stack)-1]
		}
	}
	for _, it := range items {
		lo := it.p.Addr()
		closeBefore(lo, false)
		owner := it.n
		if k := len(stack) - 1; k >= 0 {
			emit(pos, lo.Prev(), stack[k].owner)
			owner = min(owner, stack[k].owner)
		}
		pos = lo
		stack = append(stack, open{lastAddr(it.p), owner})
	}
	closeBefore(netip.Addr{}, true)
	return segs
}

// lastAddr is the last address of the masked prefix p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
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

// lookup matches the network header's address of family f at off against
// the elements of set s; with vmap, s is a verdict map and the rule takes
// the element's verdict. The caller matches the family first.
func lookup(f family, off uint32, s *nftables.Set, vmap bool) []expr.Any {
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: f.len},
		&expr.Lookup{SourceRegister: 1, SetName: s.Name, SetID: s.ID, DestRegister: 0, IsDestRegSet: vmap},
	}
}

// maskedLookup is lookup of the address's first bits bits in the verdict
// map s.
func maskedLookup(f family, off uint32, bits int, s *nftables.Set) []expr.Any {
	e := []expr.Any{&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: f.len}}
	if bits < int(f.len)*8 {
		mask := make([]byte, f.len)
		for i := 0; i < bits; i++ {
			mask[i/8] |= 0x80 >> (i % 8)
		}
		e = append(e, &expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: f.len, Mask: mask, Xor: make([]byte, f.len)})
	}
	return append(e, &expr.Lookup{SourceRegister: 1, SetName: s.Name, SetID: s.ID, IsDestRegSet: true})
}

// cidrs returns the fewest prefixes that cover exactly the addresses from
// lo to hi, in address order.
func cidrs(lo, hi netip.Addr) []netip.Prefix {
	var out []netip.Prefix
	for lo.IsValid() && lo.Compare(hi) <= 0 {
		bits := lo.BitLen()
		for bits > 0 {
			p := netip.PrefixFrom(lo, bits-1)
			if p.Masked().Addr() != lo || lastAddr(p.Masked()).Compare(hi) > 0 {
				break
			}
			bits--
		}
		p := netip.PrefixFrom(lo, bits)
		out = append(out, p)
		lo = lastAddr(p).Next() // invalid past the last address
	}
	return out
}

// ctEstablished matches packets of connections already seen both ways
// (ct state established,related).
func ctEstablished() []expr.Any {
	return []expr.Any{
		&expr.Ct{Register: 1, Key: expr.CtKeySTATE},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4,
			Mask: binaryutilNative(expr.CtStateBitESTABLISHED | expr.CtStateBitRELATED), Xor: make([]byte, 4)},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: make([]byte, 4)},
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
	if !r.Src.IsValid() || !r.Dst.IsValid() {
		return nil // PrefixMatches is false for every address
	}
	// A /0 matches both families; other prefixes their own.
	var fam *family
	for _, p := range []netip.Prefix{r.Src, r.Dst} {
		if p.Bits() == 0 {
			continue
		}
		f := familyOf(p.Addr())
		if fam != nil && *fam != f {
			return nil // no packet has a source and a destination of different families
		}
		fam = &f
	}
	var base []expr.Any
	if fam != nil {
		base = fam.match()
		base = append(base, prefixMatch(*fam, fam.src, r.Src.Masked())...)
		base = append(base, prefixMatch(*fam, fam.dst, r.Dst.Masked())...)
	}
	ports := !r.SrcPorts.Any() || !r.DstPorts.Any()
	if !ports {
		if r.Protocol == firewall.AnyProtocol {
			return [][]expr.Any{base}
		}
		return [][]expr.Any{concat(base, l4proto(uint8(r.Protocol)))}
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
		m := concat(base, l4proto(p))
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

// addrEq matches the address of family f at off against a.
func addrEq(f family, off uint32, a netip.Addr) []expr.Any {
	return prefixMatch(f, off, netip.PrefixFrom(a, a.BitLen()))
}

// prefixMatch matches the address of family f at off (f.src, f.dst)
// against the masked prefix p; nothing for /0.
func prefixMatch(f family, off uint32, p netip.Prefix) []expr.Any {
	if p.Bits() == 0 {
		return nil
	}
	e := []expr.Any{&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: f.len}}
	if p.Bits() < p.Addr().BitLen() {
		mask := make([]byte, f.len)
		for i := 0; i < p.Bits(); i++ {
			mask[i/8] |= 0x80 >> (i % 8)
		}
		e = append(e, &expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: f.len, Mask: mask, Xor: make([]byte, f.len)})
	}
	return append(e, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: p.Addr().AsSlice()})
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
