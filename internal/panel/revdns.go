package panel

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The rev-dns module: PTR records of the customer's subnetworks.
//
// # Subnetworks
//
// A customer's subnetworks are the subnetworks in the details of its
// services: additional-ip "subnetworks", dedicated and colocation
// "network_configuration.subnetworks" (id, ip, mask, mask_short, type). A
// subnetwork id that appears more than once counts once (the service with
// the lowest id wins); the list is ordered by subnetwork id. A subnetwork id
// the customer does not hold (missing, or another customer's) answers
// authorization-failed, the one code the documentation gives.
//
// The network is ip with the prefix length of mask_short ("/29"), or of
// mask when mask_short is empty; host bits in ip are ignored. A subnetwork
// that cannot be parsed, an IPv4 one shorter than /16 or an IPv6 one shorter
// than /16 is listed with no subclasses (it cannot be configured).
//
// # Subclasses, prefix and origin
//
// IPv4: one subclass per /24 ("class C") the subnetwork overlaps: a
// subnetwork inside one /24 (/24 to /32) has one subclass, a /22 has four,
// a /16 256. The subclass is named by its /24 prefix, the first three octets:
// "123.123.124". prefix is the same ("123.123.124"); origin is the last
// octet in decimal ("5", no leading zeros); the address is prefix + "." +
// origin ("123.123.124.5"); the /24 in CIDR notation ("123.123.124.0/24")
// is accepted as dns_subclass too. The subclass is served in the reverse zone of
// the /24: "124.123.123.in-addr.arpa" (a zone shared by every subnetwork in
// that /24, whichever customer holds it).
//
// IPv6: one subclass per subnetwork: its nibble zone, the subnetwork with
// the prefix length rounded down to a multiple of 4 (a /64 is the /64, a
// /56 the /56, a /62 the /60). It is named by that network in CIDR notation
// as net/netip writes it (RFC 5952): "2a01:1234:5678::/64",
// "2a01:1234:5678:1200::/56"; any spelling of the same network is accepted
// as dns_subclass. prefix is the subclass's constant 16-bit groups, in
// lower-case hex without leading zeros and without "::" compression (at
// most 7 groups): "2a01:1234:5678:0" for the /64, "2a01:1234:5678" for the
// /56 and for a /48. origin is the remaining groups in the same form,
// "0:0:0:1" for the /64 (4 groups), "1200:0:0:0:1" for the /56 (5 groups);
// in requests "::" may stand for one or more zero groups ("::1") and groups
// may have leading zeros. The address is prefix + ":" + origin, shown as
// net/netip writes it ("2a01:1234:5678::1"). The subclass is served in its
// nibble zone, "0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa" for
// 2a01:1234:5678::/64. Groups rather than nibbles make the prefix and the
// origin: an IPv6 address is written in groups, so prefix + ":" + origin is
// always a valid address, as the documentation requires; when the zone ends
// inside a group (a /56) the constant nibbles of that group are part of the
// origin and checked like the rest.
//
// Only addresses inside the customer's subnetwork may be edited, not the
// whole /24 or group range: any other origin is a warning invalid-origin.
//
// # Records and serials
//
// A PTR value is a host name, stored and shown like a zone's domain
// (NormalizeDomain: lower case, A-labels, no trailing dot; a trailing dot
// is accepted). A subclass holds at most MaxSubclassPTRs records.
//
// Each subclass of each customer's subnetwork has its own serial (0 until
// the first change), date-based like a zone's (NextZoneSerial). /rev-dns/edit
// applies the changes only when the serial sent is the current one
// (invalid-serial otherwise, nothing changes; of concurrent edits with one
// serial exactly one succeeds), and the serial grows only when the records
// changed. Every change also raises the SOA serial of the reverse zone
// (store.ReverseZone: max(zone serial + 1, subclass serial)), which the
// DNS server serves; it is told the zone's name (Panel.Zones).
//
// /rev-dns/edit takes ptr_records[N][origin|ptr|delete] and applies them in
// the order sent: delete = "delete" removes the PTR of origin (nothing
// happens when there is none), anything else sets it to ptr. A record that
// cannot be applied is left as it was and reported in warnings: code
// invalid-origin for an origin that is not a valid host part of the subclass
// or is outside the subnetwork, incorrect-param-value for a missing or
// invalid ptr (or a full subclass); task is "edit" or "delete", address the
// full address when origin could be read ("" otherwise).
//
// # Serving
//
// The DNS server serves every reverse zone of store.PTRsAll with its serial
// and the records RevDNSServable keeps (ServedReverseZones,
// ServedReverseZone): records whose customer no longer holds the
// subnetwork, whose subclass is no longer the subnetwork's, or whose address
// is outside it stay stored but are not served; of two customers' records
// of one address (overlapping subnetworks in the operator's data) the lower
// customer id's is served.

