package dnsd

import (
	"net/netip"
	"testing"

	"github.com/miekg/dns"
)

// FuzzRespond feeds arbitrary UDP payloads to a worker: it must not panic,
// and whatever it answers must parse, echo the ID and fit in 65535 bytes.
// go test -run='^$' -fuzz=FuzzRespond -fuzztime=60s ./internal/dnsd/
func FuzzRespond(f *testing.F) {
	for _, q := range []*dns.Msg{
		newQuery("www.example.com.", dns.TypeA),
		newQuery("WwW.ExAmPlE.CoM.", dns.TypeANY),
		newQuery("x.c.example.com.", dns.TypeMX),
		newQuery("example.com.", dns.TypeIXFR),
	} {
		f.Add(packed(f, q))
		q.SetEdns0(4096, true)
		f.Add(packed(f, q))
	}
	s := NewServer(Config{Logger: quietLogger()})
	s.SetSnapshot(testSnapshot(f))
	w := &udpWorker{s: s, out: make([]byte, 0, dns.MaxMsgSize)}
	from := netip.MustParseAddr("127.0.0.1")
	f.Fuzz(func(t *testing.T, p []byte) {
		resp := w.respond(p, from)
		if resp == nil {
			return
		}
		if len(p) < 2 || resp[0] != p[0] || resp[1] != p[1] {
			t.Fatalf("answer ID does not match the query's")
		}
		var m dns.Msg
		if err := m.Unpack(resp); err != nil {
			// Header-only answers to garbage parse; anything else must too.
			t.Fatalf("answer does not parse: %v", err)
		}
		if !m.Response {
			t.Fatal("answer without QR")
		}
	})
}
