package dnsd

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func packed(t testing.TB, m *dns.Msg) []byte {
	t.Helper()
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseQuery(t *testing.T) {
	var k1, k2 [maxKey]byte
	a := newQuery("www.example.com.", dns.TypeA)
	b := newQuery("WWW.Example.COM.", dns.TypeA)
	b.Id = a.Id + 1
	b.RecursionDesired = true
	q1, n1, ok1 := parseQuery(packed(t, a), &k1)
	q2, n2, ok2 := parseQuery(packed(t, b), &k2)
	if !ok1 || !ok2 || string(k1[:n1]) != string(k2[:n2]) || q1.nameEnd != 12+17 || q2.nameEnd != q1.nameEnd {
		t.Fatalf("same question in two cases: ok %v %v, keys %q %q, ends %d %d", ok1, ok2, k1[:n1], k2[:n2], q1.nameEnd, q2.nameEnd)
	}

	key := func(m *dns.Msg) string {
		var k [maxKey]byte
		_, n, ok := parseQuery(packed(t, m), &k)
		if !ok {
			t.Fatalf("%v not accepted by the fast path", m)
		}
		return string(k[:n])
	}
	base := key(a)
	e1 := newQuery("www.example.com.", dns.TypeA)
	e1.SetEdns0(4096, false)
	e2 := newQuery("www.example.com.", dns.TypeA)
	e2.SetEdns0(4096, true)
	e3 := newQuery("www.example.com.", dns.TypeA)
	e3.SetEdns0(1232, false) // the same size class as 4096 (both capped)
	e4 := newQuery("www.example.com.", dns.TypeA)
	e4.SetEdns0(600, false)
	if base == key(e1) || key(e1) == key(e2) || key(e1) != key(e3) || key(e1) == key(e4) || base == key(newQuery("www.example.com.", dns.TypeAAAA)) {
		t.Error("keys do not tell EDNS presence, DO, size class and qtype apart")
	}
	ck := newQuery("www.example.com.", dns.TypeA)
	ck.SetEdns0(4096, false)
	ck.IsEdns0().Option = append(ck.IsEdns0().Option, &dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "0123456789abcdef"})
	if key(ck) != key(e1) {
		t.Error("an EDNS option changed the key")
	}

	// Not for the fast path.
	slow := map[string]*dns.Msg{}
	m := newQuery("example.com.", dns.TypeAXFR)
	slow["AXFR"] = m
	m = newQuery("example.com.", dns.TypeA)
	m.Opcode = dns.OpcodeNotify
	slow["NOTIFY"] = m
	m = newQuery("example.com.", dns.TypeA)
	m.Response = true
	slow["response"] = m
	m = newQuery("example.com.", dns.TypeA)
	m.SetEdns0(1232, false)
	m.IsEdns0().SetVersion(1)
	slow["EDNS version 1"] = m
	m = newQuery("example.com.", dns.TypeA)
	m.SetTsig("key.", dns.HmacSHA256, 300, 0)
	slow["TSIG"] = m
	for name, m := range slow {
		var k [maxKey]byte
		if _, _, ok := parseQuery(packed(t, m), &k); ok {
			t.Errorf("%s accepted by the fast path", name)
		}
	}
	var k [maxKey]byte
	p := packed(t, a)
	for i := 0; i < len(p); i++ {
		if _, _, ok := parseQuery(p[:i], &k); ok {
			t.Errorf("query cut at %d bytes accepted", i)
		}
	}
	if _, _, ok := parseQuery(append(p, 0), &k); ok {
		t.Error("trailing byte accepted")
	}
}

// TestFastPathMatchesSlowPath: answers served from the cache, for queries
// spelled in another case, with another ID and flags, equal the answers
// computed afresh.
func TestFastPathMatchesSlowPath(t *testing.T) {
	s := NewServer(Config{Logger: quietLogger()})
	s.SetSnapshot(testSnapshot(t))
	w := &udpWorker{s: s, out: make([]byte, 0, dns.MaxMsgSize)}
	from := netip.MustParseAddr("127.0.0.1")

	names := []string{"www.example.com.", "example.com.", "foo.example.com.", "x.c.example.com.", "alias.example.com.",
		"host.sub.example.com.", "big.example.com.", "www.example.org.", "_sip._tcp.example.com."}
	types := []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeMX, dns.TypeTXT, dns.TypeNS, dns.TypeSRV, dns.TypeANY}
	variants := []func(string) string{strings.ToLower, strings.ToUpper, func(s string) string {
		b := []byte(s)
		for i := range b {
			if i%2 == 0 {
				b[i] = strings.ToUpper(string(b[i]))[0]
			}
		}
		return string(b)
	}}
	hits := 0
	for _, name := range names {
		for _, qt := range types {
			for _, edns := range []int{0, 512, 4096} {
				for i, v := range variants {
					q := newQuery(v(name), qt)
					q.Id = uint16(1000 + i)
					q.RecursionDesired = i == 1
					q.CheckingDisabled = i == 2
					if edns > 0 {
						q.SetEdns0(uint16(edns), i == 2)
					}
					p := packed(t, q)
					var k [maxKey]byte
					_, n, _ := parseQuery(p, &k)
					if w.cache != nil && w.cache.get(k[:n]) != nil {
						hits++
					}
					got := append([]byte(nil), w.respond(p, from)...)
					want, _ := s.respondUDP(s.Snapshot(), p, from, nil)
					var gm, wm dns.Msg
					if err := gm.Unpack(got); err != nil {
						t.Fatalf("%s %s: fast answer does not parse: %v", q.Question[0].Name, dns.Type(qt), err)
					}
					if err := wm.Unpack(want); err != nil {
						t.Fatal(err)
					}
					// Names compressed into the question take its case: compare
					// case-folded, then the query name exactly.
					if strings.ToLower(gm.String()) != strings.ToLower(wm.String()) {
						t.Errorf("fast path differs:\n%s\nslow path:\n%s", gm.String(), wm.String())
					}
					if gm.Id != q.Id || gm.RecursionDesired != q.RecursionDesired || gm.CheckingDisabled != q.CheckingDisabled ||
						gm.Question[0].Name != q.Question[0].Name {
						t.Errorf("%s: header or question not patched: %v", q.Question[0].Name, gm.MsgHdr)
					}
					for _, rr := range gm.Answer {
						if strings.EqualFold(rr.Header().Name, q.Question[0].Name) && rr.Header().Name != q.Question[0].Name {
							t.Errorf("answer owner %s, want the query's spelling %s", rr.Header().Name, q.Question[0].Name)
						}
					}
				}
			}
		}
	}
	if hits == 0 {
		t.Fatal("the cache was never hit")
	}

	// A new snapshot empties the cache at the next query.
	p := packed(t, newQuery("www.example.com.", dns.TypeA))
	w.respond(p, from)
	s.SetSnapshot(EmptySnapshot())
	var m dns.Msg
	if err := m.Unpack(w.respond(p, from)); err != nil || m.Rcode != dns.RcodeRefused {
		t.Errorf("after SetSnapshot: %v %v; want REFUSED", err, m.Rcode)
	}
}

