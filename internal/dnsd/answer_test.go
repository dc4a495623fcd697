package dnsd

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

const (
	soaCom = "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300"
	soaNet = "example.net. 60 IN SOA ns1.example.net. hostmaster.example.net. 7 7200 3600 1209600 300"
)

var subReferral = []string{
	"sub.example.com. 3600 IN NS ns1.sub.example.com.",
	"sub.example.com. 3600 IN NS ns.example.net.",
}

// TestAnswerTable runs the answer logic as a pure function, row by row, in
// the manner of CoreDNS's file plugin lookup tests.
func TestAnswerTable(t *testing.T) {
	snap := testSnapshot(t)
	tests := []struct {
		name   string
		qname  string
		qtype  uint16
		rcode  int
		aa     bool
		answer []string
		ns     []string
		extra  []string
	}{
		{name: "apex A", qname: "example.com.", qtype: dns.TypeA, aa: true,
			answer: []string{"example.com. 3600 IN A 192.0.2.1"}},
		{name: "AAAA", qname: "www.example.com.", qtype: dns.TypeAAAA, aa: true,
			answer: []string{"www.example.com. 3600 IN AAAA 2001:db8::80"}},
		{name: "MX with in-zone additional", qname: "example.com.", qtype: dns.TypeMX, aa: true,
			answer: []string{"example.com. 3600 IN MX 10 mail.example.com.", "example.com. 3600 IN MX 20 mx.example.org."},
			extra:  []string{"mail.example.com. 3600 IN A 192.0.2.25"}},
		{name: "TXT", qname: "example.com.", qtype: dns.TypeTXT, aa: true,
			answer: []string{`example.com. 3600 IN TXT "v=spf1 -all"`}},
		{name: "SRV with additional", qname: "_sip._tcp.example.com.", qtype: dns.TypeSRV, aa: true,
			answer: []string{"_sip._tcp.example.com. 3600 IN SRV 10 60 5060 sip.example.com."},
			extra:  []string{"sip.example.com. 3600 IN A 192.0.2.60"}},
		{name: "CAA", qname: "example.com.", qtype: dns.TypeCAA, aa: true,
			answer: []string{`example.com. 3600 IN CAA 0 issue "letsencrypt.org"`}},
		{name: "SOA", qname: "example.com.", qtype: dns.TypeSOA, aa: true,
			answer: []string{"example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300"}},
		{name: "apex NS with glue", qname: "example.com.", qtype: dns.TypeNS, aa: true,
			answer: []string{"example.com. 3600 IN NS ns1.example.com.", "example.com. 3600 IN NS ns2.example.net."},
			extra:  []string{"ns1.example.com. 3600 IN A 192.0.2.53", "ns1.example.com. 3600 IN AAAA 2001:db8::53"}},

		{name: "NODATA", qname: "www.example.com.", qtype: dns.TypeMX, aa: true, ns: []string{soaCom}},
		{name: "NXDOMAIN, SOA TTL is MINIMUM", qname: "x.c.example.com.", qtype: dns.TypeA, rcode: dns.RcodeNameError, aa: true,
			ns: []string{soaCom}},
		{name: "NXDOMAIN, SOA TTL is the SOA's own", qname: "nope.example.net.", qtype: dns.TypeA, rcode: dns.RcodeNameError, aa: true,
			ns: []string{soaNet}},
		{name: "NODATA other zone", qname: "ns2.example.net.", qtype: dns.TypeTXT, aa: true, ns: []string{soaNet}},

		{name: "CNAME", qname: "alias.example.com.", qtype: dns.TypeAAAA, aa: true,
			answer: []string{"alias.example.com. 3600 IN CNAME www.example.com.", "www.example.com. 3600 IN AAAA 2001:db8::80"}},
		{name: "CNAME chain", qname: "chain1.example.com.", qtype: dns.TypeA, aa: true,
			answer: []string{
				"chain1.example.com. 3600 IN CNAME chain2.example.com.",
				"chain2.example.com. 3600 IN CNAME www.example.com.",
				"www.example.com. 3600 IN A 192.0.2.80",
			}},
		{name: "CNAME asked", qname: "alias.example.com.", qtype: dns.TypeCNAME, aa: true,
			answer: []string{"alias.example.com. 3600 IN CNAME www.example.com."}},
		{name: "CNAME out of zone", qname: "ext.example.com.", qtype: dns.TypeA, aa: true,
			answer: []string{"ext.example.com. 3600 IN CNAME www.example.org."}},
		{name: "CNAME to NXDOMAIN", qname: "dangling.example.com.", qtype: dns.TypeA, rcode: dns.RcodeNameError, aa: true,
			answer: []string{"dangling.example.com. 3600 IN CNAME nothing.c.example.com."},
			ns:     []string{soaCom}},
		{name: "CNAME to NODATA", qname: "tonodata.example.com.", qtype: dns.TypeMX, aa: true,
			answer: []string{"tonodata.example.com. 3600 IN CNAME www.example.com."},
			ns:     []string{soaCom}},
		{name: "CNAME loop stops", qname: "loop1.example.com.", qtype: dns.TypeA, aa: true,
			answer: []string{"loop1.example.com. 3600 IN CNAME loop2.example.com.", "loop2.example.com. 3600 IN CNAME loop1.example.com."}},

		{name: "wildcard", qname: "foo.example.com.", qtype: dns.TypeA, aa: true,
			answer: []string{"foo.example.com. 3600 IN A 192.0.2.99"}},
		{name: "wildcard several labels down", qname: "x.y.example.com.", qtype: dns.TypeTXT, aa: true,
			answer: []string{`x.y.example.com. 3600 IN TXT "wildcard"`}},
		{name: "wildcard NODATA", qname: "foo.example.com.", qtype: dns.TypeMX, aa: true, ns: []string{soaCom}},
		{name: "wildcard CNAME", qname: "host.cn.example.com.", qtype: dns.TypeA, aa: true,
			answer: []string{"host.cn.example.com. 3600 IN CNAME www.example.com.", "www.example.com. 3600 IN A 192.0.2.80"}},
		{name: "wildcard asked literally", qname: "*.example.com.", qtype: dns.TypeA, aa: true,
			answer: []string{"*.example.com. 3600 IN A 192.0.2.99"}},
		{name: "existing name blocks wildcard", qname: "www.example.com.", qtype: dns.TypeTXT, aa: true, ns: []string{soaCom}},
		{name: "empty non-terminal is NODATA", qname: "c.example.com.", qtype: dns.TypeA, aa: true, ns: []string{soaCom}},
		{name: "deeper empty non-terminal", qname: "b.c.example.com.", qtype: dns.TypeA, aa: true, ns: []string{soaCom}},
		{name: "empty non-terminal blocks wildcard", qname: "x.b.c.example.com.", qtype: dns.TypeA, rcode: dns.RcodeNameError, aa: true,
			ns: []string{soaCom}},

		{name: "referral below delegation", qname: "host.sub.example.com.", qtype: dns.TypeA,
			ns: subReferral, extra: []string{"ns1.sub.example.com. 3600 IN A 192.0.2.54"}},
		{name: "referral at delegation point", qname: "sub.example.com.", qtype: dns.TypeNS,
			ns: subReferral, extra: []string{"ns1.sub.example.com. 3600 IN A 192.0.2.54"}},
		{name: "referral for A at delegation point", qname: "sub.example.com.", qtype: dns.TypeA,
			ns: subReferral, extra: []string{"ns1.sub.example.com. 3600 IN A 192.0.2.54"}},
		{name: "glue is not authoritative", qname: "ns1.sub.example.com.", qtype: dns.TypeA,
			ns: subReferral, extra: []string{"ns1.sub.example.com. 3600 IN A 192.0.2.54"}},
		{name: "CNAME into a delegation", qname: "todeleg.example.com.", qtype: dns.TypeA, aa: true,
			answer: []string{"todeleg.example.com. 3600 IN CNAME host.sub.example.com."},
			ns:     subReferral, extra: []string{"ns1.sub.example.com. 3600 IN A 192.0.2.54"}},
		{name: "DS at delegation point from the parent", qname: "sub.example.com.", qtype: dns.TypeDS, aa: true,
			answer: []string{"sub.example.com. 3600 IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"}},

		{name: "ANY is minimal", qname: "example.com.", qtype: dns.TypeANY, aa: true,
			answer: []string{"example.com. 3600 IN A 192.0.2.1"}},
		{name: "ANY at CNAME", qname: "alias.example.com.", qtype: dns.TypeANY, aa: true,
			answer: []string{"alias.example.com. 3600 IN CNAME www.example.com."}},
		{name: "ANY at empty non-terminal", qname: "c.example.com.", qtype: dns.TypeANY, aa: true, ns: []string{soaCom}},

		{name: "REFUSED for a zone not hosted", qname: "www.example.org.", qtype: dns.TypeA, rcode: dns.RcodeRefused},
		{name: "REFUSED for the root", qname: ".", qtype: dns.TypeNS, rcode: dns.RcodeRefused},

		{name: "case preserved", qname: "WwW.ExAmPlE.CoM.", qtype: dns.TypeA, aa: true,
			answer: []string{"WwW.ExAmPlE.CoM. 3600 IN A 192.0.2.80"}},
		{name: "case preserved in CNAME", qname: "ALIAS.example.COM.", qtype: dns.TypeA, aa: true,
			answer: []string{"ALIAS.example.COM. 3600 IN CNAME www.example.com.", "www.example.com. 3600 IN A 192.0.2.80"}},
		{name: "case preserved in wildcard", qname: "FoO.ExAmPlE.cOm.", qtype: dns.TypeA, aa: true,
			answer: []string{"FoO.ExAmPlE.cOm. 3600 IN A 192.0.2.99"}},
		{name: "case preserved in NXDOMAIN question", qname: "X.C.Example.Com.", qtype: dns.TypeA, rcode: dns.RcodeNameError, aa: true,
			ns: []string{soaCom}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := newQuery(tc.qname, tc.qtype)
			resp := snap.answer(req)
			if resp.Rcode != tc.rcode {
				t.Errorf("rcode %s, want %s", dns.RcodeToString[resp.Rcode], dns.RcodeToString[tc.rcode])
			}
			if resp.Authoritative != tc.aa {
				t.Errorf("AA %v, want %v", resp.Authoritative, tc.aa)
			}
			if !resp.Response || resp.Id != req.Id || resp.Truncated {
				t.Errorf("header: QR %v, ID %d (want %d), TC %v", resp.Response, resp.Id, req.Id, resp.Truncated)
			}
			if len(resp.Question) != 1 || resp.Question[0].Name != tc.qname {
				t.Errorf("question %v, want %s as asked", resp.Question, tc.qname)
			}
			checkSection(t, "answer", resp.Answer, tc.answer)
			checkSection(t, "authority", resp.Ns, tc.ns)
			checkSection(t, "additional", resp.Extra, tc.extra)
			// The answer packs, and the query name keeps its case on the wire.
			b, err := resp.Pack()
			if err != nil {
				t.Fatal(err)
			}
			var back dns.Msg
			if err := back.Unpack(b); err != nil {
				t.Fatal(err)
			}
			checkSection(t, "answer on the wire", back.Answer, tc.answer)
		})
	}
}

