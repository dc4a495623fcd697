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

func TestEpochsAndSerial(t *testing.T) {
	p := Policy{ResignDays: 4}
	now := time.Date(2026, 12, 7, 18, 30, 0, 0, time.UTC)
	offsets := map[int64]bool{}
	for i := 0; i < 40; i++ {
		origin := fmt.Sprintf("z%d.example.", i)
		e := p.EpochStart(origin, now)
		if e.After(now) || now.Sub(e) >= 4*24*time.Hour || e.Unix()%86400 != 0 {
			t.Fatalf("%s: epoch start %v for %v", origin, e, now)
		}
		// The epoch is the same all along, and the next one starts 4
		// days later.
		if p.EpochStart(origin, e) != e || p.EpochStart(origin, e.Add(4*24*time.Hour-time.Second)) != e ||
			p.EpochStart(origin, e.Add(4*24*time.Hour)) != e.Add(4*24*time.Hour) {
			t.Fatalf("%s: epochs are not 4 days from %v", origin, e)
		}
		offsets[e.Unix()/86400%4] = true
		// The serial: YYYYMMDD00 of the signing time's day unless the
		// stored one is later; below what the panel gives an edit that
		// day (YYYYMMDD01 at least).
		y, m, d := e.Date()
		want := uint32((y*10000 + int(m)*100 + d) * 100)
		if got := Serial(2026010101, e); got != want {
			t.Fatalf("%s: serial %d, want %d", origin, got, want)
		}
		if got := Serial(2026120702, p.SigningTime(origin, now, time.Time{}, time.Time{})); got != 2026120702 {
			t.Fatalf("%s: serial %d over a later stored one", origin, got)
		}
		if got := Serial(0, now); got != 2026120700 {
			t.Fatalf("%s: serial %d, want today's YYYYMMDD00", origin, got)
		}
		// Signing time: the zone's last change when later than the
		// epoch's start.
		if st := p.SigningTime(origin, now, e.Add(90*time.Minute+500*time.Millisecond), time.Time{}); !st.Equal(e.Add(90 * time.Minute)) {
			t.Fatalf("%s: signing time %v", origin, st)
		}
		if st := p.SigningTime(origin, now, e.Add(-time.Hour), e.Add(2*time.Hour)); !st.Equal(e.Add(2 * time.Hour)) {
			t.Fatalf("%s: signing time %v (the keys' change)", origin, st)
		}
		if st := p.SigningTime(origin, now, e.Add(-time.Hour), now.Add(time.Hour)); !st.Equal(e) {
			t.Fatalf("%s: signing time %v (changes in the future ignored)", origin, st)
		}
	}
	if len(offsets) < 3 {
		t.Errorf("the zones' epochs are not spread over the days: %v", offsets)
	}
}

// signedTypes returns, by owner and type, the key tags of the RRSIGs.
func signedTypes(rrs []dns.RR) map[string][]uint16 {
	out := map[string][]uint16{}
	for _, rr := range rrs {
		if s, ok := rr.(*dns.RRSIG); ok {
			k := s.Hdr.Name + " " + dns.Type(s.TypeCovered).String()
			out[k] = append(out[k], s.KeyTag)
		}
	}
	return out
}

func TestSignZoneRoles(t *testing.T) {
	now := time.Date(2026, 12, 7, 18, 30, 0, 0, time.UTC)
	ksk, _ := Generate(dns.ED25519, KSK, now.Add(-48*time.Hour))
	zsk, _ := Generate(dns.ED25519, ZSK, now.Add(-48*time.Hour))
	csk, _ := Generate(dns.ECDSAP256SHA256, CSK, now.Add(-48*time.Hour))
	p := DefaultPolicy()

	// KSK + ZSK: the KSK signs DNSKEY, CDS, CDNSKEY; the ZSK the rest.
	rrs, err := p.SignZone("example.com.", benchZone(t, 3), ZoneKeys{Keys: []Key{ksk, zsk}}, now, now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	sigs := signedTypes(rrs)
	for k, want := range map[string]uint16{
		"example.com. DNSKEY": ksk.Tag(), "example.com. CDS": ksk.Tag(), "example.com. CDNSKEY": ksk.Tag(),
		"example.com. SOA": zsk.Tag(), "example.com. NS": zsk.Tag(), "h1.example.com. A": zsk.Tag(), "h1.example.com. NSEC": zsk.Tag(),
	} {
		if got := sigs[k]; len(got) != 1 || got[0] != want {
			t.Errorf("KSK+ZSK: %s signed by %v, want %d", k, got, want)
		}
	}
	// A CSK signs everything.
	rrs, err = p.SignZone("example.com.", benchZone(t, 3), ZoneKeys{Keys: []Key{csk}}, now, now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for k, got := range signedTypes(rrs) {
		if len(got) != 1 || got[0] != csk.Tag() {
			t.Errorf("CSK: %s signed by %v", k, got)
		}
	}
	// Keys published after the signing time (no bump of the zone): the
	// zone stays unsigned, with its stored serial, until the next epoch.
	later, _ := Generate(dns.ECDSAP256SHA256, CSK, now)
	rrs, err = p.SignZone("example.com.", benchZone(t, 3), ZoneKeys{Keys: []Key{later}}, now, now.Add(-time.Hour))
	if err != nil || len(signedTypes(rrs)) != 0 || rrs[0].(*dns.SOA).Serial != 1 {
		t.Fatalf("keys not yet published: %d signed RRsets, serial %d, %v", len(signedTypes(rrs)), rrs[0].(*dns.SOA).Serial, err)
	}
	// The same keys with the zone changed after their publication: signed.
	rrs, _ = p.SignZone("example.com.", benchZone(t, 3), ZoneKeys{Keys: []Key{later}}, now.Add(time.Minute), now.Add(time.Second))
	if len(signedTypes(rrs)) == 0 {
		t.Fatal("keys published before the zone's change: not signed")
	}
	// Or the keys' change (ZoneKeys.Changed) after it: signed, with the
	// serial of the day.
	rrs, _ = p.SignZone("example.com.", benchZone(t, 3), ZoneKeys{Keys: []Key{later}, Changed: now}, now.Add(time.Minute), now.Add(-time.Hour))
	if len(signedTypes(rrs)) == 0 || rrs[0].(*dns.SOA).Serial != 2026120700 {
		t.Fatalf("keys changed after their publication: %d signed RRsets, serial %d", len(signedTypes(rrs)), rrs[0].(*dns.SOA).Serial)
	}
	// Unsigning: the delete CDS and CDNSKEY, signed by the KSK.
	rrs, _ = p.SignZone("example.com.", benchZone(t, 3), ZoneKeys{Keys: []Key{ksk, zsk}, Unsigning: true}, now, now.Add(-time.Hour))
	found := 0
	for _, rr := range rrs {
		switch r := rr.(type) {
		case *dns.CDS:
			if r.Algorithm != 0 || r.Digest != "00" {
				t.Errorf("CDS while unsigning: %v", r)
			}
			found++
		case *dns.CDNSKEY:
			if r.Algorithm != 0 || r.PublicKey != "AA==" {
				t.Errorf("CDNSKEY while unsigning: %v", r)
			}
			found++
		}
	}
	if found != 2 || len(signedTypes(rrs)["example.com. CDS"]) != 1 {
		t.Errorf("unsigning: %d delete records", found)
	}
}
