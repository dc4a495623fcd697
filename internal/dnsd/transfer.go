package dnsd

import (
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// xfrMessageBudget is the uncompressed size of records put in one message
// of a zone transfer; compression only shrinks it, far below the 64 KiB
// limit of a TCP message.
const xfrMessageBudget = 16 << 10

// transfer answers an AXFR or IXFR query over TCP (RFC 5936). IXFR is
// answered with the whole zone in the AXFR form, which RFC 1995 §4 allows,
// or with the SOA alone when the client already has the current serial.
func (s *Server) transfer(w dns.ResponseWriter, req *dns.Msg, from netip.Addr) {
	snap := s.snap.Load() // the whole transfer comes from one snapshot
	q := req.Question[0]
	lname := strings.ToLower(q.Name)
	tsig := req.IsTsig()
	refuse := func(rcode int, why string) {
		s.log.Warn("dnsd: zone transfer refused", "zone", lname, "from", from, "reason", why)
		m := new(dns.Msg)
		m.SetRcode(req, rcode)
		if tsig != nil {
			m.SetTsig(tsig.Hdr.Name, tsig.Algorithm, 300, time.Now().Unix())
		}
		w.WriteMsg(m)
	}
	if !s.xfrAllowed(from) {
		refuse(dns.RcodeRefused, "address not allowed")
		return
	}
	if len(s.cfg.TSIG) > 0 && tsig == nil {
		refuse(dns.RcodeRefused, "not signed with a TSIG key")
		return
	}
	z := snap.zones[lname]
	if z == nil || q.Qclass != dns.ClassINET {
		refuse(dns.RcodeNotAuth, "not a hosted zone")
		return
	}

	soa := withOwner(z.soa, q.Name)
	send := func(rrs []dns.RR) bool {
		m := new(dns.Msg)
		m.SetReply(req)
		m.Authoritative = true
		m.Compress = true
		m.Answer = rrs
		if tsig != nil {
			m.SetTsig(tsig.Hdr.Name, tsig.Algorithm, 300, time.Now().Unix())
		}
		if err := w.WriteMsg(m); err != nil {
			s.log.Warn("dnsd: zone transfer aborted", "zone", lname, "from", from, "err", err)
			return false
		}
		w.TsigTimersOnly(true) // later messages chain on the previous MAC (RFC 8945 §5.3.1)
		return true
	}

	if q.Qtype == dns.TypeIXFR && clientIsCurrent(req, z.soa.Serial) {
		send([]dns.RR{soa})
		return
	}

	batch := []dns.RR{soa}
	size := dns.Len(soa)
	records := 1
	for _, n := range z.order {
		for _, set := range n.sets {
			if set.typ == dns.TypeSOA {
				continue
			}
			for _, rr := range set.rrs {
				l := dns.Len(rr)
				if size+l > xfrMessageBudget && len(batch) > 0 {
					if !send(batch) {
						return
					}
					batch, size = nil, 0
				}
				batch = append(batch, rr)
				size += l
				records++
			}
		}
	}
	batch = append(batch, soa)
	if send(batch) {
		s.log.Info("dnsd: zone transferred", "zone", lname, "serial", z.soa.Serial, "to", from, "records", records+1, "type", dns.Type(q.Qtype).String())
	}
}

// clientIsCurrent reports whether an IXFR request carries, in its authority
// section, a SOA whose serial is not older than serial (RFC 1982).
func clientIsCurrent(req *dns.Msg, serial uint32) bool {
	for _, rr := range req.Ns {
		if soa, ok := rr.(*dns.SOA); ok {
			return soa.Serial == serial || int32(soa.Serial-serial) > 0
		}
	}
	return false
}

func (s *Server) xfrAllowed(a netip.Addr) bool {
	for _, p := range s.cfg.AXFRAllowed {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