// checkSection compares rrs with want, in order, through miekg's text form.
func checkSection(t *testing.T, section string, rrs []dns.RR, want []string) {
	t.Helper()
	var got, exp []string
	for _, rr := range rrs {
		got = append(got, rr.String())
	}
	for _, s := range want {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatalf("bad expected record %q: %v", s, err)
		}
		exp = append(exp, rr.String())
	}
	if !slices.Equal(got, exp) {
		t.Errorf("%s section:\n got: %s\nwant: %s", section, strings.Join(got, "\n      "), strings.Join(exp, "\n      "))
	}
}

// TestAnswerTruncation: an answer of about 800 bytes is truncated (TC, no
// records) without EDNS, and sent whole with EDNS 4096; an answer larger
// than 1232 bytes is truncated even for EDNS 4096 (our cap).
func TestAnswerTruncation(t *testing.T) {
	snap := testSnapshot(t)
	pack := func(req *dns.Msg) *dns.Msg {
		t.Helper()
		b, err := fit(snap.answer(req), udpSize(req), nil)
		if err != nil {
			t.Fatal(err)
		}
		var m dns.Msg
		if err := m.Unpack(b); err != nil {
			t.Fatal(err)
		}
		if len(b) > udpSize(req) {
			t.Fatalf("answer of %d bytes for a limit of %d", len(b), udpSize(req))
		}
		return &m
	}

	plain := pack(newQuery("big.example.com.", dns.TypeTXT))
	if !plain.Truncated || len(plain.Answer) != 0 || plain.Rcode != dns.RcodeSuccess || !plain.Authoritative {
		t.Errorf("without EDNS: TC %v, %d answers, rcode %d, AA %v; want TC, no records (RFC 2181 §9)",
			plain.Truncated, len(plain.Answer), plain.Rcode, plain.Authoritative)
	}
	if len(plain.Question) != 1 || plain.IsEdns0() != nil {
		t.Errorf("without EDNS: question %v, OPT %v", plain.Question, plain.IsEdns0())
	}

	q := newQuery("big.example.com.", dns.TypeTXT)
	q.SetEdns0(4096, false)
	edns := pack(q)
	if edns.Truncated || len(edns.Answer) != 15 {
		t.Errorf("with EDNS 4096: TC %v, %d answers; want all 15", edns.Truncated, len(edns.Answer))
	}
	if opt := edns.IsEdns0(); opt == nil || opt.UDPSize() != maxUDPSize {
		t.Errorf("with EDNS: OPT %v, want payload size %d", opt, maxUDPSize)
	}

	// 30 records (~1600 bytes) exceed the 1232 cap.
	snap2, err := NewSnapshot([]Zone{parseZone(t, "example.com.", exampleZone+bigTXT(30))})
	if err != nil {
		t.Fatal(err)
	}
	snap = snap2
	huge := pack(q)
	if !huge.Truncated || len(huge.Answer) != 0 || huge.IsEdns0() == nil {
		t.Errorf("1600 bytes with EDNS 4096: TC %v, %d answers, OPT %v; want TC within 1232 bytes with OPT",
			huge.Truncated, len(huge.Answer), huge.IsEdns0())
	}
	// Over TCP the whole answer goes.
	b, err := fit(snap.answer(q), dns.MaxMsgSize, nil)
	if err != nil {
		t.Fatal(err)
	}
	var full dns.Msg
	if err := full.Unpack(b); err != nil || full.Truncated || len(full.Answer) != 30 {
		t.Errorf("TCP: err %v, TC %v, %d answers; want 30", err, full.Truncated, len(full.Answer))
	}
}

