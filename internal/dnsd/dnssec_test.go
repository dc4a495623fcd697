package dnsd

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/dnssec"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

// signedExtra adds to exampleZone a signed child zone hosted here too
// (signed.example.com, its DS added by signedSnapshot), an unsigned one
// (insecure.example.com, no DS) and CNAMEs into them.
const signedExtra = `
signed.example.com.   3600 IN NS ns1.example.com.
insecure.example.com. 3600 IN NS ns1.example.com.
out.example.com.      3600 IN CNAME www.signed.example.com.
toinsecure.example.com. 3600 IN CNAME www.insecure.example.com.
`

const childZone = `
$ORIGIN %s
$TTL 600
@   IN SOA ns1.example.com. hostmaster.example.com. 5 7200 3600 1209600 300
@   IN NS  ns1.example.com.
www IN A   192.0.2.180
`

// zoneKeys makes a KSK and a ZSK of alg, active since always.
func zoneKeys(t testing.TB, alg uint8) []dnssec.Key {
	t.Helper()
	var keys []dnssec.Key
	for _, role := range []dnssec.Role{dnssec.KSK, dnssec.ZSK} {
		k, err := dnssec.Generate(alg, role, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		k.Publish, k.Activate = time.Time{}, time.Time{}
		keys = append(keys, k)
	}
	return keys
}

// signZone signs z with keys at now (the zone's last change an hour ago).
func signZone(t testing.TB, z Zone, zk dnssec.ZoneKeys, now time.Time) Zone {
	t.Helper()
	rrs, err := dnssec.DefaultPolicy().SignZone(z.Origin, z.Records, zk, now, now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return Zone{Origin: z.Origin, Records: rrs}
}

// signedSnapshot hosts example.com signed with KSK+ZSK of alg (the test's
// trust anchor: its KSK), signed.example.com signed with a CSK and its DS
// in example.com, insecure.example.com unsigned.
func signedSnapshot(t testing.TB, alg uint8, now time.Time) (*Snapshot, []dnssec.Key) {
	t.Helper()
	keys := zoneKeys(t, alg)
	csk, err := dnssec.Generate(alg, dnssec.CSK, now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ds := csk.DS("signed.example.com.", 3600)
	parent := parseZone(t, "example.com.", exampleZone+signedExtra+ds.String()+"\n")
	child := parseZone(t, "signed.example.com.", fmt.Sprintf(childZone, "signed.example.com."))
	insecure := parseZone(t, "insecure.example.com.", fmt.Sprintf(childZone, "insecure.example.com."))
	snap, err := NewSnapshot([]Zone{
		signZone(t, parent, dnssec.ZoneKeys{Keys: keys}, now),
		signZone(t, child, dnssec.ZoneKeys{Keys: []dnssec.Key{csk}}, now),
		insecure,
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, keys
}

var (
	anchorFile = testpeer.DelvAnchors
	delv       = testpeer.Delv
)

// The validation verdicts delv prints.
const (
	validated = testpeer.DelvValidated
	negative  = testpeer.DelvNegative
	unsigned  = testpeer.DelvUnsigned
)

// TestDelvValidates serves signed zones and has delv (BIND's validator)
// validate, with example.com's KSK as the only trust anchor, positive
// answers, NXDOMAIN, NODATA, wildcard answers, empty non-terminals, CNAME
// chains inside the zone, into a signed child zone (through its DS) and
// into an insecure delegation (proved insecure by the NSEC without DS), for
// both algorithms, over UDP (and TCP for ECDSA).
func TestDelvValidates(t *testing.T) {
	bin := needTool(t, "delv", "bind9-dnsutils")
	for _, alg := range dnssec.Algorithms {
		t.Run(dns.AlgorithmToString[alg], func(t *testing.T) {
			snap, keys := signedSnapshot(t, alg, time.Now())
			_, addr := startServer(t, Config{}, snap)
			anchors := anchorFile(t, "example.com.", keys)
			for _, c := range []struct {
				name, qtype, want, answer string
			}{
				{"www.example.com.", "A", validated, "192.0.2.80"},
				{"WwW.Example.com.", "AAAA", validated, "2001:db8::80"},
				{"example.com.", "MX", validated, "mail.example.com."},
				{"example.com.", "DNSKEY", validated, "DNSKEY"},
				{"example.com.", "CDS", validated, "CDS"},
				{"example.com.", "CDNSKEY", validated, "CDNSKEY"},
				{"example.com.", "SOA", validated, "hostmaster.example.com."},
				{"_sip._tcp.example.com.", "SRV", validated, "sip.example.com."},
				{"x.www.example.com.", "A", negative, ""},               // NXDOMAIN
				{"www.example.com.", "TXT", negative, ""},               // NODATA
				{"b.c.example.com.", "A", negative, ""},                 // empty non-terminal
				{"c.example.com.", "TXT", negative, ""},                 // empty non-terminal
				{"anything.example.com.", "A", validated, "192.0.2.99"}, // wildcard
				{"a.b.anything.example.com.", "TXT", validated, "wildcard"},
				{"anything.example.com.", "MX", negative, ""}, // wildcard NODATA
				{"alias.example.com.", "A", validated, "192.0.2.80"},
				{"chain1.example.com.", "AAAA", validated, "2001:db8::80"},
				{"x.cn.example.com.", "A", validated, "192.0.2.80"},           // wildcard CNAME
				{"dangling.example.com.", "A", validated, "ncache nxdomain"},  // CNAME to NXDOMAIN
				{"tonodata.example.com.", "TXT", validated, "ncache nxrrset"}, // CNAME to NODATA
				{"out.example.com.", "A", validated, "192.0.2.180"},           // into the signed child
				{"www.signed.example.com.", "A", validated, "192.0.2.180"},
				{"signed.example.com.", "DS", validated, "DS"},
				{"nx.signed.example.com.", "A", negative, ""},
				{"insecure.example.com.", "DS", negative, ""},
				{"www.insecure.example.com.", "A", unsigned, "192.0.2.180"},
				{"toinsecure.example.com.", "A", unsigned, "192.0.2.180"},
			} {
				transports := []bool{false}
				if alg == dns.ECDSAP256SHA256 {
					transports = append(transports, true)
				}
				for _, tcp := range transports {
					var extra []string
					if tcp {
						extra = []string{"+tcp"}
					}
					out := delv(t, bin, addr, anchors, "example.com.", c.name, c.qtype, extra...)
					if !strings.Contains(out, c.want+"\n") || !strings.Contains(out, c.answer) {
						t.Errorf("delv %s %s (tcp %v): want %q and %q in:\n%s", c.name, c.qtype, tcp, c.want, c.answer, out)
					}
				}
			}
			// A wrong trust anchor fails: the check above can fail.
			other := zoneKeys(t, alg)
			out := delv(t, bin, addr, anchorFile(t, "example.com.", other), "example.com.", "www.example.com.", "A")
			if strings.Contains(out, validated) {
				t.Errorf("validated with another zone's key:\n%s", out)
			}
		})
	}
}

// axfrText transfers origin from addr and returns it as a zone file.
func axfrText(t testing.TB, addr, origin string) (string, []dns.RR) {
	t.Helper()
	m := new(dns.Msg)
	m.SetAxfr(origin)
	tr := &dns.Transfer{}
	env, err := tr.In(m, addr)
	if err != nil {
		t.Fatal(err)
	}
	var rrs []dns.RR
	var b strings.Builder
	for e := range env {
		if e.Error != nil {
			t.Fatalf("AXFR %s: %v", origin, e.Error)
		}
		for _, rr := range e.RR {
			rrs = append(rrs, rr)
			if len(rrs) > 1 && rr.Header().Rrtype == dns.TypeSOA {
				continue // the closing SOA
			}
			b.WriteString(rr.String() + "\n")
		}
	}
	return b.String(), rrs
}

// TestSignedTransfer transfers a signed zone by AXFR and has two
// independent checkers verify it (ldns-verify-zone, kzonecheck --dnssec
// on); then Knot DNS transfers it as a secondary and delv validates Knot's
// answers with the same trust anchor.
func TestSignedTransfer(t *testing.T) {
	verify := needTool(t, "ldns-verify-zone", "ldnsutils")
	kzonecheck := needTool(t, "kzonecheck", "knot-dnssecutils")
	knotd := needTool(t, "knotd", "knot")
	delvBin := needTool(t, "delv", "bind9-dnsutils")
	snap, keys := signedSnapshot(t, dns.ECDSAP256SHA256, time.Now())
	_, addr := startServer(t, Config{AXFRAllowed: loopback}, snap)

	dir := t.TempDir()
	for _, origin := range []string{"example.com.", "signed.example.com."} {
		text, rrs := axfrText(t, addr, origin)
		sigs := 0
		for _, rr := range rrs {
			if rr.Header().Rrtype == dns.TypeRRSIG {
				sigs++
			}
		}
		if sigs == 0 {
			t.Fatalf("AXFR of %s has no RRSIG", origin)
		}
		file := filepath.Join(dir, origin+"zone")
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := exec.CommandContext(ctx, verify, "-e", "P9D", file).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Zone is verified and complete") {
			t.Errorf("ldns-verify-zone %s: %v\n%s", origin, err, out)
		}
		out, err = exec.CommandContext(ctx, kzonecheck, "-o", origin, "--dnssec", "on", file).CombinedOutput()
		if err != nil {
			t.Errorf("kzonecheck %s: %v\n%s", origin, err, out)
		}
		cancel()
		// The checkers are not blind: a changed record fails them.
		bad := strings.Replace(text, "192.0.2.80", "192.0.2.79", 1)
		if origin == "example.com." {
			if bad == text {
				t.Fatal("no record to change")
			}
			badFile := filepath.Join(dir, "bad.zone")
			os.WriteFile(badFile, []byte(bad), 0o644)
			if out, err := exec.Command(verify, "-V", "1", badFile).CombinedOutput(); err == nil {
				t.Errorf("ldns-verify-zone accepted a changed zone:\n%s", out)
			}
			if out, err := exec.Command(kzonecheck, "-o", origin, "--dnssec", "on", badFile).CombinedOutput(); err == nil {
				t.Errorf("kzonecheck accepted a changed zone:\n%s", out)
			}
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	knot, knotAddr := startKnotSecondary(ctx, t, knotd, addr, "example.com.", "signed.example.com.")
	serial, _ := snap.Serial("example.com.")
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, _, err := (&dns.Client{Timeout: 500 * time.Millisecond}).Exchange(newQuery("example.com.", dns.TypeSOA), knotAddr)
		if err == nil && len(r.Answer) == 1 && r.Answer[0].(*dns.SOA).Serial == serial {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Knot does not serve serial %d after 10 s (%v %v)\n%s", serial, r, err, knot.Logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	anchors := anchorFile(t, "example.com.", keys)
	for _, c := range []struct{ name, qtype, want string }{
		{"www.example.com.", "A", validated},
		{"x.www.example.com.", "A", negative},
		{"www.example.com.", "TXT", negative},
		{"anything.example.com.", "A", validated},
		{"b.c.example.com.", "A", negative},
		{"out.example.com.", "A", validated},
		{"example.com.", "DNSKEY", validated},
	} {
		out := delv(t, delvBin, knotAddr, anchors, "example.com.", c.name, c.qtype)
		if !strings.Contains(out, c.want+"\n") {
			t.Errorf("delv via Knot %s %s: want %q in:\n%s", c.name, c.qtype, c.want, out)
		}
	}
}

// doQuery is a query with EDNS (payload size) and DO as asked.
func doQuery(name string, qtype uint16, size uint16, do bool) *dns.Msg {
	m := newQuery(name, qtype)
	m.SetEdns0(size, do)
	return m
}

// has reports whether section holds a record of type t (for RRSIG: one
// covering t).
func has(section []dns.RR, t uint16, covered uint16) bool {
	for _, rr := range section {
		if rr.Header().Rrtype != t {
			continue
		}
		if sig, ok := rr.(*dns.RRSIG); !ok || sig.TypeCovered == covered {
			return true
		}
	}
	return false
}

// TestSignedAnswerShapes checks what delv does not show: answers without
// DO from a signed zone carry no DNSSEC records; referrals with DO carry
// the signed DS, or the signed NSEC proving there is none (and no NSEC
// when there is a DS); every RRSIG in those answers verifies with the
// zone's DNSKEY; a signed answer too large for the client's UDP size is
// truncated (TC), and fits in 1232 bytes.
func TestSignedAnswerShapes(t *testing.T) {
	snap, _ := signedSnapshot(t, dns.ECDSAP256SHA256, time.Now())
	keyset := snap.answer(doQuery("example.com.", dns.TypeDNSKEY, 1232, true)).Answer
	verifyAll := func(m *dns.Msg) {
		t.Helper()
		sets := map[[2]string][]dns.RR{}
		for _, rr := range append(append([]dns.RR{}, m.Answer...), m.Ns...) {
			if rr.Header().Rrtype != dns.TypeRRSIG {
				k := [2]string{strings.ToLower(rr.Header().Name), dns.Type(rr.Header().Rrtype).String()}
				sets[k] = append(sets[k], rr)
			}
		}
		n := 0
		for _, rr := range append(append([]dns.RR{}, m.Answer...), m.Ns...) {
			sig, ok := rr.(*dns.RRSIG)
			if !ok {
				continue
			}
			set := sets[[2]string{strings.ToLower(sig.Hdr.Name), dns.Type(sig.TypeCovered).String()}]
			ok = false
			for _, k := range keyset {
				if k, isKey := k.(*dns.DNSKEY); isKey && k.KeyTag() == sig.KeyTag && sig.Verify(k, set) == nil {
					ok = true
				}
			}
			if !ok {
				t.Errorf("RRSIG %v does not verify over %v", sig, set)
			}
			n++
		}
		if n == 0 {
			t.Errorf("no RRSIG in %v", m)
		}
	}

	for _, q := range []struct {
		name  string
		qtype uint16
	}{{"www.example.com.", dns.TypeA}, {"x.www.example.com.", dns.TypeA}, {"www.example.com.", dns.TypeTXT},
		{"anything.example.com.", dns.TypeA}, {"host.sub.example.com.", dns.TypeA}, {"example.com.", dns.TypeDNSKEY}} {
		for _, edns := range []bool{false, true} {
			req := newQuery(q.name, q.qtype)
			if edns {
				req = doQuery(q.name, q.qtype, 1232, false)
			}
			m := snap.answer(req)
			if has(m.Answer, dns.TypeRRSIG, q.qtype) || has(m.Ns, dns.TypeNSEC, 0) || has(m.Ns, dns.TypeRRSIG, dns.TypeSOA) {
				t.Errorf("%s %s without DO (EDNS %v): DNSSEC records in\n%v", q.name, dns.Type(q.qtype), edns, m)
			}
		}
		verifyAll(snap.answer(doQuery(q.name, q.qtype, 1232, true)))
	}

	// A referral to a child with a DS: the DS and its RRSIG, no NSEC.
	m := snap.answer(doQuery("host.sub.example.com.", dns.TypeA, 1232, true))
	if m.Authoritative || !has(m.Ns, dns.TypeNS, 0) || !has(m.Ns, dns.TypeDS, 0) || !has(m.Ns, dns.TypeRRSIG, dns.TypeDS) || has(m.Ns, dns.TypeNSEC, 0) {
		t.Errorf("referral with DS:\n%v", m)
	}
	// Without a DS: the NSEC of the delegation point (NS, RRSIG, NSEC in
	// its bitmap, no DS) and its RRSIG.
	// (insecure.example.com is hosted here too: ask the parent's view
	// through a snapshot without the child.)
	parentOnly := snap.WithoutZone("insecure.example.com.")
	m = parentOnly.answer(doQuery("www.insecure.example.com.", dns.TypeA, 1232, true))
	var nsec *dns.NSEC
	for _, rr := range m.Ns {
		if n, ok := rr.(*dns.NSEC); ok {
			nsec = n
		}
	}
	if m.Authoritative || nsec == nil || nsec.Hdr.Name != "insecure.example.com." || !has(m.Ns, dns.TypeRRSIG, dns.TypeNSEC) || has(m.Ns, dns.TypeDS, 0) {
		t.Fatalf("referral without DS:\n%v", m)
	}
	if fmt.Sprint(nsec.TypeBitMap) != fmt.Sprint([]uint16{dns.TypeNS, dns.TypeRRSIG, dns.TypeNSEC}) {
		t.Errorf("NSEC bitmap at a delegation: %v", nsec.TypeBitMap)
	}
	verifyAll(m)

	// Truncation: over UDP, a signed CNAME to NXDOMAIN does not fit 512 bytes (TC,
	// no records), fits 1232.
	_, addr := startServer(t, Config{}, snap)
	full := exchange(t, "tcp", addr, doQuery("dangling.example.com.", dns.TypeA, 1232, true))
	if b, _ := full.Pack(); len(b) <= 512 {
		t.Fatalf("the signed CNAME and NXDOMAIN is only %d bytes: no truncation to test", len(b))
	}
	small := exchange(t, "udp", addr, doQuery("dangling.example.com.", dns.TypeA, 512, true))
	if !small.Truncated || len(small.Ns) != 0 {
		t.Errorf("512-byte DO answer: TC %v, %d authority records", small.Truncated, len(small.Ns))
	}
	big := exchange(t, "udp", addr, doQuery("dangling.example.com.", dns.TypeA, 1232, true))
	if big.Truncated || len(big.Ns) != len(full.Ns) || big.Rcode != dns.RcodeNameError {
		t.Errorf("1232-byte DO answer: TC %v, %d authority records (TCP: %d)", big.Truncated, len(big.Ns), len(full.Ns))
	}
}
