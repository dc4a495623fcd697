package dnsd

import (
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/dnssec"
)

// Zone is one hosted zone as handed to NewSnapshot.
type Zone struct {
	// Origin is the zone's apex, a fully qualified domain name
	// ("example.com."). NewSnapshot lower-cases it.
	Origin string
	// Records holds every record of the zone, including exactly one SOA at
	// the apex and the apex NS set. NewSnapshot takes ownership of the
	// records: it rewrites owner names to lower case (sharing one string per
	// name) and unifies the TTLs of an RRset; the caller must not change them
	// afterwards.
	Records []dns.RR
}

// Snapshot is an immutable, lookup-optimised view of every hosted zone.
// Build one with NewSnapshot and install it with Server.SetSnapshot; it is
// read concurrently without locks.
type Snapshot struct {
	zones   map[string]*zone // by lower-case origin
	records int
}

// zone is one validated zone inside a Snapshot.
type zone struct {
	origin string
	soa    *dns.SOA
	// negSOA is the SOA put in the authority section of negative answers:
	// a copy of soa whose TTL is min(SOA TTL, SOA MINIMUM) (RFC 2308 §3).
	negSOA *dns.SOA
	nodes  map[string]*node // every name of the zone, empty non-terminals included
	order  []*node          // names in load order, for zone transfers
	cuts   int              // number of delegation points (names below the apex owning NS)

	// DNSSEC, for a signed zone (one with RRSIG records at its apex):
	// nsec holds the names owning an NSEC, in canonical order (RFC 4034
	// §6.1), for the denial proofs; negSOASigs are the SOA's RRSIGs with
	// negSOA's TTL.
	signed     bool
	nsec       []*node
	negSOASigs []dns.RR
}

// node is one owner name and its RRsets.
type node struct {
	name string  // lower case, fully qualified
	sets []rrset // sorted by type; empty for an empty non-terminal
	cut  bool    // a delegation point: owns NS and is below the apex
}

// rrset is the records of one type at one name.
type rrset struct {
	typ uint16
	rrs []dns.RR
	// sigs are the RRSIGs covering the set (in a signed zone); they are
	// also in the node's RRSIG set, which zone transfers send.
	sigs []dns.RR
}

// get returns the RRset of type t at n, or nil.
func (n *node) get(t uint16) []dns.RR {
	for i := range n.sets {
		if n.sets[i].typ == t {
			return n.sets[i].rrs
		}
	}
	return nil
}

// getSet returns the RRset of type t at n, or nil.
func (n *node) getSet(t uint16) *rrset {
	for i := range n.sets {
		if n.sets[i].typ == t {
			return &n.sets[i]
		}
	}
	return nil
}

// EmptySnapshot returns a snapshot that hosts no zone: every query is
// REFUSED. A new Server starts with it.
func EmptySnapshot() *Snapshot {
	return &Snapshot{zones: map[string]*zone{}}
}

// NewSnapshot validates zones and builds the lookup structure. It checks
// that every origin is a valid, unique FQDN; that each zone has exactly one
// SOA, at its apex, and NS records at its apex; that every record is of
// class IN and owned by a name inside its zone; that a CNAME is alone at its
// name; that no DNAME or meta type (OPT, TSIG, ...) is used. Duplicate
// records are dropped and the TTLs of an RRset are set to its lowest one
// (RFC 2181 §5).
func NewSnapshot(zones []Zone) (*Snapshot, error) {
	s := &Snapshot{zones: make(map[string]*zone, len(zones))}
	for i := range zones {
		z, err := buildZone(&zones[i])
		if err != nil {
			return nil, err
		}
		if _, dup := s.zones[z.origin]; dup {
			return nil, fmt.Errorf("dnsd: zone %s is given twice", z.origin)
		}
		s.zones[z.origin] = z
		s.records += z.count()
	}
	return s, nil
}

