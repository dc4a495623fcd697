package dnsd

import (
	"sort"
	"strings"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/dnssec"
)

const (
	// maxChain caps the CNAMEs followed for one answer.
	maxChain = 8
	// maxUDPSize is the largest UDP answer sent and the payload size
	// advertised in our OPT record: 1232 bytes, the DNS Flag Day 2020 value
	// that avoids IP fragmentation on any common path. A client asking for
	// more over UDP gets at most this; without EDNS it gets at most 512.
	maxUDPSize = 1232
)

// answer builds the complete answer to a QUERY req from the snapshot's data,
// following RFC 1034 §4.3.2 with RFC 2181, 2308, 4592, 6604 and 8482. It
// never truncates: see fit for the size limit of a transport. Zone transfers
// (AXFR/IXFR over TCP) and NOTIFY are handled by the server, not here.
//
// The question is echoed as asked, and the records owned by the query name
// carry its case (0x20), so that packing compresses them into pointers to
// the question.
func (s *Snapshot) answer(req *dns.Msg) *dns.Msg {
	m := new(dns.Msg)
	m.Id = req.Id
	m.Response = true
	m.Opcode = req.Opcode
	m.RecursionDesired = req.RecursionDesired
	m.CheckingDisabled = req.CheckingDisabled
	m.Compress = true
	m.Question = req.Question

	do := false
	if opt := req.IsEdns0(); opt != nil {
		do = opt.Do()
		m.SetEdns0(maxUDPSize, do)
		if opt.Version() != 0 {
			m.Rcode = dns.RcodeBadVers // RFC 6891 §6.1.3
			return m
		}
	}
	if req.Opcode != dns.OpcodeQuery {
		m.Rcode = dns.RcodeNotImplemented
		return m
	}
	if len(req.Question) != 1 || req.Response {
		m.Question = nil
		m.Rcode = dns.RcodeFormatError
		return m
	}
	q := req.Question[0]
	switch q.Qtype {
	case dns.TypeOPT, dns.TypeTSIG, dns.TypeTKEY, dns.TypeNone:
		m.Rcode = dns.RcodeFormatError
		return m
	case dns.TypeMAILA, dns.TypeMAILB:
		m.Rcode = dns.RcodeNotImplemented
		return m
	case dns.TypeAXFR:
		// A transfer needs TCP (RFC 5936 §4.2).
		m.Rcode = dns.RcodeNotImplemented
		return m
	}
	if q.Qclass != dns.ClassINET {
		m.Rcode = dns.RcodeRefused
		return m
	}
	lname := strings.ToLower(q.Name)
	z := s.findZone(lname, q.Qtype)
	if z == nil {
		m.Rcode = dns.RcodeRefused
		return m
	}
	if q.Qtype == dns.TypeIXFR {
		// IXFR over UDP: the current SOA tells the client to use TCP
		// (RFC 1995 §2). Only for the apex; elsewhere it is not a zone.
		if lname != z.origin {
			m.Rcode = dns.RcodeNotAuth
			return m
		}
		m.Authoritative = true
		m.Answer = []dns.RR{withOwner(z.soa, q.Name)}
		return m
	}
	z.resolve(m, q.Name, lname, q.Qtype, do && z.signed)
	return m
}

// findZone returns the most specific hosted zone containing lname, or nil.
// A DS query for the apex of a zone whose parent zone is hosted too goes to
// the parent, which owns the DS RRset (RFC 4035 §3.1.4.1).
func (s *Snapshot) findZone(lname string, qtype uint16) *zone {
	name := lname
	for {
		if z := s.zones[name]; z != nil {
			if qtype != dns.TypeDS || name != lname || name == "." {
				return z
			}
			if p := s.findZone(parent(name), 0); p != nil {
				return p
			}
			return z
		}
		if name == "." {
			return nil
		}
		name = parent(name)
	}
}

