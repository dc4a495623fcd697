package dnsd

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

// TestKnotSecondary runs Knot DNS (knotd) as a secondary of our zone: it
// transfers the zone at start, then, after a change and a NOTIFY sent with
// Notify, transfers it again and serves the new serial.
func TestKnotSecondary(t *testing.T) {
	knotd := needTool(t, "knotd", "knot")
	srv, addr := startServer(t, Config{AXFRAllowed: loopback}, testSnapshot(t))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	knot, knotAddr := startKnotSecondary(ctx, t, knotd, addr, "example.com.")
	// waitFor polls Knot until it serves serial and www's address is want.
	waitFor := func(serial uint32, want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		c := &dns.Client{Net: "udp", Timeout: 500 * time.Millisecond}
		var last string
		for time.Now().Before(deadline) {
			select {
			case err := <-knot.Exited:
				t.Fatalf("knotd exited: %v\n%s", err, knot.Logs.String())
			default:
			}
			r, _, err := c.Exchange(newQuery("example.com.", dns.TypeSOA), knotAddr)
			if err == nil && len(r.Answer) == 1 {
				if soa, ok := r.Answer[0].(*dns.SOA); ok && soa.Serial == serial {
					r, _, err := c.Exchange(newQuery("www.example.com.", dns.TypeA), knotAddr)
					if err == nil && len(r.Answer) == 1 && r.Authoritative && r.Answer[0].(*dns.A).A.String() == want {
						return
					}
				}
			}
			if err != nil {
				last = err.Error()
			} else {
				last = r.String()
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("Knot does not serve serial %d with www A %s after 10 s; last answer: %s", serial, want, last)
	}

	start := time.Now()
	waitFor(2024010101, "192.0.2.80")
	t.Logf("Knot loaded the zone by AXFR in %v", time.Since(start))

	next, err := NewSnapshot([]Zone{parseZone(t, "example.com.", strings.NewReplacer(
		"2024010101", "2024010102", "192.0.2.80", "192.0.2.81").Replace(exampleZone))})
	if err != nil {
		t.Fatal(err)
	}
	srv.SetSnapshot(next)
	start = time.Now()
	nctx, ncancel := context.WithTimeout(ctx, 10*time.Second)
	defer ncancel()
	if err := Notify(nctx, "example.com.", 2024010102, []string{knotAddr}); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	waitFor(2024010102, "192.0.2.81")
	t.Logf("Knot served the new serial %v after the NOTIFY", time.Since(start))
}

// startKnotSecondary runs knotd as a secondary of the zones, transferred
// from our server at primary ("127.0.0.1:port"), and returns it with its
// address. It stops with ctx or the test.
func startKnotSecondary(ctx context.Context, t *testing.T, knotd, primary string, zones ...string) (*testpeer.Daemon, string) {
	t.Helper()
	_, ourPort, _ := net.SplitHostPort(primary)
	dir := t.TempDir()
	for _, d := range []string{"run", "db", "zones"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	port := freePort(t)
	conf := fmt.Sprintf(`server:
    rundir: "%[1]s/run"
    listen: 127.0.0.1@%[2]d
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1

log:
  - target: stderr
    any: info

database:
    storage: "%[1]s/db"
    journal-db-max-size: 64M
    timer-db-max-size: 16M
    kasp-db-max-size: 16M
    catalog-db-max-size: 16M

remote:
  - id: primary
    address: 127.0.0.1@%[3]s

acl:
  - id: notify_from_primary
    address: 127.0.0.1
    action: notify

template:
  - id: default
    storage: "%[1]s/zones"
    zonefile-sync: -1
    zonefile-load: none
    journal-content: none

zone:
`, dir, port, ourPort)
	for _, z := range zones {
		conf += fmt.Sprintf("  - domain: %s\n    master: primary\n    acl: notify_from_primary\n", z)
	}
	confPath := filepath.Join(dir, "knot.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return testpeer.Start(ctx, t, knotd, "-c", confPath), fmt.Sprintf("127.0.0.1:%d", port)
}