// Limits of the rev-dns module.
const (
	// MaxSubclassPTRs bounds the PTR records of one subclass.
	MaxSubclassPTRs = 4096
	// MinIPv4SubnetBits and MinIPv6SubnetBits are the shortest prefixes
	// of subnetworks that can be configured.
	MinIPv4SubnetBits = 16
	MinIPv6SubnetBits = 16
)

// RevDNSSubclass is a configuration subclass of a subnetwork.
type RevDNSSubclass struct {
	// Name is the element of dns_subclasses.
	Name string
	// Prefix is the constant part of the subclass's addresses.
	Prefix string
	// Zone is the reverse zone the subclass is served in (lower case, no
	// trailing dot).
	Zone string
	// Range is what the subclass spans: the /24, or the nibble zone.
	Range netip.Prefix
	// Subnet is the customer's subnetwork: the addresses that may be
	// edited are in it.
	Subnet netip.Prefix
}

// IsIPv4 reports whether the subclass is of IPv4 addresses.
func (sc RevDNSSubclass) IsIPv4() bool { return sc.Range.Addr().Is4() }

// Type is the subclass's type as the API spells it: "IPv4" or "IPv6".
func (sc RevDNSSubclass) Type() string {
	if sc.IsIPv4() {
		return "IPv4"
	}
	return "IPv6"
}

// prefixGroups is the number of IPv6 16-bit groups in Prefix.
func (sc RevDNSSubclass) prefixGroups() int { return min(sc.Range.Bits()/16, 7) }

// Origin returns the origin of an address of the subclass.
func (sc RevDNSSubclass) Origin(a netip.Addr) string {
	if sc.IsIPv4() {
		return strconv.Itoa(int(a.As4()[3]))
	}
	return hexGroups(a)[sc.prefixGroups():].String()
}

// Address returns the address of origin in the subclass (not checked
// against the subnetwork: see Editable). The error says what is wrong.
func (sc RevDNSSubclass) Address(origin string) (netip.Addr, error) {
	o := strings.TrimSpace(origin)
	if sc.IsIPv4() {
		n, err := strconv.ParseUint(o, 10, 8)
		if err != nil || (len(o) > 1 && o[0] == '0') {
			return netip.Addr{}, fmt.Errorf("origin %q: want the last octet of the address, a number from 0 to 255", origin)
		}
		b := sc.Range.Addr().As4()
		b[3] = byte(n)
		return netip.AddrFrom4(b), nil
	}
	g := sc.prefixGroups()
	host, err := parseGroups(o, 8-g)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("origin %q: %v", origin, err)
	}
	groups := hexGroups(sc.Range.Addr())
	copy(groups[g:], host)
	var b [16]byte
	for i, v := range groups {
		b[2*i], b[2*i+1] = byte(v>>8), byte(v)
	}
	return netip.AddrFrom16(b), nil
}

// Editable reports whether the address may be given a PTR record: it is
// inside the customer's subnetwork and the subclass.
func (sc RevDNSSubclass) Editable(a netip.Addr) bool {
	return sc.Subnet.Contains(a) && sc.Range.Contains(a)
}

// groups are the 16-bit groups of an IPv6 address or of a part of one.
type groups []uint16

func (g groups) String() string {
	parts := make([]string, len(g))
	for i, v := range g {
		parts[i] = strconv.FormatUint(uint64(v), 16)
	}
	return strings.Join(parts, ":")
}