// WithZone returns a new snapshot in which the zone z.Origin is replaced by
// z (or added); s itself is not changed. Only z is built, so an update costs
// the size of that zone, not of every hosted zone. Ownership of z.Records
// passes as with NewSnapshot.
func (s *Snapshot) WithZone(z Zone) (*Snapshot, error) {
	built, err := buildZone(&z)
	if err != nil {
		return nil, err
	}
	out := s.without(built.origin)
	out.zones[built.origin] = built
	out.records += built.count()
	return out, nil
}

// Update returns a new snapshot in which each zone of put replaces the zone
// of its origin (or is added) and the zones of remove (any case) are gone;
// s itself is not changed. Only the zones of put are built, so an update
// costs their size plus one copy of the index of zones, however many zones
// change. A zone of put that does not build is left out, its origin
// keeping the zone s has (if any), and its error is in errs under its
// lower-case origin; errs is nil when every zone built. Ownership of the
// records passes as with NewSnapshot.
func (s *Snapshot) Update(put []Zone, remove []string) (out *Snapshot, errs map[string]error) {
	out = &Snapshot{zones: make(map[string]*zone, len(s.zones)+len(put)), records: s.records}
	maps.Copy(out.zones, s.zones)
	for _, o := range remove {
		o = dns.CanonicalName(o)
		if z := out.zones[o]; z != nil {
			out.records -= z.count()
			delete(out.zones, o)
		}
	}
	for i := range put {
		z, err := buildZone(&put[i])
		if err != nil {
			if errs == nil {
				errs = make(map[string]error)
			}
			errs[dns.CanonicalName(put[i].Origin)] = err
			continue
		}
		if old := out.zones[z.origin]; old != nil {
			out.records -= old.count()
		}
		out.zones[z.origin] = z
		out.records += z.count()
	}
	return out, errs
}

// WithoutZone returns a new snapshot without the zone origin (any case).
func (s *Snapshot) WithoutZone(origin string) *Snapshot {
	return s.without(dns.CanonicalName(origin))
}

// without copies s minus the zone of the canonical origin.
func (s *Snapshot) without(origin string) *Snapshot {
	out := &Snapshot{zones: make(map[string]*zone, len(s.zones)+1), records: s.records}
	for o, z := range s.zones {
		if o == origin {
			out.records -= z.count()
			continue
		}
		out.zones[o] = z
	}
	return out
}

// count returns the number of records of z.
func (z *zone) count() int {
	n := 0
	for _, nd := range z.order {
		for _, set := range nd.sets {
			n += len(set.rrs)
		}
	}
	return n
}

// Records returns the number of records loaded (after dropping duplicates).
func (s *Snapshot) Records() int { return s.records }

// Zones returns the origins of the hosted zones, sorted.
func (s *Snapshot) Zones() []string {
	out := make([]string, 0, len(s.zones))
	for o := range s.zones {
		out = append(out, o)
	}
	sort.Strings(out)
	return out
}

// Serial returns the SOA serial of the hosted zone origin (any case).
func (s *Snapshot) Serial(origin string) (uint32, bool) {
	z := s.zones[dns.CanonicalName(origin)]
	if z == nil {
		return 0, false
	}
	return z.soa.Serial, true
}

