package dnssec

import (
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestGenerateMarshalSignVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for _, alg := range Algorithms {
		for _, role := range []Role{CSK, KSK, ZSK} {
			k, err := Generate(alg, role, now)
			if err != nil {
				t.Fatal(err)
			}
			if err := ParsePublicKey(alg, k.PublicKey); err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			der, err := MarshalPrivateKey(k)
			if err != nil {
				t.Fatal(err)
			}
			signer, err := ParsePrivateKey(alg, der, k.PublicKey)
			if err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			other, _ := Generate(alg, role, now)
			if _, err := ParsePrivateKey(alg, der, other.PublicKey); err == nil {
				t.Fatalf("%s: a private key matched another key's public key", k)
			}
			back, err := NewKey(alg, role, signer)
			if err != nil || back.PublicKey != k.PublicKey || back.Tag() != k.Tag() {
				t.Fatalf("%s: round trip gave %v (%v)", k, back, err)
			}
			dnskey := k.DNSKEY("Example.COM.", 3600)
			if dnskey.Hdr.Name != "example.com." || dnskey.Flags != role.Flags() || dnskey.KeyTag() != k.Tag() {
				t.Fatalf("DNSKEY %v", dnskey)
			}
			// A signature made with the parsed private key verifies
			// with the published DNSKEY.
			a := &dns.A{Hdr: dns.RR_Header{Name: "www.example.com.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}}
			a.A = []byte{192, 0, 2, 1}
			sig := &dns.RRSIG{Hdr: dns.RR_Header{Name: "www.example.com.", Rrtype: dns.TypeRRSIG, Class: dns.ClassINET, Ttl: 60},
				Inception: uint32(now.Unix()), Expiration: uint32(now.Add(time.Hour).Unix()),
				KeyTag: k.Tag(), SignerName: "example.com.", Algorithm: alg}
			if err := sig.Sign(signer, []dns.RR{a}); err != nil {
				t.Fatal(err)
			}
			if err := sig.Verify(dnskey, []dns.RR{a}); err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			if role.SEP() {
				ds := k.DS("example.com.", 86400)
				if ds.DigestType != dns.SHA256 || ds.KeyTag != k.Tag() || len(ds.Digest) != 64 {
					t.Fatalf("DS %v", ds)
				}
				if cds := k.CDS("example.com.", 60); cds.Hdr.Rrtype != dns.TypeCDS || cds.Digest != ds.Digest {
					t.Fatalf("CDS %v", cds)
				}
			}
		}
	}
	if _, err := Generate(7, ZSK, now); err == nil {
		t.Fatal("algorithm 7 accepted")
	}
}

func TestLifecycle(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	k, _ := Generate(dns.ECDSAP256SHA256, ZSK, t0)
	k.Publish, k.Activate, k.Retire, k.Remove = t0, t0.Add(time.Hour), t0.Add(2*time.Hour), t0.Add(3*time.Hour)
	for _, c := range []struct {
		at          time.Duration
		pub, active bool
	}{
		{-time.Second, false, false},
		{0, true, false},
		{time.Hour - time.Second, true, false},
		{time.Hour + 500*time.Millisecond, true, true},
		{2 * time.Hour, true, false},
		{3 * time.Hour, false, false},
	} {
		now := t0.Add(c.at)
		if k.Published(now) != c.pub || k.Active(now) != c.active {
			t.Errorf("at %v: published %v active %v, want %v %v", c.at, k.Published(now), k.Active(now), c.pub, c.active)
		}
	}
	var always Key
	always.Signer = k.Signer
	if !always.Published(t0) || !always.Active(t0) {
		t.Error("zero times: not published/active")
	}
	always.Signer = nil
	if always.Active(t0) {
		t.Error("a key without private part is active")
	}
}

func TestParseAlgorithm(t *testing.T) {
	for in, want := range map[string]uint8{"": 13, "ecdsap256sha256": 13, "13": 13, "ED25519": 15, "15": 15} {
		if got, err := ParseAlgorithm(in); err != nil || got != want {
			t.Errorf("%q: %d %v", in, got, err)
		}
	}
	for _, in := range []string{"RSASHA256", "8", "x"} {
		if _, err := ParseAlgorithm(in); err == nil || !strings.Contains(err.Error(), "unsupported") {
			t.Errorf("%q accepted (%v)", in, err)
		}
	}
}