func hexGroups(a netip.Addr) groups {
	b := a.As16()
	g := make(groups, 8)
	for i := range g {
		g[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return g
}

// parseGroups reads k 16-bit groups of 1 to 4 hex digits separated by
// colons; one "::" may stand for one or more zero groups.
func parseGroups(s string, k int) (groups, error) {
	want := func() error {
		return fmt.Errorf("want the last %d groups of the address (like %s; \"::\" may stand for zero groups)", k,
			strings.Repeat("0:", k-1)+"1")
	}
	split := func(s string) (groups, bool) {
		if s == "" {
			return nil, true
		}
		var out groups
		for _, p := range strings.Split(s, ":") {
			if len(p) < 1 || len(p) > 4 {
				return nil, false
			}
			v, err := strconv.ParseUint(p, 16, 16)
			if err != nil {
				return nil, false
			}
			out = append(out, uint16(v))
		}
		return out, true
	}
	if s == "" || strings.Count(s, "::") > 1 {
		return nil, want()
	}
	if left, right, ok := strings.Cut(s, "::"); ok {
		l, okL := split(left)
		r, okR := split(right)
		if !okL || !okR || len(l)+len(r) >= k {
			return nil, want()
		}
		out := make(groups, k)
		copy(out, l)
		copy(out[k-len(r):], r)
		return out, nil
	}
	out, ok := split(s)
	if !ok || len(out) != k {
		return nil, want()
	}
	return out, nil
}

// ParseSubnetwork returns the network of a subnetwork: ip with the prefix
// length of mask_short, or of mask when mask_short is empty, host bits
// cleared.
func ParseSubnetwork(sn artnet.Subnetwork) (netip.Prefix, error) {
	ip, err := netip.ParseAddr(strings.TrimSpace(sn.IP))
	if err != nil || ip.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("subnetwork %d: ip %q is not an IP address", sn.ID, sn.IP)
	}
	ip = ip.Unmap()
	bits := -1
	if ms := strings.TrimPrefix(strings.TrimSpace(sn.MaskShort), "/"); ms != "" {
		n, err := strconv.Atoi(ms)
		if err != nil || n < 0 || n > ip.BitLen() {
			return netip.Prefix{}, fmt.Errorf("subnetwork %d: mask_short %q is not a prefix length", sn.ID, sn.MaskShort)
		}
		bits = n
	} else {
		m, err := netip.ParseAddr(strings.TrimSpace(sn.Mask))
		if err != nil || m.Unmap().BitLen() != ip.BitLen() {
			return netip.Prefix{}, fmt.Errorf("subnetwork %d: mask %q is not a mask", sn.ID, sn.Mask)
		}
		if bits = maskBits(m.Unmap().AsSlice()); bits < 0 {
			return netip.Prefix{}, fmt.Errorf("subnetwork %d: mask %q is not contiguous", sn.ID, sn.Mask)
		}
	}
	return netip.PrefixFrom(ip, bits).Masked(), nil
}

// maskBits returns the number of leading one bits of a contiguous mask,
// or -1.
func maskBits(b []byte) int {
	n, zero := 0, false
	for _, x := range b {
		for bit := 7; bit >= 0; bit-- {
			if x&(1<<bit) != 0 {
				if zero {
					return -1
				}
				n++
			} else {
				zero = true
			}
		}
	}
	return n
}

// RevDNSSubclasses returns the configuration subclasses of a subnetwork,
// in address order (see the module's documentation above). It fails for a
// subnetwork that cannot be parsed or is too large to be configured.
func RevDNSSubclasses(sn artnet.Subnetwork) ([]RevDNSSubclass, error) {
	p, err := ParseSubnetwork(sn)
	if err != nil {
		return nil, err
	}
	if p.Addr().Is4() {
		if p.Bits() < MinIPv4SubnetBits {
			return nil, fmt.Errorf("subnetwork %d: an IPv4 subnetwork shorter than /%d cannot be configured", sn.ID, MinIPv4SubnetBits)
		}
		first := netip.PrefixFrom(p.Addr(), min(p.Bits(), 24)).Masked()
		n := 1 << max(0, 24-p.Bits())
		out := make([]RevDNSSubclass, 0, n)
		b := first.Addr().As4()
		for i := range n {
			c := uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]) + uint32(i)
			a := netip.AddrFrom4([4]byte{byte(c >> 16), byte(c >> 8), byte(c), 0})
			name := fmt.Sprintf("%d.%d.%d", byte(c>>16), byte(c>>8), byte(c))
			out = append(out, RevDNSSubclass{
				Name: name, Prefix: name,
				Zone:   fmt.Sprintf("%d.%d.%d.in-addr.arpa", byte(c), byte(c>>8), byte(c>>16)),
				Range:  netip.PrefixFrom(a, 24),
				Subnet: p,
			})
		}
		return out, nil
	}
	if p.Bits() < MinIPv6SubnetBits {
		return nil, fmt.Errorf("subnetwork %d: an IPv6 subnetwork shorter than /%d cannot be configured", sn.ID, MinIPv6SubnetBits)
	}
	r := netip.PrefixFrom(p.Addr(), p.Bits()&^3).Masked()
	sc := RevDNSSubclass{Name: r.String(), Zone: ReverseZoneName(r), Range: r, Subnet: p}
	sc.Prefix = hexGroups(r.Addr())[:sc.prefixGroups()].String()
	return []RevDNSSubclass{sc}, nil
}

