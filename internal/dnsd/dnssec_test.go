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

// anchorFile writes a delv trust anchor file for origin's SEP keys.
func anchorFile(t testing.TB, origin string, keys []dnssec.Key) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("trust-anchors {\n")
	for _, k := range keys {
		if k.Role.SEP() {
			fmt.Fprintf(&b, "  %s static-key %d 3 %d \"%s\";\n", origin, k.Flags(), k.Algorithm, k.PublicKey)
		}
	}
	b.WriteString("};\n")
	path := filepath.Join(t.TempDir(), "anchors.conf")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// delv runs delv against addr with the anchor for root and returns its
// output.
func delv(t testing.TB, bin, addr, anchors, root, name, qtype string, extra ...string) string {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	args := append([]string{"@" + host, "-p", port, "-a", anchors, "+root=" + root, "+nomtrace", name, qtype}, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil && ctx.Err() != nil {
		t.Fatalf("delv %s %s: %v\n%s", name, qtype, err, out)
	}
	return string(out)
}

// The validation verdicts delv prints.
const (
	validated = "; fully validated"
	negative  = "; negative response, fully validated"
	unsigned  = "; unsigned answer"
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
