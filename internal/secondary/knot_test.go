package secondary

import (
	"context"
	"fmt"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/dnsd"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

const knotZone = `$ORIGIN example.com.
$TTL 3600
@	SOA ns1.example.com. hostmaster.example.com. ( %d 3600 600 1209600 300 )
	NS	ns1
	NS	ns2.example.net.
ns1	A	192.0.2.53
www	300 A	%s
www	AAAA	2001:db8::80
@	MX	10 mail
mail	A	192.0.2.25
@	TXT	"v=spf1 mx -all"
_sip._tcp SRV 10 5 5060 sip.example.net.
sub	NS	ns.sub
ns.sub	A	192.0.2.99
*.wild	CNAME	www
`

// servingPublisher is what the lead wires Publish to: it reloads the
// zone's stored content into a dnsd.Server's snapshot.
type servingPublisher struct {
	t     testing.TB
	st    store.Store
	srv   *dnsd.Server
	mu    sync.Mutex
	zones map[string]dnsd.Zone
}

func (p *servingPublisher) Publish(ctx context.Context, domain string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	origin := dns.Fqdn(domain)
	delete(p.zones, origin)
	if z, err := p.st.ZoneByDomain(ctx, domain); err == nil {
		c, err := p.st.SecondaryZoneContent(ctx, z.ID)
		if err != nil {
			p.t.Errorf("SecondaryZoneContent: %v", err)
			return
		}
		dz, ok, err := ServedZone(c)
		if err != nil {
			p.t.Errorf("ServedZone: %v", err)
			return
		}
		if ok {
			p.zones[origin] = dz
		}
	}
	var list []dnsd.Zone
	for _, z := range p.zones {
		// NewSnapshot owns what it gets: give it copies.
		rrs := make([]dns.RR, len(z.Records))
		for i, rr := range z.Records {
			rrs[i] = dns.Copy(rr)
		}
		list = append(list, dnsd.Zone{Origin: z.Origin, Records: rrs})
	}
	snap, err := dnsd.NewSnapshot(list)
	if err != nil {
		p.t.Errorf("NewSnapshot: %v", err)
		return
	}
	p.srv.SetSnapshot(snap)
}

// TestKnotMaster: Knot DNS (knotd) is the master of example.com; the worker
// transfers the zone from it into the store (on the NOTIFY Knot sends when
// it starts, or at Run's first look, whichever comes first) and publishes
// it into a dnsd.Server. Then the zone file changes, Knot reloads it and sends a
// NOTIFY to the dnsd.Server, whose OnNotify is Worker.Notified: the worker
// transfers the new serial and the server answers with it.
func TestKnotMaster(t *testing.T) {
	knotd := needTool(t, "knotd", "knot")
	knotc := lookTool("knotc")

	st := openStore(t)
	c := store.Customer{Name: "c", Language: "en", Currency: "EUR"}
	if err := st.CustomerCreate(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
	z := store.Zone{CustomerID: c.ID, Domain: "example.com", Type: store.ZoneTypeSecondary, MasterNameserver: "127.0.0.1"}
	if err := st.ZoneCreate(t.Context(), &z); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	knotPort := freePort(t)
	w := &Worker{Store: st, Port: uint16(knotPort), Logger: testLogger(t),
		QueryTimeout: 2 * time.Second, TransferTimeout: 10 * time.Second}
	srv := dnsd.NewServer(dnsd.Config{OnNotify: w.Notified, Logger: testLogger(t)})
	pub := &servingPublisher{t: t, st: st, srv: srv, zones: map[string]dnsd.Zone{}}
	w.Publish = pub.Publish
	sctx, scancel := context.WithCancel(ctx)
	if err := srv.Start(sctx, "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		scancel()
		<-srv.Done()
	}()
	ours, _ := srv.Addrs()
	_, ourPort, _ := net.SplitHostPort(ours.String())

	dir := t.TempDir()
	for _, d := range []string{"run", "db"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	zoneFile := filepath.Join(dir, "example.com.zone")
	writeZone := func(serial int, www string) {
		t.Helper()
		// Write and rename, so that Knot never reads half a file.
		tmp := zoneFile + ".tmp"
		if err := os.WriteFile(tmp, fmt.Appendf(nil, knotZone, serial, www), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, zoneFile); err != nil {
			t.Fatal(err)
		}
	}
	writeZone(2025030101, "192.0.2.80")
	conf := fmt.Sprintf(`server:
    rundir: "%[1]s/run"
    listen: 127.0.0.1@%[2]d
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1

control:
    listen: "%[1]s/run/knot.sock"

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
  - id: artnet
    address: 127.0.0.1@%[3]s

acl:
  - id: transfer_to_artnet
    address: 127.0.0.1
    action: transfer

zone:
  - domain: example.com.
    file: "%[1]s/example.com.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    notify: artnet
    acl: transfer_to_artnet
`, dir, knotPort, ourPort)
	confPath := filepath.Join(dir, "knot.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	knot := testpeer.Start(ctx, t, knotd, "-c", confPath)

	// serves polls addr until it answers serial for example.com and www's
	// address want.
	serves := func(who, addr string, serial uint32, want string) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		cl := &dns.Client{Net: "udp", Timeout: 500 * time.Millisecond}
		var last string
		for time.Now().Before(deadline) {
			select {
			case err := <-knot.Exited:
				t.Fatalf("knotd exited: %v\n%s", err, knot.Logs.String())
			default:
			}
			q := new(dns.Msg)
			q.SetQuestion("example.com.", dns.TypeSOA)
			r, _, err := cl.Exchange(q, addr)
			if err == nil && len(r.Answer) == 1 && r.Authoritative {
				if soa, ok := r.Answer[0].(*dns.SOA); ok && soa.Serial == serial {
					q.SetQuestion("www.example.com.", dns.TypeA)
					r, _, err = cl.Exchange(q, addr)
					if err == nil && len(r.Answer) == 1 && r.Answer[0].(*dns.A).A.String() == want {
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
		t.Fatalf("%s does not serve serial %d with www A %s after 15 s; last answer: %s", who, serial, want, last)
	}
	knotAddr := fmt.Sprintf("127.0.0.1:%d", knotPort)
	serves("knotd", knotAddr, 2025030101, "192.0.2.80")

	start := time.Now()
	runDone := make(chan error, 1)
	go func() { runDone <- w.Run(sctx) }()
	defer func() {
		scancel()
		<-runDone
	}()
	serves("our server", ours.String(), 2025030101, "192.0.2.80")
	t.Logf("transferred from knotd and served in %v", time.Since(start))
	content, err := st.SecondaryZoneContent(ctx, z.ID)
	if err != nil {
		t.Fatal(err)
	}
	if content.Serial != 2025030101 || len(content.Records) != 13 || content.Refresh != 3600 || content.Expire != 1209600 {
		t.Errorf("stored: %+v, %d records\n%s", content.SecondaryState, len(content.Records), strings.Join(content.Records, "\n"))
	}

	// A change on the master: Knot reloads its zone file and NOTIFYs us.
	writeZone(2025030102, "192.0.2.81")
	start = time.Now()
	if knotc != "" {
		out, err := exec.CommandContext(ctx, knotc, "-c", confPath, "zone-reload", "example.com.").CombinedOutput()
		if err != nil {
			t.Logf("knotc zone-reload: %v: %s; falling back to SIGHUP", err, out)
			knot.Signal(syscall.SIGHUP)
		}
	} else {
		knot.Signal(syscall.SIGHUP)
	}
	serves("knotd", knotAddr, 2025030102, "192.0.2.81")
	serves("our server", ours.String(), 2025030102, "192.0.2.81")
	t.Logf("the change reached our server %v after the reload (NOTIFY)", time.Since(start))
	zrow, err := st.ZoneByDomain(ctx, "example.com")
	if err != nil || zrow.Serial != 2025030102 {
		t.Errorf("the zone's row: %+v, %v", zrow, err)
	}
	// The worker did not wait for its timer: the next check is an hour away.
	if s, err := st.SecondaryZoneState(ctx, z.ID); err != nil || s.NextCheck < time.Now().Add(50*time.Minute).Unix() {
		t.Errorf("state %+v, %v", s, err)
	}
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