// ReverseZoneName returns the reverse zone of a network whose prefix
// length is a multiple of 8 (IPv4, in-addr.arpa) or 4 (IPv6, ip6.arpa),
// lower case, without the trailing dot: "124.123.123.in-addr.arpa".
func ReverseZoneName(p netip.Prefix) string {
	return reverseName(p.Addr(), p.Bits())
}

// ReversePTRName returns the owner name of the PTR record of an address,
// without the trailing dot: "5.124.123.123.in-addr.arpa".
func ReversePTRName(a netip.Addr) string {
	return reverseName(a, a.BitLen())
}

func reverseName(a netip.Addr, bits int) string {
	var labels []string
	if a.Is4() {
		b := a.As4()
		for i := bits/8 - 1; i >= 0; i-- {
			labels = append(labels, strconv.Itoa(int(b[i])))
		}
		return strings.Join(append(labels, "in-addr", "arpa"), ".")
	}
	b := a.As16()
	for i := bits/4 - 1; i >= 0; i-- {
		nib := b[i/2] >> 4
		if i%2 == 1 {
			nib = b[i/2] & 0xf
		}
		labels = append(labels, strconv.FormatUint(uint64(nib), 16))
	}
	return strings.Join(append(labels, "ip6", "arpa"), ".")
}

// revDNSServiceTypes are the service types whose details carry subnetworks.
var revDNSServiceTypes = []string{artnet.ServiceTypeAdditionalIP, artnet.ServiceTypeDedicated, artnet.ServiceTypeColocation}

// customerSubnetworks returns the customer's subnetworks, ordered by id,
// each id once (the service with the lowest id wins).
func customerSubnetworks(ctx context.Context, st store.Store, customerID int64) ([]artnet.Subnetwork, error) {
	type found struct {
		sn      artnet.Subnetwork
		service int64
	}
	byID := make(map[int64]found)
	for _, typ := range revDNSServiceTypes {
		svcs, err := st.ServiceList(ctx, store.ServiceFilter{CustomerID: customerID, Type: typ})
		if err != nil {
			return nil, err
		}
		for _, s := range svcs {
			d, err := DecodeDetails(s)
			if err != nil {
				return nil, err
			}
			var list []artnet.Subnetwork
			switch d := d.(type) {
			case *artnet.AdditionalIPDetails:
				list = d.Subnetworks
			case *artnet.DedicatedDetails:
				list = d.NetworkConfiguration.Subnetworks
			case *artnet.ColocationDetails:
				list = d.NetworkConfiguration.Subnetworks
			}
			for _, sn := range list {
				if f, ok := byID[sn.ID]; !ok || s.ID < f.service {
					byID[sn.ID] = found{sn, s.ID}
				}
			}
		}
	}
	out := make([]artnet.Subnetwork, 0, len(byID))
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		out = append(out, byID[id].sn)
	}
	return out, nil
}

// RevDNSList returns the customer's subnetworks with their subclasses
// (/rev-dns/list).
func (p *Panel) RevDNSList(ctx context.Context, customerID int64) ([]artnet.RevDNSSubnetwork, error) {
	list, err := customerSubnetworks(ctx, p.Store, customerID)
	if err != nil {
		return nil, apperr.Internal(apperr.CodeInternal, err)
	}
	out := make([]artnet.RevDNSSubnetwork, len(list))
	for i, sn := range list {
		names := []string{}
		if subs, err := RevDNSSubclasses(sn); err == nil {
			for _, sc := range subs {
				names = append(names, sc.Name)
			}
		}
		out[i] = artnet.RevDNSSubnetwork{ID: sn.ID, IP: sn.IP, Mask: sn.Mask, MaskShort: sn.MaskShort,
			Type: sn.Type, DNSSubclasses: names}
	}
	return out, nil
}