// resolve fills m with the answer to (qname, qtype) from z. lname is qname
// in lower case. With sec (a signed zone, a query with DO) the answer
// gets the RRSIGs of its RRsets and the NSEC proofs of RFC 4035 §3.1.
func (z *zone) resolve(m *dns.Msg, qname, lname string, qtype uint16, sec bool) {
	m.Authoritative = true
	// owner is the owner name written for the current name of the chain:
	// the query name as asked (its case kept), then the lower-case CNAME
	// targets. Records synthesised from a wildcard take it too (RFC 4592
	// §3.4.1).
	owner := qname
	var seen []string
	for hop := 0; ; hop++ {
		if cut := z.findCut(lname); cut != nil && (cut.name != lname || qtype != dns.TypeDS) {
			// At or below a delegation point: not our data. A referral
			// to the child's name servers (RFC 1034 §4.3.2 step 3b). After
			// a CNAME the answer keeps AA: the query name is ours.
			if hop == 0 {
				m.Authoritative = false
			}
			ns := cut.get(dns.TypeNS)
			if cut.name == lname {
				ns = withOwnerAll(ns, owner)
			}
			m.Ns = append(m.Ns, ns...)
			if sec {
				// The DS RRset, or the NSEC proving there is none
				// (RFC 4035 §3.1.4).
				if ds := cut.getSet(dns.TypeDS); ds != nil {
					m.Ns = append(m.Ns, ds.rrs...)
					m.Ns = append(m.Ns, ds.sigs...)
				} else {
					z.addNSEC(m, cut)
				}
			}
			z.glue(m, ns)
			return
		}
		n := z.nodes[lname]
		wild := false
		if n == nil {
			var ce string
			if n, ce = z.wildcard(lname); n == nil {
				m.Rcode = dns.RcodeNameError // RFC 6604: the rcode of the last name
				m.Ns = append(m.Ns, z.negSOA)
				if sec {
					// The name does not exist, nor does the wildcard
					// that could have made it (RFC 4035 §3.1.3.2).
					m.Ns = append(m.Ns, z.negSOASigs...)
					z.addNSEC(m, z.cover(lname))
					z.addNSEC(m, z.cover("*."+ce))
				}
				return
			}
			wild = true
			if sec {
				// The query name does not exist: the answer comes from
				// the wildcard (RFC 4035 §3.1.3.3).
				z.addNSEC(m, z.cover(lname))
			}
		}
		if qtype == dns.TypeANY {
			// RFC 8482 §4.1: answer with one RRset rather than all of them.
			if len(n.sets) == 0 {
				z.nodata(m, n, lname, sec)
				return
			}
			z.addSet(m, &n.sets[0], owner, sec)
			return
		}
		if c := n.getSet(dns.TypeCNAME); c != nil && qtype != dns.TypeCNAME {
			m.Answer = append(m.Answer, withOwner(c.rrs[0], owner))
			if sec {
				m.Answer = append(m.Answer, withOwnerAll(c.sigs, owner)...)
			}
			target := c.rrs[0].(*dns.CNAME).Target
			ltarget := strings.ToLower(target)
			if hop+1 >= maxChain || !dns.IsSubDomain(z.origin, ltarget) || ltarget == lname {
				return // out of the zone, too long: the resolver goes on
			}
			for _, s := range seen {
				if s == ltarget {
					return // a loop
				}
			}
			seen = append(seen, lname)
			lname, owner = ltarget, ltarget
			continue
		}
		set := n.getSet(qtype)
		if set == nil {
			// NODATA: NOERROR with the SOA (RFC 2308 §2.2).
			if wild {
				z.nodata(m, n, "", sec)
			} else {
				z.nodata(m, n, lname, sec)
			}
			return
		}
		z.addSet(m, set, owner, sec)
		z.additional(m, set.rrs)
		return
	}
}

// addSet appends an RRset (and, with sec, its RRSIGs) owned by owner to
// the answer section.
func (z *zone) addSet(m *dns.Msg, set *rrset, owner string, sec bool) {
	m.Answer = append(m.Answer, withOwnerAll(set.rrs, owner)...)
	if sec {
		m.Answer = append(m.Answer, withOwnerAll(set.sigs, owner)...)
	}
}

// nodata fills the authority section of a NODATA answer at node n: the
// SOA, and with sec the NSEC proving the type is not there: n's own, or
// for an empty non-terminal lname the NSEC covering it (RFC 4035 §3.1.3.1).
// For a wildcard node, lname is "" (the NSEC covering the query name is
// already there).
func (z *zone) nodata(m *dns.Msg, n *node, lname string, sec bool) {
	m.Ns = append(m.Ns, z.negSOA)
	if !sec {
		return
	}
	m.Ns = append(m.Ns, z.negSOASigs...)
	if n.get(dns.TypeNSEC) != nil {
		z.addNSEC(m, n)
	} else if lname != "" {
		z.addNSEC(m, z.cover(lname))
	}
}

// addNSEC appends n's NSEC and its RRSIGs to the authority section, unless
// they are already there.
func (z *zone) addNSEC(m *dns.Msg, n *node) {
	if n == nil {
		return
	}
	set := n.getSet(dns.TypeNSEC)
	if set == nil {
		return
	}
	for _, rr := range m.Ns {
		if rr == set.rrs[0] {
			return
		}
	}
	m.Ns = append(m.Ns, set.rrs...)
	m.Ns = append(m.Ns, set.sigs...)
}

// cover returns the node whose NSEC covers (or matches) lname: the last
// NSEC owner not after lname in the canonical order.
func (z *zone) cover(lname string) *node {
	i := sort.Search(len(z.nsec), func(i int) bool { return dnssec.CanonicalCompare(z.nsec[i].name, lname) > 0 })
	if i == 0 {
		return nil
	}
	return z.nsec[i-1]
}

// findCut returns the highest delegation point at or above lname (and below
// the apex), or nil.
func (z *zone) findCut(lname string) *node {
	if z.cuts == 0 || len(lname) <= len(z.origin) {
		return nil
	}
	// Label starts of lname that lie below the apex, then walk them from the
	// one nearest the apex down to lname itself.
	var starts [128]int
	k := 0
	for off, end := 0, false; !end && len(lname)-off > len(z.origin) && k < len(starts); {
		starts[k] = off
		k++
		off, end = dns.NextLabel(lname, off)
	}
	for i := k - 1; i >= 0; i-- {
		n := z.nodes[lname[starts[i]:]]
		if n == nil {
			return nil // nothing exists below a name that does not exist
		}
		if n.cut {
			return n
		}
	}
	return nil
}

