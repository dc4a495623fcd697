package dnsd

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}

// zoneStrings returns the records of zone origin in snap as text, sorted.
func zoneStrings(snap *Snapshot, origin string) []string {
	var out []string
	for _, n := range snap.zones[origin].order {
		for _, set := range n.sets {
			for _, rr := range set.rrs {
				out = append(out, rr.String())
			}
		}
	}
	slices.Sort(out)
	return out
}

// checkTransfer checks that rrs is the whole zone, SOA first and last.
func checkTransfer(t *testing.T, snap *Snapshot, origin string, rrs []string) {
	t.Helper()
	if len(rrs) < 2 || !strings.Contains(rrs[0], "\tSOA\t") || rrs[0] != rrs[len(rrs)-1] {
		t.Fatalf("transfer does not start and end with the SOA: first %q, last %q", rrs[0], rrs[len(rrs)-1])
	}
	got := slices.Clone(rrs[:len(rrs)-1])
	slices.Sort(got)
	if want := zoneStrings(snap, origin); !slices.Equal(got, want) {
		t.Errorf("transfer has %d records, the zone %d:\n got %q\nwant %q", len(got), len(want), got, want)
	}
}

func TestAXFRDig(t *testing.T) {
	bin := needTool(t, "dig", "dnsutils")
	snap := testSnapshot(t)
	_, addr := startServer(t, Config{AXFRAllowed: loopback}, snap)

	r := dig(t, bin, addr, "AXFR", "example.com.")
	if r.status != "NOERROR" || r.failed || !slices.Contains(r.flags, "aa") {
		t.Fatalf("AXFR: status %s, flags %v, failed %v", r.status, r.flags, r.failed)
	}
	checkTransfer(t, snap, "example.com.", r.answer)

	// IXFR is answered as AXFR; dig prints the same records.
	r = dig(t, bin, addr, "IXFR=2020010101", "example.com.")
	if r.status != "NOERROR" {
		t.Fatalf("IXFR: status %s", r.status)
	}
	checkTransfer(t, snap, "example.com.", r.answer)

	// Not a zone we host.
	if r := dig(t, bin, addr, "AXFR", "example.org."); !r.failed || r.status != "NOTAUTH" {
		t.Errorf("AXFR of another zone: status %s failed %v; want NOTAUTH", r.status, r.failed)
	}
	if r := dig(t, bin, addr, "AXFR", "www.example.com."); !r.failed || r.status != "NOTAUTH" {
		t.Errorf("AXFR below the apex: status %s failed %v; want NOTAUTH", r.status, r.failed)
	}
}

func TestAXFRRefused(t *testing.T) {
	bin := needTool(t, "dig", "dnsutils")
	// 127.0.0.1 is not allowed here.
	_, addr := startServer(t, Config{AXFRAllowed: []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("127.0.0.2/32"), netip.MustParsePrefix("::1/128"),
	}}, testSnapshot(t))
	r := dig(t, bin, addr, "AXFR", "example.com.")
	if r.status != "REFUSED" || !r.failed || r.records != 0 {
		t.Errorf("AXFR from a disallowed address: status %s, failed %v, %d records; want REFUSED", r.status, r.failed, r.records)
	}
	// Without any allowed prefix, nobody may transfer.
	_, addr = startServer(t, Config{}, testSnapshot(t))
	if r := dig(t, bin, addr, "AXFR", "example.com."); r.status != "REFUSED" {
		t.Errorf("AXFR with no AXFRAllowed: status %s", r.status)
	}
}

// transferIn runs an AXFR or IXFR with miekg's client and returns the
// records and the number of messages.
func transferIn(t *testing.T, addr string, m *dns.Msg, tsig map[string]string) ([]string, int, error) {
	t.Helper()
	tr := &dns.Transfer{TsigSecret: tsig, ReadTimeout: 5 * time.Second}
	ch, err := tr.In(m, addr)
	if err != nil {
		return nil, 0, err
	}
	var rrs []string
	msgs := 0
	for env := range ch {
		if env.Error != nil {
			return rrs, msgs, env.Error
		}
		msgs++
		for _, rr := range env.RR {
			rrs = append(rrs, rr.String())
		}
	}
	return rrs, msgs, nil
}

