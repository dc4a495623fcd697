package dnssec

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Policy is how zones are signed (see the package documentation).
type Policy struct {
	// Validity is how long a signature is valid after the start of its
	// epoch, before the jitter (default 14 days).
	Validity time.Duration
	// Jitter spreads the expiry of the signatures over [0, Jitter) by
	// owner and type (default 1 day).
	Jitter time.Duration
	// ResignDays is the length of a signing epoch in whole UTC days
	// (default 4). It must leave the signatures time to live: ResignDays
	// days are well below Validity.
	ResignDays int
	// Backdate is how long before the signing time signatures start being
	// valid, for clocks behind ours (default 1 hour).
	Backdate time.Duration
}

// DefaultPolicy returns the defaults: 14 days of validity plus up to one
// day of jitter, re-signed every 4 days, backdated 1 hour.
func DefaultPolicy() Policy {
	return Policy{Validity: 14 * 24 * time.Hour, Jitter: 24 * time.Hour, ResignDays: 4, Backdate: time.Hour}
}

func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.Validity <= 0 {
		p.Validity = d.Validity
	}
	if p.Jitter < 0 {
		p.Jitter = 0
	} else if p.Jitter == 0 {
		p.Jitter = d.Jitter
	}
	if p.ResignDays <= 0 {
		p.ResignDays = d.ResignDays
	}
	if p.Backdate <= 0 {
		p.Backdate = d.Backdate
	}
	return p
}

const day = 24 * time.Hour

// EpochStart returns the start of the signing epoch of the zone origin that
// contains now: a UTC midnight; epochs are ResignDays days long, offset by
// a number of days taken from a hash of the zone's name.
func (p Policy) EpochStart(origin string, now time.Time) time.Time {
	p = p.withDefaults()
	n := int64(p.ResignDays)
	off := int64(hash32(dns.CanonicalName(origin)) % uint32(n))
	d := now.Unix()/86400 - off
	if now.Unix() < 0 && now.Unix()%86400 != 0 {
		d--
	}
	k := d / n
	if d < 0 && d%n != 0 {
		k--
	}
	return time.Unix((k*n+off)*86400, 0).UTC()
}

// SigningTime returns the time a zone is signed as of now: the latest of
// the epoch's start, the zone's last change and the last change of its
// keys (ZoneKeys.Changed), in whole seconds; changes after now are
// ignored.
func (p Policy) SigningTime(origin string, now, lastChange, keysChanged time.Time) time.Time {
	t := p.EpochStart(origin, now)
	for _, c := range []time.Time{lastChange, keysChanged} {
		if c.After(t) && !c.After(now) {
			t = c
		}
	}
	return time.Unix(t.Unix(), 0).UTC()
}

// Serial returns the serial a zone signed at the signing time at is served
// with: the larger (in serial arithmetic, RFC 1982) of the stored serial
// and YYYYMMDD00 of the signing time's UTC day.
func Serial(stored uint32, at time.Time) uint32 {
	y, m, d := at.UTC().Date()
	e := uint32((y*10000 + int(m)*100 + d) * 100)
	if int32(e-stored) > 0 {
		return e
	}
	return stored
}

// State describes what a zone's signatures depend on besides its records:
// the epoch, the signing time and the keys' states then. Two builds with
// the same records and State sign the same way; zonesync uses it to
// re-sign (and install) a zone only when it changed.
func (p Policy) State(origin string, zk ZoneKeys, now, lastChange time.Time) string {
	if !zk.Signed() {
		return ""
	}
	at := p.SigningTime(origin, now, lastChange, zk.Changed)
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d %v", p.EpochStart(origin, now).Unix(), at.Unix(), zk.Unsigning)
	for _, k := range zk.Keys {
		fmt.Fprintf(&b, " %d/%d/%s/%v/%v/%v", k.Algorithm, k.Role, k.PublicKey, k.Published(at), k.Active(at), k.Signer != nil)
	}
	return b.String()
}