// TestAnswerTruncationDropsAdditional: an answer whose additional section
// does not fit loses it without TC; a referral whose glue does not fit gets
// TC (RFC 9471).
func TestAnswerTruncationDropsAdditional(t *testing.T) {
	var b strings.Builder
	b.WriteString(exampleZone)
	for i := 0; i < 12; i++ {
		// 12 MX at one name, each with 2 addresses of 28 bytes: the MX
		// set fits in 512 bytes, the additional section does not.
		fmt.Fprintf(&b, "mx.example.com. 60 IN MX 10 mail%[1]d.example.com.\nmail%[1]d.example.com. 60 IN AAAA 2001:db8::1\nmail%[1]d.example.com. 60 IN AAAA 2001:db8::2\n", i)
		fmt.Fprintf(&b, "del.example.com. 60 IN NS ns%[1]d.del.example.com.\nns%[1]d.del.example.com. 60 IN AAAA 2001:db8::1\nns%[1]d.del.example.com. 60 IN AAAA 2001:db8::2\n", i)
	}
	snap, err := NewSnapshot([]Zone{parseZone(t, "example.com.", b.String())})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		qname  string
		qtype  uint16
		tc     bool
		answer int
		ns     int
	}{
		{"mx.example.com.", dns.TypeMX, false, 12, 0},
		{"www.del.example.com.", dns.TypeA, true, 0, 12},
	} {
		req := newQuery(tc.qname, tc.qtype)
		full := snap.answer(req)
		if len(full.Extra) == 0 {
			t.Fatalf("%s: no additional records to drop", tc.qname)
		}
		wire, err := fit(full, 512, nil)
		if err != nil {
			t.Fatal(err)
		}
		var m dns.Msg
		if err := m.Unpack(wire); err != nil {
			t.Fatal(err)
		}
		if m.Truncated != tc.tc || len(m.Answer) != tc.answer || len(m.Ns) != tc.ns || len(m.Extra) != 0 {
			t.Errorf("%s: TC %v, %d/%d/%d records; want TC %v, %d/%d/0", tc.qname, m.Truncated,
				len(m.Answer), len(m.Ns), len(m.Extra), tc.tc, tc.answer, tc.ns)
		}
	}
}