// revDNSSubclass returns the subclass named name of the customer's
// subnetwork: authorization-failed when the customer has no such
// subnetwork, invalid-subclass when it has no such subclass.
func revDNSSubclass(ctx context.Context, st store.Store, customerID, subnetworkID int64, name string) (RevDNSSubclass, error) {
	list, err := customerSubnetworks(ctx, st, customerID)
	if err != nil {
		return RevDNSSubclass{}, err
	}
	i := slices.IndexFunc(list, func(sn artnet.Subnetwork) bool { return sn.ID == subnetworkID })
	if i < 0 || subnetworkID == 0 {
		return RevDNSSubclass{}, apperr.New(apperr.CodeAuthorizationFailed)
	}
	subs, _ := RevDNSSubclasses(list[i])
	name = strings.TrimSpace(name)
	asPrefix, perr := netip.ParsePrefix(name)
	for _, sc := range subs {
		if sc.Name == name || (perr == nil && asPrefix == sc.Range) {
			return sc, nil
		}
	}
	return RevDNSSubclass{}, apperr.Errorf(apperr.CodeInvalidSubclass, "%q is not one of the subnetwork's dns_subclasses", name)
}

// subclassState reads the serial and the records of the customer's
// subclass (serial 0 and no records when it has never been written).
func subclassState(ctx context.Context, st store.Store, customerID, subnetworkID int64, sc RevDNSSubclass) (int64, []store.PTRRecord, error) {
	cur, err := st.PTRSubclassGet(ctx, customerID, subnetworkID, sc.Name)
	if errors.Is(err, store.ErrNotFound) {
		cur.Serial, err = 0, nil
	}
	if err != nil {
		return 0, nil, err
	}
	recs, err := st.PTRList(ctx, customerID, subnetworkID, sc.Name)
	if err != nil {
		return 0, nil, err
	}
	return cur.Serial, recs, nil
}

// RevDNSDetails returns the serial and the PTR records of a subclass of
// the customer's subnetwork (/rev-dns/details), records in address order.
// Errors: authorization-failed (no such subnetwork of the customer),
// invalid-subclass.
func (p *Panel) RevDNSDetails(ctx context.Context, customerID, subnetworkID int64, subclass string) (artnet.RevDNSSubclass, error) {
	var sc RevDNSSubclass
	var serial int64
	var recs []store.PTRRecord
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		if sc, err = revDNSSubclass(ctx, tx, customerID, subnetworkID, subclass); err != nil {
			return err
		}
		serial, recs, err = subclassState(ctx, tx, customerID, subnetworkID, sc)
		return err
	})
	if err != nil {
		return artnet.RevDNSSubclass{}, dnsError(err, apperr.CodeInternal)
	}
	type rec struct {
		addr netip.Addr
		ptr  string
	}
	list := make([]rec, 0, len(recs))
	for _, r := range recs {
		if a, err := netip.ParseAddr(r.Address); err == nil && sc.Range.Contains(a) {
			list = append(list, rec{a, r.PTR})
		}
	}
	slices.SortFunc(list, func(a, b rec) int { return a.addr.Compare(b.addr) })
	out := artnet.RevDNSSubclass{Serial: serial, Type: sc.Type(), Prefix: sc.Prefix, PTRRecords: make([]artnet.PTRRecord, len(list))}
	for i, r := range list {
		out.PTRRecords[i] = artnet.PTRRecord{Origin: sc.Origin(r.addr), PTR: r.ptr, Address: r.addr.String()}
	}
	return out, nil
}

// PTRInput is one element of ptr_records of /rev-dns/edit as sent.
type PTRInput struct {
	// Key is N of ptr_records[N].
	Key    string
	Origin string
	PTR    string
	// Delete is set when delete was "delete".
	Delete bool
}

