package dnsd

import (
	"strings"

	"github.com/miekg/dns"
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

	if opt := req.IsEdns0(); opt != nil {
		m.SetEdns0(maxUDPSize, opt.Do())
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
	z.resolve(m, q.Name, lname, q.Qtype)
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
// in lower case.
func (z *zone) resolve(m *dns.Msg, qname, lname string, qtype uint16) {
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
			z.glue(m, ns)
			return
		}
		n := z.nodes[lname]
		if n == nil {
			if n = z.wildcard(lname); n == nil {
				m.Rcode = dns.RcodeNameError // RFC 6604: the rcode of the last name
				m.Ns = append(m.Ns, z.negSOA)
				return
			}
		}
		if qtype == dns.TypeANY {
			// RFC 8482 §4.1: answer with one RRset rather than all of them.
			if len(n.sets) == 0 {
				m.Ns = append(m.Ns, z.negSOA)
				return
			}
			m.Answer = append(m.Answer, withOwnerAll(n.sets[0].rrs, owner)...)
			return
		}
		if c := n.get(dns.TypeCNAME); c != nil && qtype != dns.TypeCNAME {
			m.Answer = append(m.Answer, withOwner(c[0], owner))
			target := c[0].(*dns.CNAME).Target
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
		rrs := n.get(qtype)
		if rrs == nil {
			// NODATA: NOERROR with the SOA (RFC 2308 §2.2).
			m.Ns = append(m.Ns, z.negSOA)
			return
		}
		m.Answer = append(m.Answer, withOwnerAll(rrs, owner)...)
		z.additional(m, rrs)
		return
	}
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
// does not exist in z: "*." + the closest encloser (RFC 4592 §3.3.1). An
// existing name, empty non-terminals included, between the wildcard and
// lname blocks it, since the closest encloser is then that name.
func (z *zone) wildcard(lname string) *node {
	ce := lname
	for {
		if ce == z.origin {
			break
		}
		ce = parent(ce)
		if z.nodes[ce] != nil {
			break
		}
	}
	return z.nodes["*."+ce]
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