// TestAnswerHeader covers EDNS, flags, malformed and unusual queries.
func TestAnswerHeader(t *testing.T) {
	snap := testSnapshot(t)

	q := newQuery("www.example.com.", dns.TypeA)
	q.RecursionDesired = true
	q.CheckingDisabled = true
	q.SetEdns0(1400, true)
	m := snap.answer(q)
	if !m.RecursionDesired || !m.CheckingDisabled || m.RecursionAvailable {
		t.Errorf("RD %v CD %v RA %v; want RD and CD copied, no RA", m.RecursionDesired, m.CheckingDisabled, m.RecursionAvailable)
	}
	if opt := m.IsEdns0(); opt == nil || !opt.Do() || opt.Version() != 0 {
		t.Errorf("OPT %v; want one with DO copied", opt)
	}

	q = newQuery("www.example.com.", dns.TypeA)
	q.SetEdns0(1232, false)
	q.IsEdns0().SetVersion(1)
	if m := snap.answer(q); m.Rcode != dns.RcodeBadVers || m.IsEdns0() == nil || len(m.Answer) != 0 {
		t.Errorf("EDNS version 1: rcode %d, OPT %v; want BADVERS with OPT", m.Rcode, m.IsEdns0())
	}

	q = newQuery("www.example.com.", dns.TypeA)
	q.Question = append(q.Question, q.Question[0])
	if m := snap.answer(q); m.Rcode != dns.RcodeFormatError {
		t.Errorf("two questions: rcode %s, want FORMERR", dns.RcodeToString[m.Rcode])
	}
	q.Question = nil
	if m := snap.answer(q); m.Rcode != dns.RcodeFormatError {
		t.Errorf("no question: rcode %s, want FORMERR", dns.RcodeToString[m.Rcode])
	}

	q = newQuery("www.example.com.", dns.TypeA)
	q.Opcode = dns.OpcodeStatus
	if m := snap.answer(q); m.Rcode != dns.RcodeNotImplemented || m.Opcode != dns.OpcodeStatus {
		t.Errorf("STATUS: rcode %s, want NOTIMP", dns.RcodeToString[m.Rcode])
	}

	q = newQuery("www.example.com.", dns.TypeA)
	q.Question[0].Qclass = dns.ClassCHAOS
	if m := snap.answer(q); m.Rcode != dns.RcodeRefused || m.Authoritative {
		t.Errorf("class CH: rcode %s AA %v, want REFUSED", dns.RcodeToString[m.Rcode], m.Authoritative)
	}

	if m := snap.answer(newQuery("example.com.", dns.TypeAXFR)); m.Rcode != dns.RcodeNotImplemented {
		t.Errorf("AXFR over UDP: rcode %s, want NOTIMP", dns.RcodeToString[m.Rcode])
	}
	m = snap.answer(newQuery("example.com.", dns.TypeIXFR))
	if m.Rcode != dns.RcodeSuccess || len(m.Answer) != 1 || m.Answer[0].Header().Rrtype != dns.TypeSOA {
		t.Errorf("IXFR over UDP: %v; want the SOA alone", m)
	}
	if m := snap.answer(newQuery("example.com.", dns.TypeOPT)); m.Rcode != dns.RcodeFormatError {
		t.Errorf("qtype OPT: rcode %s, want FORMERR", dns.RcodeToString[m.Rcode])
	}
}

// TestAnswerDSAtChildApex: with both the parent and the child hosted, a DS
// query for the child's apex is answered by the parent.
func TestAnswerDSAtChildApex(t *testing.T) {
	child := parseZone(t, "sub.example.com.", `
$ORIGIN sub.example.com.
@ 60 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 60 IN NS ns1
ns1 60 IN A 192.0.2.54
`)
	snap, err := NewSnapshot([]Zone{parseZone(t, "example.com.", exampleZone), child})
	if err != nil {
		t.Fatal(err)
	}
	m := snap.answer(newQuery("sub.example.com.", dns.TypeDS))
	if len(m.Answer) != 1 || m.Answer[0].Header().Rrtype != dns.TypeDS || !m.Authoritative {
		t.Errorf("DS: %v; want the parent's DS", m)
	}
	m = snap.answer(newQuery("sub.example.com.", dns.TypeNS))
	if !m.Authoritative || len(m.Answer) != 1 || m.Answer[0].(*dns.NS).Ns != "ns1.sub.example.com." {
		t.Errorf("NS: %v; want the child's NS authoritatively", m)
	}
}