func hash32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// SignZone signs the zone origin whose records (one SOA at the apex, the
// apex NS set, the rest) are rrs, with the keys zk at the signing time for
// now and the zone's last change (see the package documentation). It
// takes ownership of rrs: owners are lower-cased, duplicates dropped, the
// TTLs of an RRset set to its lowest (as internal/dnsd would), the SOA
// serial set by Serial. It returns the records with the DNSKEY,
// CDS, CDNSKEY, NSEC and RRSIG records added. A zone without keys is
// returned as given, and so is a zone none of whose keys is active at the
// signing time (keys published later: see the package documentation).
func (p Policy) SignZone(origin string, rrs []dns.RR, zk ZoneKeys, now, lastChange time.Time) ([]dns.RR, error) {
	if !zk.Signed() {
		return rrs, nil
	}
	p = p.withDefaults()
	origin = dns.CanonicalName(origin)
	at := p.SigningTime(origin, now, lastChange, zk.Changed)
	epoch := p.EpochStart(origin, now)

	// Group by owner and type.
	type set struct {
		typ uint16
		rrs []dns.RR
	}
	type name struct {
		name string
		sets []*set
	}
	names := make(map[string]*name, len(rrs))
	var soa *dns.SOA
	for _, rr := range rrs {
		h := rr.Header()
		switch h.Rrtype {
		case dns.TypeRRSIG, dns.TypeNSEC, dns.TypeNSEC3, dns.TypeNSEC3PARAM, dns.TypeDNSKEY, dns.TypeCDS, dns.TypeCDNSKEY:
			// Made by the signer; a stored one would clash.
			continue
		}
		h.Name = strings.ToLower(h.Name)
		if !dns.IsSubDomain(origin, h.Name) {
			return nil, fmt.Errorf("dnssec: %s: %s is outside the zone", origin, h.Name)
		}
		n := names[h.Name]
		if n == nil {
			n = &name{name: h.Name}
			names[h.Name] = n
		}
		var s *set
		for _, x := range n.sets {
			if x.typ == h.Rrtype {
				s = x
				break
			}
		}
		if s == nil {
			s = &set{typ: h.Rrtype}
			n.sets = append(n.sets, s)
		}
		dup := false
		for _, x := range s.rrs {
			if dns.IsDuplicate(x, rr) {
				dup = true
				break
			}
		}
		if !dup {
			s.rrs = append(s.rrs, rr)
		}
		if h.Rrtype == dns.TypeSOA && h.Name == origin {
			soa = rr.(*dns.SOA)
		}
	}
	if soa == nil {
		return nil, fmt.Errorf("dnssec: %s: no SOA at the apex", origin)
	}
	stored := soa.Serial
	soa.Serial = Serial(soa.Serial, at)
	negTTL := min(soa.Hdr.Ttl, soa.Minttl) // RFC 9077
	keyTTL := soa.Hdr.Ttl

	// Keys at the signing time.
	var published, sepSigners, zoneSigners []Key
	for _, k := range zk.Keys {
		if !k.Published(at) {
			continue
		}
		published = append(published, k)
		if !k.Active(at) {
			continue
		}
		if k.Role.SEP() {
			sepSigners = append(sepSigners, k)
		}
		if k.Role == ZSK || k.Role == CSK {
			zoneSigners = append(zoneSigners, k)
		}
	}
	if len(sepSigners) == 0 {
		// No active KSK/CSK: the ZSKs sign the DNSKEY RRset (the zone
		// cannot validate from the DS then, but stays consistent).
		sepSigners = zoneSigners
	}
	if len(zoneSigners) == 0 {
		zoneSigners = sepSigners
	}
	if len(zoneSigners) == 0 {
		// No key signs yet (or any more) at the signing time: served
		// unsigned, as a zone without keys, with its stored serial.
		soa.Serial = stored
		return rrs, nil
	}
	apex := names[origin]
	addSet := func(typ uint16, rrs []dns.RR) {
		if len(rrs) > 0 {
			apex.sets = append(apex.sets, &set{typ: typ, rrs: rrs})
		}
	}
	var dnskeys, cds, cdnskey []dns.RR
	for _, k := range published {
		dnskeys = append(dnskeys, k.DNSKEY(origin, keyTTL))
	}
	if zk.Unsigning {
		cds = []dns.RR{DeleteCDS(origin, keyTTL)}
		cdnskey = []dns.RR{DeleteCDNSKEY(origin, keyTTL)}
	} else {
		for _, k := range zk.Keys {
			if k.Role.SEP() && k.Active(at) {
				cds = append(cds, k.CDS(origin, keyTTL))
				cdnskey = append(cdnskey, k.CDNSKEY(origin, keyTTL))
			}
		}
	}
	addSet(dns.TypeDNSKEY, dnskeys)
	addSet(dns.TypeCDS, cds)
	addSet(dns.TypeCDNSKEY, cdnskey)

	// Delegation points, and the names below them (not authoritative).
	cut := func(n string) bool {
		if n == origin {
			return false
		}
		if x := names[n]; x != nil {
			for _, s := range x.sets {
				if s.typ == dns.TypeNS {
					return true
				}
			}
		}
		return false
	}
	occluded := func(n string) bool {
		for p := parentName(n); len(p) > len(origin); p = parentName(p) {
			if cut(p) {
				return true
			}
		}
		return false
	}
	var chain []string
	for n := range names {
		if !occluded(n) {
			chain = append(chain, n)
		}
	}
	sort.Slice(chain, func(i, j int) bool { return CanonicalCompare(chain[i], chain[j]) < 0 })
	if chain[0] != origin {
		return nil, fmt.Errorf("dnssec: %s: the apex does not sort first", origin)
	}

	out := make([]dns.RR, 0, len(rrs)*3+8)
	sign := func(typ uint16, rs []dns.RR, keys []Key) error {
		ttl := rs[0].Header().Ttl
		for _, r := range rs[1:] {
			ttl = min(ttl, r.Header().Ttl)
		}
		for _, r := range rs {
			r.Header().Ttl = ttl
		}
		owner := rs[0].Header().Name
		exp := epoch.Add(p.Validity)
		if p.Jitter >= time.Second {
			exp = exp.Add(time.Duration(hash32(owner+"/"+dns.Type(typ).String())%uint32(p.Jitter/time.Second)) * time.Second)
		}
		for _, k := range keys {
			sig := &dns.RRSIG{
				Hdr:        dns.RR_Header{Name: owner, Rrtype: dns.TypeRRSIG, Class: dns.ClassINET, Ttl: ttl},
				Algorithm:  k.Algorithm,
				SignerName: origin,
				KeyTag:     k.Tag(),
				OrigTtl:    ttl,
				Inception:  uint32(at.Add(-p.Backdate).Unix()),
				Expiration: uint32(exp.Unix()),
			}
			if err := sig.Sign(k.Signer, rs); err != nil {
				return fmt.Errorf("dnssec: %s: sign %s %s with %s: %w", origin, owner, dns.Type(typ), k, err)
			}
			out = append(out, sig)
		}
		return nil
	}
	for i, n := range chain {
		x := names[n]
		isCut := cut(n)
		nsec := &dns.NSEC{
			Hdr:        dns.RR_Header{Name: n, Rrtype: dns.TypeNSEC, Class: dns.ClassINET, Ttl: negTTL},
			NextDomain: chain[(i+1)%len(chain)],
		}
		for _, s := range x.sets {
			if isCut && s.typ != dns.TypeNS && s.typ != dns.TypeDS {
				continue // glue at the delegation point: not ours
			}
			nsec.TypeBitMap = append(nsec.TypeBitMap, s.typ)
		}
		nsec.TypeBitMap = append(nsec.TypeBitMap, dns.TypeRRSIG, dns.TypeNSEC)
		sort.Slice(nsec.TypeBitMap, func(i, j int) bool { return nsec.TypeBitMap[i] < nsec.TypeBitMap[j] })
		x.sets = append(x.sets, &set{typ: dns.TypeNSEC, rrs: []dns.RR{nsec}})
		for _, s := range x.sets {
			out = append(out, s.rrs...)
			if isCut && s.typ != dns.TypeDS && s.typ != dns.TypeNSEC {
				continue // the NS set and glue of a delegation are not signed
			}
			keys := zoneSigners
			switch s.typ {
			case dns.TypeDNSKEY, dns.TypeCDS, dns.TypeCDNSKEY:
				keys = sepSigners
			}
			if err := sign(s.typ, s.rrs, keys); err != nil {
				return nil, err
			}
		}
	}
	// The records below delegation points (glue), unsigned.
	for n, x := range names {
		if occluded(n) {
			for _, s := range x.sets {
				out = append(out, s.rrs...)
			}
		}
	}
	return out, nil
}

// parentName returns n without its first label.
func parentName(n string) string {
	off, end := dns.NextLabel(n, 0)
	if end {
		return "."
	}
	return n[off:]
}

// CanonicalCompare compares two lower-case fully qualified names in the
// canonical DNS order (RFC 4034 §6.1): label by label from the right, each
// label as an octet string. It returns -1, 0 or 1. It does not allocate.
// Names are compared in their presentation form: escapes ("\.", "\032")
// are not decoded, so names holding them may sort wrongly (the panel's
// names are letters, digits, '-', '_' and '*').
func CanonicalCompare(a, b string) int {
	ai, bi := len(a), len(b)
	if ai > 0 && a[ai-1] == '.' {
		ai--
	}
	if bi > 0 && b[bi-1] == '.' {
		bi--
	}
	for {
		if ai <= 0 && bi <= 0 {
			return 0
		}
		if ai <= 0 {
			return -1
		}
		if bi <= 0 {
			return 1
		}
		as := strings.LastIndexByte(a[:ai], '.') + 1
		bs := strings.LastIndexByte(b[:bi], '.') + 1
		if c := strings.Compare(a[as:ai], b[bs:bi]); c != 0 {
			return c
		}
		ai, bi = as-1, bs-1
	}
}
