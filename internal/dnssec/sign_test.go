package dnssec

import (
	"fmt"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// benchZone is a zone of n hosts with an A record each.
func benchZone(tb testing.TB, n int) []dns.RR {
	tb.Helper()
	rrs := []dns.RR{
		mustRR(tb, "example.com. 3600 IN SOA ns1.example.com. h.example.com. 1 7200 3600 1209600 300"),
		mustRR(tb, "example.com. 3600 IN NS ns1.example.com."),
	}
	for i := 0; i < n; i++ {
		rrs = append(rrs, mustRR(tb, fmt.Sprintf("h%d.example.com. 300 IN A 192.0.2.%d", i, i%250)))
	}
	return rrs
}

func mustRR(tb testing.TB, s string) dns.RR {
	rr, err := dns.NewRR(s)
	if err != nil {
		tb.Fatal(err)
	}
	return rr
}

func BenchmarkSignZone1000(b *testing.B) {
	now := time.Now()
	ksk, _ := Generate(dns.ECDSAP256SHA256, KSK, now)
	zsk, _ := Generate(dns.ECDSAP256SHA256, ZSK, now)
	zk := ZoneKeys{Keys: []Key{ksk, zsk}}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		rrs := benchZone(b, 1000)
		b.StartTimer()
		if _, err := DefaultPolicy().SignZone("example.com.", rrs, zk, now, now); err != nil {
			b.Fatal(err)
		}
	}
}