func TestCacheBounded(t *testing.T) {
	c := newAnswerCache(EmptySnapshot(), 10)
	for i := 0; i < 100; i++ {
		c.put([]byte{byte(i)}, []byte{1, 2, 3})
	}
	if len(c.m) != 10 {
		t.Errorf("%d entries, want 10", len(c.m))
	}
	off := newAnswerCache(EmptySnapshot(), -1)
	off.put([]byte{1}, []byte{1})
	if off.get([]byte{1}) != nil {
		t.Error("a disabled cache stored an entry")
	}
}

// The fast path must not allocate on a cache hit.
func TestFastPathAllocations(t *testing.T) {
	s := NewServer(Config{Logger: quietLogger()})
	s.SetSnapshot(testSnapshot(t))
	w := &udpWorker{s: s, out: make([]byte, 0, dns.MaxMsgSize)}
	from := netip.MustParseAddr("127.0.0.1")
	q := newQuery("www.example.com.", dns.TypeA)
	q.SetEdns0(1232, false)
	p := packed(t, q)
	w.respond(p, from)
	if n := testing.AllocsPerRun(100, func() { w.respond(p, from) }); n != 0 {
		t.Errorf("%v allocations per cached answer, want 0", n)
	}
}

func BenchmarkFastPathHit(b *testing.B) {
	s := NewServer(Config{Logger: quietLogger()})
	s.SetSnapshot(testSnapshot(b))
	w := &udpWorker{s: s, out: make([]byte, 0, dns.MaxMsgSize)}
	from := netip.MustParseAddr("127.0.0.1")
	q := newQuery("www.example.com.", dns.TypeA)
	q.SetEdns0(1232, false)
	p := packed(b, q)
	b.ReportAllocs()
	for b.Loop() {
		w.respond(p, from)
	}
}

func BenchmarkSlowPath(b *testing.B) {
	s := NewServer(Config{Logger: quietLogger()})
	s.SetSnapshot(testSnapshot(b))
	from := netip.MustParseAddr("127.0.0.1")
	q := newQuery("www.example.com.", dns.TypeMX)
	q.SetEdns0(1232, false)
	p := packed(b, q)
	buf := make([]byte, dns.MaxMsgSize)
	b.ReportAllocs()
	for b.Loop() {
		s.respondUDP(s.Snapshot(), p, from, buf)
	}
}

// BenchmarkSignedFastPathHit and BenchmarkSignedSlowPath are the two
// above for queries with DO to a signed zone: a signed positive answer
// from the cache, and a signed NXDOMAIN (two NSEC proofs) built and packed.
func BenchmarkSignedFastPathHit(b *testing.B) {
	snap, _ := signedSnapshot(b, dns.ECDSAP256SHA256, time.Now())
	s := NewServer(Config{Logger: quietLogger()})
	s.SetSnapshot(snap)
	w := &udpWorker{s: s, out: make([]byte, 0, dns.MaxMsgSize)}
	from := netip.MustParseAddr("127.0.0.1")
	p := packed(b, doQuery("www.example.com.", dns.TypeA, 1232, true))
	b.ReportAllocs()
	for b.Loop() {
		w.respond(p, from)
	}
}

func BenchmarkSignedSlowPath(b *testing.B) {
	snap, _ := signedSnapshot(b, dns.ECDSAP256SHA256, time.Now())
	s := NewServer(Config{Logger: quietLogger()})
	s.SetSnapshot(snap)
	from := netip.MustParseAddr("127.0.0.1")
	p := packed(b, doQuery("x.www.example.com.", dns.TypeA, 1232, true))
	buf := make([]byte, dns.MaxMsgSize)
	b.ReportAllocs()
	for b.Loop() {
		s.respondUDP(s.Snapshot(), p, from, buf)
	}
}