func buildZone(in *Zone) (*zone, error) {
	origin := dns.CanonicalName(in.Origin)
	if in.Origin == "" || !dns.IsFqdn(in.Origin) {
		return nil, fmt.Errorf("dnsd: zone origin %q is not a fully qualified name", in.Origin)
	}
	if _, ok := dns.IsDomainName(origin); !ok {
		return nil, fmt.Errorf("dnsd: zone origin %q is not a valid domain name", in.Origin)
	}
	z := &zone{origin: origin, nodes: make(map[string]*node, len(in.Records))}
	for i, rr := range in.Records {
		if rr == nil {
			return nil, fmt.Errorf("dnsd: zone %s: record %d is nil", origin, i)
		}
		h := rr.Header()
		t := h.Rrtype
		if h.Class != dns.ClassINET {
			return nil, fmt.Errorf("dnsd: zone %s: %s: class %s, only IN is served", origin, shortRR(rr), dns.ClassToString[h.Class])
		}
		switch t {
		case dns.TypeOPT, dns.TypeTSIG, dns.TypeTKEY, dns.TypeAXFR, dns.TypeIXFR, dns.TypeANY,
			dns.TypeMAILA, dns.TypeMAILB, dns.TypeNone, dns.TypeReserved:
			return nil, fmt.Errorf("dnsd: zone %s: %s: type %s cannot be stored in a zone", origin, shortRR(rr), dns.Type(t))
		case dns.TypeDNAME:
			return nil, fmt.Errorf("dnsd: zone %s: %s: DNAME is not supported", origin, shortRR(rr))
		}
		if !dns.IsFqdn(h.Name) {
			return nil, fmt.Errorf("dnsd: zone %s: %s: owner is not fully qualified", origin, shortRR(rr))
		}
		owner := strings.ToLower(h.Name)
		if !dns.IsSubDomain(origin, owner) {
			return nil, fmt.Errorf("dnsd: zone %s: %s: owner is outside the zone", origin, shortRR(rr))
		}
		if t == dns.TypeSOA && owner != origin {
			return nil, fmt.Errorf("dnsd: zone %s: %s: SOA below the apex", origin, shortRR(rr))
		}
		n := z.nodes[owner]
		if n == nil {
			n = &node{name: owner}
			z.nodes[owner] = n
			z.order = append(z.order, n)
		}
		h.Name = n.name // one string per name, lower case
		n.add(rr)
	}

	apex := z.nodes[origin]
	if apex == nil {
		return nil, fmt.Errorf("dnsd: zone %s: no SOA record at the apex", origin)
	}
	switch soa := apex.get(dns.TypeSOA); len(soa) {
	case 0:
		return nil, fmt.Errorf("dnsd: zone %s: no SOA record at the apex", origin)
	case 1:
		z.soa = soa[0].(*dns.SOA)
	default:
		return nil, fmt.Errorf("dnsd: zone %s: %d SOA records at the apex, want exactly one", origin, len(soa))
	}
	if len(apex.get(dns.TypeNS)) == 0 {
		return nil, fmt.Errorf("dnsd: zone %s: no NS records at the apex", origin)
	}
	neg := *z.soa
	neg.Hdr.Ttl = min(z.soa.Hdr.Ttl, z.soa.Minttl)
	z.negSOA = &neg
	z.signed = apex.get(dns.TypeRRSIG) != nil

	for _, n := range z.order {
		if err := n.finish(); err != nil {
			return nil, fmt.Errorf("dnsd: zone %s: %w", origin, err)
		}
		if n.name != origin && n.get(dns.TypeNS) != nil {
			n.cut = true
			z.cuts++
		}
		// Make every ancestor up to the apex exist, as an empty
		// non-terminal when it owns no record (RFC 4592 §2.2.2).
		for name := parent(n.name); len(name) > len(origin); name = parent(name) {
			if z.nodes[name] != nil {
				break
			}
			z.nodes[name] = &node{name: name}
		}
	}
	if z.signed {
		z.indexDNSSEC()
	}
	return z, nil
}

// indexDNSSEC attaches the RRSIGs of a signed zone to the RRsets they
// cover and sorts the NSEC owners.
func (z *zone) indexDNSSEC() {
	for _, n := range z.order {
		sigs := n.get(dns.TypeRRSIG)
		for _, rr := range sigs {
			if set := n.getSet(rr.(*dns.RRSIG).TypeCovered); set != nil {
				set.sigs = append(set.sigs, rr)
			}
		}
		if n.get(dns.TypeNSEC) != nil {
			z.nsec = append(z.nsec, n)
		}
	}
	sort.Slice(z.nsec, func(i, j int) bool { return dnssec.CanonicalCompare(z.nsec[i].name, z.nsec[j].name) < 0 })
	if set := z.nodes[z.origin].getSet(dns.TypeSOA); set != nil {
		for _, rr := range set.sigs {
			c := dns.Copy(rr)
			c.Header().Ttl = z.negSOA.Hdr.Ttl
			z.negSOASigs = append(z.negSOASigs, c)
		}
	}
}