// wildcard returns the wildcard node that synthesises lname, a name that
// does not exist in z: "*." + the closest encloser ce (RFC 4592 §3.3.1). An
// existing name, empty non-terminals included, between the wildcard and
// lname blocks it, since the closest encloser is then that name.
func (z *zone) wildcard(lname string) (n *node, ce string) {
	ce = lname
	for {
		if ce == z.origin {
			break
		}
		ce = parent(ce)
		if z.nodes[ce] != nil {
			break
		}
	}
	return z.nodes["*."+ce], ce
}

// additional adds the in-zone addresses of the names an MX, NS or SRV
// answer points to (RFC 1034 §4.3.2 step 6), skipping names below a
// delegation point.
func (z *zone) additional(m *dns.Msg, rrs []dns.RR) {
	for i, rr := range rrs {
		target := targetOf(rr)
		if target == "" {
			return
		}
		ltarget := strings.ToLower(target)
		if !dns.IsSubDomain(z.origin, ltarget) || z.findCut(ltarget) != nil || repeated(rrs[:i], ltarget) {
			continue
		}
		if n := z.nodes[ltarget]; n != nil {
			m.Extra = append(m.Extra, n.get(dns.TypeA)...)
			m.Extra = append(m.Extra, n.get(dns.TypeAAAA)...)
		}
	}
}

// glue adds the addresses of in-zone name servers of a referral, including
// occluded ones below the delegation point (RFC 9471).
func (z *zone) glue(m *dns.Msg, ns []dns.RR) {
	for i, rr := range ns {
		ltarget := strings.ToLower(rr.(*dns.NS).Ns)
		if !dns.IsSubDomain(z.origin, ltarget) || repeated(ns[:i], ltarget) {
			continue
		}
		if n := z.nodes[ltarget]; n != nil {
			m.Extra = append(m.Extra, n.get(dns.TypeA)...)
			m.Extra = append(m.Extra, n.get(dns.TypeAAAA)...)
		}
	}
}

// targetOf returns the name an MX, NS or SRV record points to, or "".
func targetOf(rr dns.RR) string {
	switch r := rr.(type) {
	case *dns.MX:
		return r.Mx
	case *dns.NS:
		return r.Ns
	case *dns.SRV:
		return r.Target
	}
	return ""
}

// repeated reports whether one of rrs already points to ltarget.
func repeated(rrs []dns.RR, ltarget string) bool {
	for _, rr := range rrs {
		if strings.EqualFold(targetOf(rr), ltarget) {
			return true
		}
	}
	return false
}

// withOwner returns rr itself when it is already owned by name, else a copy
// owned by name.
func withOwner(rr dns.RR, name string) dns.RR {
	if rr.Header().Name == name {
		return rr
	}
	c := dns.Copy(rr)
	c.Header().Name = name
	return c
}

// withOwnerAll is withOwner for an RRset; it returns rrs itself when no copy
// is needed.
func withOwnerAll(rrs []dns.RR, name string) []dns.RR {
	if len(rrs) == 0 || rrs[0].Header().Name == name {
		return rrs
	}
	out := make([]dns.RR, len(rrs))
	for i, rr := range rrs {
		out[i] = withOwner(rr, name)
	}
	return out
}

// udpSize is the largest UDP answer to req: 512 without EDNS, else the
// client's payload size within [512, maxUDPSize].
func udpSize(req *dns.Msg) int {
	opt := req.IsEdns0()
	if opt == nil {
		return dns.MinMsgSize
	}
	return clampUDP(int(opt.UDPSize()))
}

func clampUDP(size int) int {
	return min(max(size, dns.MinMsgSize), maxUDPSize)
}

// fit packs m into buf, making it at most size bytes. When the whole answer
// does not fit, the additional section is dropped first (setting TC only
// when it held the glue of a referral, RFC 9471); if it still does not fit,
// the answer and authority sections go too and TC is set: RFC 2181 §9 asks
// not to send part of an RRset. The OPT record is always kept.
func fit(m *dns.Msg, size int, buf []byte) ([]byte, error) {
	b, err := m.PackBuffer(buf)
	if err != nil || len(b) <= size {
		return b, err
	}
	var opt []dns.RR
	dropped := false
	for _, rr := range m.Extra {
		if rr.Header().Rrtype == dns.TypeOPT {
			opt = append(opt, rr)
		} else {
			dropped = true
		}
	}
	if dropped {
		m.Extra = opt
		if !m.Authoritative && len(m.Answer) == 0 && len(m.Ns) > 0 {
			m.Truncated = true // the glue of a referral is required
		}
		if b, err = m.PackBuffer(buf); err != nil || len(b) <= size {
			return b, err
		}
	}
	m.Answer, m.Ns, m.Extra = nil, nil, opt
	m.Truncated = true
	return m.PackBuffer(buf)
}