// RevDNSEdit applies changes of PTR records to a subclass of the
// customer's subnetwork (/rev-dns/edit) when serial is the subclass's
// current serial, in one transaction. Errors (nothing changes):
// authorization-failed, invalid-subclass, invalid-serial. Records that
// cannot be applied are left as they were and returned as warnings (never
// nil). The serial becomes NextZoneSerial only when the records changed;
// the reverse zone is then announced to Panel.Zones.
func (p *Panel) RevDNSEdit(ctx context.Context, customerID, subnetworkID int64, subclass string, serial int64, records []PTRInput) ([]artnet.RevDNSWarning, error) {
	var sc RevDNSSubclass
	var warnings []artnet.RevDNSWarning
	changed := false
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		warnings, changed = []artnet.RevDNSWarning{}, false
		var err error
		if sc, err = revDNSSubclass(ctx, tx, customerID, subnetworkID, subclass); err != nil {
			return err
		}
		cur, recs, err := subclassState(ctx, tx, customerID, subnetworkID, sc)
		if err != nil {
			return err
		}
		if serial != cur {
			return apperr.New(apperr.CodeInvalidSerial)
		}
		before := make(map[string]string, len(recs))
		for _, r := range recs {
			before[r.Address] = r.PTR
		}
		after := maps.Clone(before)
		for _, in := range records {
			if w, ok := applyPTR(sc, after, in); !ok {
				warnings = append(warnings, w)
			}
		}
		if maps.Equal(before, after) {
			return nil
		}
		changed = true
		out := make([]store.PTRRecord, 0, len(after))
		for _, a := range slices.Sorted(maps.Keys(after)) {
			out = append(out, store.PTRRecord{Address: a, PTR: after[a]})
		}
		now := p.now()
		err = tx.PTRReplace(ctx, store.PTRReplaceParams{
			CustomerID: customerID, SubnetworkID: subnetworkID, Subclass: sc.Name, Zone: sc.Zone,
			ExpectSerial: cur, NewSerial: NextZoneSerial(cur, now), UpdatedAt: now.Unix(), Records: out,
		})
		if errors.Is(err, store.ErrStale) {
			return apperr.New(apperr.CodeInvalidSerial)
		}
		return err
	})
	if err != nil {
		return nil, dnsError(err, apperr.CodeInternalDNSError)
	}
	if changed {
		p.zonePublisher().ZoneChanged(ctx, sc.Zone)
	}
	return warnings, nil
}

// applyPTR applies one change to recs (canonical address → PTR) or
// returns the warning that says why it cannot be applied.
func applyPTR(sc RevDNSSubclass, recs map[string]string, in PTRInput) (artnet.RevDNSWarning, bool) {
	task := artnet.RevDNSTaskEdit
	if in.Delete {
		task = artnet.RevDNSTaskDelete
	}
	warn := func(addr, code, format string, args ...any) (artnet.RevDNSWarning, bool) {
		d := apperr.Describe(code, fmt.Sprintf(format, args...))
		return artnet.RevDNSWarning{Origin: in.Origin, Address: addr, Task: task, Code: code,
			Description: artnet.Description{PL: d.PL, EN: d.EN}}, false
	}
	a, err := sc.Address(in.Origin)
	if err != nil {
		return warn("", apperr.CodeInvalidOrigin, "%v", err)
	}
	addr := a.String()
	if !sc.Editable(a) {
		return warn(addr, apperr.CodeInvalidOrigin, "%s is outside the subnetwork %s", addr, sc.Subnet)
	}
	if in.Delete {
		delete(recs, addr)
		return artnet.RevDNSWarning{}, true
	}
	if strings.TrimSpace(in.PTR) == "" {
		return warn(addr, apperr.CodeIncorrectParamValue, "ptr: missing (send delete=delete to remove the record)")
	}
	ptr, err := NormalizeDomain(in.PTR)
	if err != nil {
		return warn(addr, apperr.CodeIncorrectParamValue, "ptr: %v", err)
	}
	if _, ok := recs[addr]; !ok && len(recs) >= MaxSubclassPTRs {
		return warn(addr, apperr.CodeIncorrectParamValue, "a subclass holds at most %d PTR records", MaxSubclassPTRs)
	}
	recs[addr] = ptr
	return artnet.RevDNSWarning{}, true
}

// ServedPTR is a PTR record in the form a name server needs.
type ServedPTR struct {
	// Owner is the reverse name of the address, fully qualified, with the
	// trailing dot: "5.124.123.123.in-addr.arpa.".
	Owner string
	// Target is the host name, fully qualified, with the trailing dot.
	Target string
	// Address is the address (canonical text).
	Address string
}

// ServedReverseZone is a reverse zone as the name servers serve it: its
// SOA serial and the PTR records, ordered by address.
type ServedReverseZone struct {
	// Name is the zone's name, lower case, without the trailing dot.
	Name   string
	Serial int64
	PTRs   []ServedPTR
}

