package dnsd

import (
	"context"
	"fmt"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// exampleZone is the main test zone. Negative TTL: min(3600, 300) = 300.
const exampleZone = `
$ORIGIN example.com.
$TTL 3600
@        IN SOA  ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300
@        IN NS   ns1.example.com.
@        IN NS   ns2.example.net.
@        IN MX   10 mail.example.com.
@        IN MX   20 mx.example.org.
@        IN A    192.0.2.1
@        IN TXT  "v=spf1 -all"
@        IN CAA  0 issue "letsencrypt.org"
ns1      IN A    192.0.2.53
ns1      IN AAAA 2001:db8::53
mail     IN A    192.0.2.25
www      IN A    192.0.2.80
www      IN AAAA 2001:db8::80
_sip._tcp IN SRV 10 60 5060 sip.example.com.
sip      IN A    192.0.2.60
alias    IN CNAME www.example.com.
chain1   IN CNAME chain2.example.com.
chain2   IN CNAME www.example.com.
loop1    IN CNAME loop2.example.com.
loop2    IN CNAME loop1.example.com.
ext      IN CNAME www.example.org.
dangling IN CNAME nothing.c.example.com.
tonodata IN CNAME www.example.com.
todeleg  IN CNAME host.sub.example.com.
*        IN A    192.0.2.99
*        IN TXT  "wildcard"
*.cn     IN CNAME www.example.com.
a.b.c    IN A    192.0.2.3
sub      IN NS   ns1.sub.example.com.
sub      IN NS   ns.example.net.
ns1.sub  IN A    192.0.2.54
sub      IN DS   12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
`

// otherZone has a SOA TTL below its MINIMUM: negative TTL 60.
const otherZone = `
$ORIGIN example.net.
@   60 IN SOA ns1.example.net. hostmaster.example.net. 7 7200 3600 1209600 300
@   60 IN NS  ns2.example.net.
ns2 60 IN A   198.51.100.2
`

// bigTXT returns n TXT records at big.example.com of 40 characters each:
// about 53 bytes each in a packed answer.
func bigTXT(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "big.example.com. 60 IN TXT \"%040d\"\n", i)
	}
	return b.String()
}

func parseZone(t testing.TB, origin, text string) Zone {
	t.Helper()
	zp := dns.NewZoneParser(strings.NewReader(text), origin, "")
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		t.Fatalf("parse zone %s: %v", origin, err)
	}
	return Zone{Origin: origin, Records: rrs}
}

// testSnapshot builds example.com (with 15 big TXT records) and example.net.
func testSnapshot(t testing.TB) *Snapshot {
	t.Helper()
	snap, err := NewSnapshot([]Zone{
		parseZone(t, "example.com.", exampleZone+bigTXT(15)),
		parseZone(t, "example.net.", otherZone),
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// startServer starts a server for snap on 127.0.0.1:0; it stops at the end
// of the test.
func startServer(t testing.TB, cfg Config, snap *Snapshot) (*Server, string) {
	t.Helper()
	return startServerLoop(t, cfg, snap, false)
}

// udpLoops names the UDP loops a test runs on: the system's fast one
// (Linux) and the portable netpoller one.
var udpLoops = []struct {
	name     string
	portable bool
}{{"fast", false}, {"portable", true}}

// startServerLoop is startServer choosing the UDP loop.
func startServerLoop(t testing.TB, cfg Config, snap *Snapshot, portable bool) (*Server, string) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	s := NewServer(cfg)
	s.portableUDP = portable
	s.SetSnapshot(snap)
	ctx, cancel := context.WithCancel(context.Background())
	if err := s.Start(ctx, "127.0.0.1:0"); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.Done():
		case <-time.After(10 * time.Second):
			t.Error("server did not stop within 10 s")
		}
	})
	udp, tcp := s.Addrs()
	if udp.String() != tcp.String() {
		t.Fatalf("UDP %s and TCP %s addresses differ", udp, tcp)
	}
	return s, udp.String()
}

// exchange sends one query over network ("udp" or "tcp") and fails the
// test on a transport error.
func exchange(t testing.TB, network, addr string, m *dns.Msg) *dns.Msg {
	t.Helper()
	c := &dns.Client{Net: network, Timeout: 3 * time.Second, UDPSize: 65535}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s query %s: %v", network, questionString(m), err)
	}
	return r
}

func newQuery(name string, qtype uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	m.RecursionDesired = false
	return m
}

// Peer helpers shared with other packages' tests (internal/testpeer).
var (
	needTool = testpeer.NeedTool
	lookTool = testpeer.LookTool
	skipLoud = testpeer.SkipLoud
	freePort = testpeer.FreePort
)

// syncBuffer collects a subprocess's output for the test log.
type syncBuffer = testpeer.Buffer