// add appends rr to the RRset of its type.
func (n *node) add(rr dns.RR) {
	t := rr.Header().Rrtype
	for i := range n.sets {
		if n.sets[i].typ == t {
			n.sets[i].rrs = append(n.sets[i].rrs, rr)
			return
		}
	}
	n.sets = append(n.sets, rrset{typ: t, rrs: []dns.RR{rr}})
}

// finish checks the CNAME rule, drops duplicate records, unifies TTLs and
// sorts the RRsets by type.
func (n *node) finish() error {
	if c := n.get(dns.TypeCNAME); c != nil {
		allowed := 1 // the CNAME, its RRSIGs and NSEC (RFC 4035 §2.5)
		for _, t := range [...]uint16{dns.TypeRRSIG, dns.TypeNSEC} {
			if n.get(t) != nil {
				allowed++
			}
		}
		if len(n.sets) > allowed {
			var other []string
			for _, s := range n.sets {
				if s.typ != dns.TypeCNAME && s.typ != dns.TypeRRSIG && s.typ != dns.TypeNSEC {
					other = append(other, dns.Type(s.typ).String())
				}
			}
			return fmt.Errorf("%s: CNAME beside other data (%s)", n.name, strings.Join(other, ", "))
		}
		if len(dedupe(c)) > 1 {
			return fmt.Errorf("%s: more than one CNAME", n.name)
		}
	}
	for i := range n.sets {
		if n.sets[i].typ == dns.TypeRRSIG {
			// Each RRSIG has the TTL of the RRset it covers (RFC 4034
			// §3): not one RRset.
			n.sets[i].rrs = dedupe(n.sets[i].rrs)
			continue
		}
		ttl := n.sets[i].rrs[0].Header().Ttl
		for _, rr := range n.sets[i].rrs[1:] {
			ttl = min(ttl, rr.Header().Ttl)
		}
		rrs := dedupe(n.sets[i].rrs)
		for _, rr := range rrs {
			rr.Header().Ttl = ttl
		}
		n.sets[i].rrs = rrs
	}
	sort.Slice(n.sets, func(i, j int) bool { return n.sets[i].typ < n.sets[j].typ })
	return nil
}

// dedupe removes duplicate records (same owner, type, class and RDATA) from
// one RRset, keeping the first of each.
func dedupe(rrs []dns.RR) []dns.RR {
	if len(rrs) < 2 {
		return rrs
	}
	out := rrs[:1]
	if len(rrs) <= 16 {
	small:
		for _, rr := range rrs[1:] {
			for _, kept := range out {
				if dns.IsDuplicate(kept, rr) {
					continue small
				}
			}
			out = append(out, rr)
		}
		return out
	}
	seen := map[string]bool{rdataKey(rrs[0]): true}
	for _, rr := range rrs[1:] {
		k := rdataKey(rr)
		if !seen[k] {
			seen[k] = true
			out = append(out, rr)
		}
	}
	return out
}

// rdataKey is the text of rr without its TTL, for duplicate detection in
// large RRsets.
func rdataKey(rr dns.RR) string {
	c := dns.Copy(rr)
	c.Header().Ttl = 0
	return c.String()
}

// parent returns name without its first label ("a.b." → "b."; "b." → ".").
func parent(name string) string {
	off, end := dns.NextLabel(name, 0)
	if end {
		return "."
	}
	return name[off:]
}

// shortRR renders rr for an error message.
func shortRR(rr dns.RR) string {
	s := rr.String()
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return strings.ReplaceAll(s, "\t", " ")
}