// ServedReverseZones returns every reverse zone with the PTR records that
// are to be served (RevDNSServable), for the DNS server.
func (p *Panel) ServedReverseZones(ctx context.Context) ([]ServedReverseZone, error) {
	all, err := p.Store.PTRsAll(ctx)
	if err != nil {
		return nil, err
	}
	return RevDNSServable(ctx, p.Store, all)
}

// ServedReverseZone returns one reverse zone (name lower case, without the
// trailing dot) as ServedReverseZones does; false when no PTR record was
// ever written in it.
func (p *Panel) ServedReverseZone(ctx context.Context, name string) (ServedReverseZone, bool, error) {
	z, err := p.Store.ReverseZoneGet(ctx, strings.TrimSuffix(strings.ToLower(name), "."))
	if errors.Is(err, store.ErrNotFound) {
		return ServedReverseZone{}, false, nil
	}
	if err != nil {
		return ServedReverseZone{}, false, err
	}
	out, err := RevDNSServable(ctx, p.Store, []store.ReverseZone{z})
	if err != nil {
		return ServedReverseZone{}, false, err
	}
	return out[0], true, nil
}

// RevDNSServable keeps of the stored records of zones those that are to be
// served: the customer still holds the subnetwork (its services' details
// say so), the subclass is still one of the subnetwork's and is served in
// the zone, and the address may be edited in it. Records of a subnetwork
// that was taken from the customer, moved or shrunk stay stored but are not
// served. When two customers' records name one address (overlapping
// subnetworks in the operator's data), the one of the lower customer id
// (then subnetwork id) is served.
func RevDNSServable(ctx context.Context, st store.Store, zones []store.ReverseZone) ([]ServedReverseZone, error) {
	type key struct {
		customer, subnetwork int64
		subclass             string
	}
	subnets := make(map[int64]map[int64]artnet.Subnetwork) // customer → id → subnetwork
	subclasses := make(map[key]*RevDNSSubclass)            // nil: not (or no longer) a subclass
	lookup := func(k key) (*RevDNSSubclass, error) {
		if sc, ok := subclasses[k]; ok {
			return sc, nil
		}
		held, ok := subnets[k.customer]
		if !ok {
			list, err := customerSubnetworks(ctx, st, k.customer)
			if err != nil {
				return nil, err
			}
			held = make(map[int64]artnet.Subnetwork, len(list))
			for _, sn := range list {
				held[sn.ID] = sn
			}
			subnets[k.customer] = held
		}
		var found *RevDNSSubclass
		if sn, ok := held[k.subnetwork]; ok {
			subs, _ := RevDNSSubclasses(sn)
			for i := range subs {
				if subs[i].Name == k.subclass {
					found = &subs[i]
				}
			}
		}
		subclasses[k] = found
		return found, nil
	}
	out := make([]ServedReverseZone, 0, len(zones))
	for _, z := range zones {
		sz := ServedReverseZone{Name: z.Name, Serial: z.Serial, PTRs: []ServedPTR{}}
		type rec struct {
			addr netip.Addr
			ptr  store.PTR
		}
		var recs []rec
		for _, r := range z.PTRs {
			sc, err := lookup(key{r.CustomerID, r.SubnetworkID, r.Subclass})
			if err != nil {
				return nil, err
			}
			a, err := netip.ParseAddr(r.Address)
			if sc == nil || sc.Zone != z.Name || err != nil || !sc.Editable(a) {
				continue
			}
			if _, err := NormalizeDomain(r.PTR); err != nil {
				continue
			}
			recs = append(recs, rec{a, r})
		}
		slices.SortStableFunc(recs, func(x, y rec) int {
			if c := x.addr.Compare(y.addr); c != 0 {
				return c
			}
			return cmp.Or(cmp.Compare(x.ptr.CustomerID, y.ptr.CustomerID), cmp.Compare(x.ptr.SubnetworkID, y.ptr.SubnetworkID))
		})
		for i, r := range recs {
			if i > 0 && recs[i-1].addr == r.addr {
				continue
			}
			sz.PTRs = append(sz.PTRs, ServedPTR{Owner: ReversePTRName(r.addr) + ".", Target: r.ptr.PTR + ".", Address: r.addr.String()})
		}
		out = append(out, sz)
	}
	return out, nil
}