// bigZone has n A records.
func bigZone(t testing.TB, n int) *Snapshot {
	var b strings.Builder
	b.WriteString(exampleZone)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "h%d.example.com. 60 IN A 10.0.%d.%d\n", i, i/256, i%256)
	}
	snap, err := NewSnapshot([]Zone{parseZone(t, "example.com.", b.String())})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestAXFRLargeZone(t *testing.T) {
	snap := bigZone(t, 5000)
	_, addr := startServer(t, Config{AXFRAllowed: loopback}, snap)
	m := new(dns.Msg)
	m.SetAxfr("example.com.")
	rrs, msgs, err := transferIn(t, addr, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if msgs < 3 {
		t.Errorf("%d records in %d messages; want several messages", len(rrs), msgs)
	}
	checkTransfer(t, snap, "example.com.", rrs)
}

func TestIXFR(t *testing.T) {
	snap := testSnapshot(t)
	_, addr := startServer(t, Config{AXFRAllowed: loopback}, snap)
	for _, tc := range []struct {
		serial uint32
		whole  bool
	}{{2024010100, true}, {2024010101, false}, {2024010102, false}} {
		m := new(dns.Msg)
		m.SetIxfr("example.com.", tc.serial, "ns1.example.com.", "hostmaster.example.com.")
		rrs, _, err := transferIn(t, addr, m, nil)
		if err != nil {
			t.Fatalf("client serial %d: %v", tc.serial, err)
		}
		if tc.whole {
			checkTransfer(t, snap, "example.com.", rrs)
		} else if len(rrs) != 1 || !strings.Contains(rrs[0], "2024010101") {
			t.Errorf("client serial %d: %q; want our SOA alone", tc.serial, rrs)
		}
	}
}

func TestAXFRTSIG(t *testing.T) {
	const secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0xMjM0NTY3OA=="
	snap := bigZone(t, 2000)
	_, addr := startServer(t, Config{AXFRAllowed: loopback, TSIG: map[string]string{"Xfr-Key.": secret}}, snap)

	m := new(dns.Msg)
	m.SetAxfr("example.com.")
	if _, _, err := transferIn(t, addr, m, nil); err == nil || !strings.Contains(err.Error(), "REFUSED") && !strings.Contains(err.Error(), "bad xfr rcode") {
		t.Errorf("unsigned AXFR: %v; want REFUSED", err)
	}

	m = new(dns.Msg)
	m.SetAxfr("example.com.")
	m.SetTsig("xfr-key.", dns.HmacSHA256, 300, time.Now().Unix())
	rrs, msgs, err := transferIn(t, addr, m, map[string]string{"xfr-key.": secret})
	if err != nil {
		t.Fatalf("signed AXFR: %v", err)
	}
	if msgs < 2 {
		t.Errorf("signed AXFR in %d message; want several, each signed", msgs)
	}
	checkTransfer(t, snap, "example.com.", rrs)

	m = new(dns.Msg)
	m.SetAxfr("example.com.")
	m.SetTsig("xfr-key.", dns.HmacSHA256, 300, time.Now().Unix())
	if _, _, err := transferIn(t, addr, m, map[string]string{"xfr-key.": "d3Jvbmc="}); err == nil {
		t.Error("AXFR signed with a wrong secret succeeded")
	}

	// A signed query is answered signed, over UDP and TCP.
	for _, network := range []string{"udp", "tcp"} {
		q := newQuery("www.example.com.", dns.TypeA)
		q.SetTsig("xfr-key.", dns.HmacSHA256, 300, time.Now().Unix())
		c := &dns.Client{Net: network, TsigSecret: map[string]string{"xfr-key.": secret}, Timeout: 3 * time.Second}
		r, _, err := c.Exchange(q, addr)
		if err != nil || len(r.Answer) != 1 || r.IsTsig() == nil {
			t.Errorf("signed %s query: %v %v", network, r, err)
		}
	}

	if bin := needTool(t, "dig", "dnsutils"); bin != "" {
		if r := dig(t, bin, addr, "AXFR", "example.com."); r.status != "REFUSED" {
			t.Errorf("unsigned dig AXFR: %s", r.status)
		}
		r := dig(t, bin, addr, "-y", "hmac-sha256:xfr-key:"+secret, "AXFR", "example.com.")
		if r.status != "NOERROR" || r.failed || r.badSig {
			t.Fatalf("dig -y AXFR: status %s, failed %v, bad signature %v", r.status, r.failed, r.badSig)
		}
		if r.tsig < 2 {
			t.Errorf("dig saw %d TSIG records; want one per message", r.tsig)
		}
		checkTransfer(t, snap, "example.com.", r.answer)
	}
}
