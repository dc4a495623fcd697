package zonesync_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/dnssec"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/zonesync"
)

// fakeKeys is a dnssec.KeySource over a map, changed by the test.
type fakeKeys struct {
	mu   sync.Mutex
	keys map[string]dnssec.ZoneKeys
}

func (f *fakeKeys) ZoneKeys(_ context.Context, origin string) (dnssec.ZoneKeys, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.keys[origin], nil
}

func (f *fakeKeys) set(origin string, keys ...dnssec.Key) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.keys == nil {
		f.keys = map[string]dnssec.ZoneKeys{}
	}
	f.keys[origin] = dnssec.ZoneKeys{Keys: keys}
}

type clock = testpeer.Clock

// notifies listens for NOTIFY messages on 127.0.0.1 and records their
// serials.
type notifies struct {
	addr string
	mu   sync.Mutex
	got  []uint32
}

func listenNotifies(t *testing.T) *notifies {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n := &notifies{addr: pc.LocalAddr().String()}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		if r.Opcode == dns.OpcodeNotify {
			for _, rr := range r.Answer {
				if soa, ok := rr.(*dns.SOA); ok {
					n.mu.Lock()
					n.got = append(n.got, soa.Serial)
					n.mu.Unlock()
				}
			}
		}
		m := new(dns.Msg)
		m.SetReply(r)
		w.WriteMsg(m)
	})}
	go srv.ActivateAndServe()
	t.Cleanup(func() { srv.Shutdown() })
	return n
}

// waitFor polls until serial was notified (10 s at most).
func (n *notifies) waitFor(t *testing.T, serial uint32) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		n.mu.Lock()
		for _, s := range n.got {
			if s == serial {
				n.mu.Unlock()
				return
			}
		}
		n.mu.Unlock()
	}
	t.Fatalf("no NOTIFY for serial %d (got %v)", serial, n.got)
}

// dnssecQuery asks e's server for name/qtype with DO set, over TCP (signed
// answers are large).
func (e *env) dnssecQuery(t *testing.T, name string, qtype uint16) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	m.SetEdns0(1232, true)
	r, _, err := (&dns.Client{Net: "tcp"}).Exchange(m, e.addr)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// verified checks that the RRset of qtype in r's answer has an RRSIG that
// verifies with one of the keys and is valid at now; it returns the key
// tags that signed it.
func verified(t *testing.T, r *dns.Msg, qtype uint16, keys []dns.RR, now time.Time) []uint16 {
	t.Helper()
	var set []dns.RR
	var sigs []*dns.RRSIG
	for _, rr := range r.Answer {
		if sig, ok := rr.(*dns.RRSIG); ok && sig.TypeCovered == qtype {
			sigs = append(sigs, sig)
		} else if rr.Header().Rrtype == qtype {
			set = append(set, rr)
		}
	}
	var tags []uint16
	for _, sig := range sigs {
		tags = append(tags, sig.KeyTag)
	}
	for _, sig := range sigs {
		for _, k := range keys {
			k := k.(*dns.DNSKEY)
			if k.KeyTag() == sig.KeyTag && sig.Verify(k, set) == nil && sig.ValidityPeriod(now) {
				return tags
			}
		}
	}
	t.Fatalf("%s: no signature (tags %v) verifies with the keys at %v:\n%v", dns.Type(qtype), tags, now, r)
	return nil
}

func dnskeys(r *dns.Msg) []dns.RR {
	var out []dns.RR
	for _, rr := range r.Answer {
		if rr.Header().Rrtype == dns.TypeDNSKEY {
			out = append(out, rr)
		}
	}
	return out
}

func tagsOf(rrs []dns.RR) []uint16 {
	var out []uint16
	for _, rr := range rrs {
		out = append(out, rr.(*dns.DNSKEY).KeyTag())
	}
	return out
}

func hasTags(got []uint16, want ...uint16) bool {
	if len(got) != len(want) {
		return false
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			return false
		}
	}
	return true
}

// signedEnv is a zonesync env whose syncer signs with keys and clock.
func signedEnv(t *testing.T, keys *fakeKeys, c *clock, policy dnssec.Policy) (*env, *zonesync.Syncer, *notifies) {
	t.Helper()
	e, _, _, sync := newEnvOver(t, nil, false)
	n := listenNotifies(t)
	sync.Keys, sync.Now, sync.Policy, sync.NotifyTargets = keys, c.Now, policy, []string{n.addr}
	t.Cleanup(sync.Close)
	e.p.Now = c.Now
	if err := sync.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e, sync, n
}

func addSignedZone(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	z, err := e.p.DNSAddPrimary(ctx, e.cust, "example.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.p.DNSEditPrimaryRecords(ctx, e.cust, z.ID, strconv.FormatInt(panel.NewZoneSerial(e.p.Now()), 10), []panel.DNSRecordInput{
		{Name: "www", TTL: ttl(300), Type: "A", Data1: "192.0.2.80"},
		{Name: "*.wild", TTL: ttl(300), Type: "TXT", Data1: "wildcard"},
	}); err != nil {
		t.Fatal(err)
	}
}

// TestZSKRollover rolls a ZSK by pre-publication through the syncer, one
// signing epoch (a day, the test's policy) per step, with a fake clock
// that starts ten days ago (so that the signatures are valid now for
// delv): the new ZSK is published, then signs beside the old one, then
// alone, then the old one goes. At every step delv validates with the KSK
// as trust anchor, a resolver that cached the DNSKEY RRset of the step
// before validates the new answers, the serial moved and the secondaries
// were told.
func TestZSKRollover(t *testing.T) {
	delvBin := testpeer.NeedTool(t, "delv", "bind9-dnsutils")
	d0 := time.Now().UTC().Truncate(24 * time.Hour).Add(-10 * 24 * time.Hour)
	c := testpeer.NewClock(d0.Add(time.Hour))
	ksk, _ := dnssec.Generate(dns.ECDSAP256SHA256, dnssec.KSK, d0)
	zsk1, _ := dnssec.Generate(dns.ECDSAP256SHA256, dnssec.ZSK, d0)
	zsk2, _ := dnssec.Generate(dns.ECDSAP256SHA256, dnssec.ZSK, d0)
	day := 24 * time.Hour
	zsk2.Publish, zsk2.Activate = d0.Add(day), d0.Add(2*day)
	zsk1.Retire, zsk1.Remove = d0.Add(3*day), d0.Add(4*day)
	keys := &fakeKeys{}
	keys.set("example.test.", ksk, zsk1, zsk2)
	e, sync, n := signedEnv(t, keys, c, dnssec.Policy{ResignDays: 1})
	addSignedZone(t, e)
	anchors := testpeer.DelvAnchors(t, "example.test.", []dnssec.Key{ksk})

	steps := []struct {
		published, signing []uint16 // ZSK tags
	}{
		{[]uint16{zsk1.Tag()}, []uint16{zsk1.Tag()}},
		{[]uint16{zsk1.Tag(), zsk2.Tag()}, []uint16{zsk1.Tag()}},
		{[]uint16{zsk1.Tag(), zsk2.Tag()}, []uint16{zsk1.Tag(), zsk2.Tag()}},
		{[]uint16{zsk1.Tag(), zsk2.Tag()}, []uint16{zsk2.Tag()}},
		{[]uint16{zsk2.Tag()}, []uint16{zsk2.Tag()}},
	}
	var cached [][]dns.RR // the DNSKEY RRset of every step
	var lastSerial uint32
	for i, step := range steps {
		c.Set(d0.Add(time.Duration(i)*day + time.Hour))
		if err := sync.Reconcile(context.Background()); err != nil {
			t.Fatal(err)
		}
		now := c.Now()
		keyset := dnskeys(e.dnssecQuery(t, "example.test.", dns.TypeDNSKEY))
		if want := append([]uint16{ksk.Tag()}, step.published...); !hasTags(tagsOf(keyset), want...) {
			t.Fatalf("step %d: DNSKEY tags %v, want %v", i, tagsOf(keyset), want)
		}
		www := e.dnssecQuery(t, "www.example.test.", dns.TypeA)
		if tags := verified(t, www, dns.TypeA, keyset, now); !hasTags(tags, step.signing...) {
			t.Fatalf("step %d: www A signed by %v, want %v", i, tags, step.signing)
		}
		// A resolver holding the DNSKEY RRset of the step before (its TTL
		// is far shorter than a step) validates the new answers.
		if i > 0 {
			verified(t, www, dns.TypeA, cached[i-1], now)
			verified(t, e.dnssecQuery(t, "x.wild.example.test.", dns.TypeTXT), dns.TypeTXT, cached[i-1], now)
		}
		cached = append(cached, keyset)
		soa := e.query(t, "example.test.", dns.TypeSOA).Answer[0].(*dns.SOA)
		if i > 0 && int32(soa.Serial-lastSerial) <= 0 {
			t.Fatalf("step %d: serial %d did not move from %d", i, soa.Serial, lastSerial)
		}
		if i > 0 {
			n.waitFor(t, soa.Serial)
		}
		lastSerial = soa.Serial
		for _, q := range []struct{ name, qtype, want string }{
			{"www.example.test.", "A", testpeer.DelvValidated},
			{"nx.example.test.", "A", testpeer.DelvNegative},
			{"x.wild.example.test.", "TXT", testpeer.DelvValidated},
		} {
			if out := testpeer.Delv(t, delvBin, e.addr, anchors, "example.test.", q.name, q.qtype); !strings.Contains(out, q.want+"\n") {
				t.Fatalf("step %d: delv %s %s: want %q in:\n%s", i, q.name, q.qtype, q.want, out)
			}
		}
	}
	// After the roll, a resolver still holding the DNSKEY RRset of before
	// the new key's publication does not validate: the check can fail.
	www := e.dnssecQuery(t, "www.example.test.", dns.TypeA)
	for _, sig := range www.Answer {
		if s, ok := sig.(*dns.RRSIG); ok && s.KeyTag == zsk1.Tag() {
			t.Fatalf("the removed ZSK still signs: %v", s)
		}
	}
}

// TestResignedBeforeExpiry leaves a signed zone to the reconciler for 60
// days on a fake clock, a reconcile every 6 hours: at every point every
// signature served is valid with at least 9 days to go, the serial only
// moves up, the zone was re-signed (15 epochs of 4 days), and a reconcile
// that finds nothing changed installs nothing.
func TestResignedBeforeExpiry(t *testing.T) {
	verify := testpeer.NeedTool(t, "ldns-verify-zone", "ldnsutils")
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	c := testpeer.NewClock(t0)
	ksk, _ := dnssec.Generate(dns.ED25519, dnssec.KSK, t0)
	zsk, _ := dnssec.Generate(dns.ED25519, dnssec.ZSK, t0)
	keys := &fakeKeys{}
	keys.set("example.test.", ksk, zsk)
	e, sync, _ := signedEnv(t, keys, c, dnssec.Policy{})
	addSignedZone(t, e)
	var lastSerial uint32
	inceptions := map[uint32]bool{}
	for h := 0; h <= 60*24; h += 6 {
		c.Set(t0.Add(time.Duration(h) * time.Hour))
		if err := sync.Reconcile(context.Background()); err != nil {
			t.Fatal(err)
		}
		now := c.Now()
		keyset := dnskeys(e.dnssecQuery(t, "example.test.", dns.TypeDNSKEY))
		for _, q := range []struct {
			name  string
			qtype uint16
		}{{"www.example.test.", dns.TypeA}, {"example.test.", dns.TypeSOA}, {"example.test.", dns.TypeDNSKEY}} {
			r := e.dnssecQuery(t, q.name, q.qtype)
			verified(t, r, q.qtype, keyset, now)
			for _, rr := range r.Answer {
				if sig, ok := rr.(*dns.RRSIG); ok {
					if left := time.Unix(int64(sig.Expiration), 0).Sub(now); left < 9*24*time.Hour {
						t.Fatalf("at %v: %s signature expires in %v", now, dns.Type(q.qtype), left)
					}
					inceptions[sig.Inception] = true
				}
			}
		}
		if h%(10*24) == 0 {
			// An independent check of the whole zone at that time:
			// ldns-verify-zone on an AXFR, every signature valid and
			// not expiring within 9 days.
			verifyZone(t, verify, e.addr, "example.test.", now)
		}
		// Nothing changed: the next reconcile installs nothing (no
		// signing, no new snapshot).
		snap := e.srv.Snapshot()
		if err := sync.Reconcile(context.Background()); err != nil {
			t.Fatal(err)
		}
		if e.srv.Snapshot() != snap {
			t.Fatalf("at %v: a reconcile without changes installed a new snapshot", now)
		}
		soa := e.query(t, "example.test.", dns.TypeSOA).Answer[0].(*dns.SOA)
		if int32(soa.Serial-lastSerial) < 0 {
			t.Fatalf("at %v: serial went back from %d to %d", now, lastSerial, soa.Serial)
		}
		lastSerial = soa.Serial
	}
	if len(inceptions) < 10 {
		t.Fatalf("re-signed %d times in 60 days", len(inceptions))
	}
}

// cdsTags returns the key tags of the CDS RRset of example.test (0 for the
// delete CDS of RFC 8078).
func cdsTags(t *testing.T, e *env) []uint16 {
	t.Helper()
	var out []uint16
	for _, rr := range e.dnssecQuery(t, "example.test.", dns.TypeCDS).Answer {
		if c, ok := rr.(*dns.CDS); ok {
			out = append(out, c.KeyTag)
		}
	}
	return out
}

// TestKSKRolloverAndUnsigning rolls the KSK the double-KSK way (RFC 6781
// §4.1.2), a signing epoch (a day) per step, and checks what the parent's
// automation and the resolvers see: CDS/CDNSKEY list the old KSK, then
// both, then the new one; delv validates with the old KSK as trust anchor
// (the DS the parent has) until it goes, and with the new one from its
// publication. Then DNSSEC is turned off: the delete CDS/CDNSKEY are
// published while the zone stays signed, and without keys the zone is
// served unsigned.
func TestKSKRolloverAndUnsigning(t *testing.T) {
	delvBin := testpeer.NeedTool(t, "delv", "bind9-dnsutils")
	d0 := time.Now().UTC().Truncate(24 * time.Hour).Add(-10 * 24 * time.Hour)
	day := 24 * time.Hour
	c := testpeer.NewClock(d0.Add(time.Hour))
	ksk1, _ := dnssec.Generate(dns.ECDSAP256SHA256, dnssec.KSK, d0)
	ksk2, _ := dnssec.Generate(dns.ECDSAP256SHA256, dnssec.KSK, d0)
	zsk, _ := dnssec.Generate(dns.ECDSAP256SHA256, dnssec.ZSK, d0)
	ksk2.Publish, ksk2.Activate = d0.Add(day), d0.Add(day)
	ksk1.Retire, ksk1.Remove = d0.Add(2*day), d0.Add(2*day)
	keys := &fakeKeys{}
	keys.set("example.test.", ksk1, ksk2, zsk)
	e, sync, _ := signedEnv(t, keys, c, dnssec.Policy{ResignDays: 1})
	addSignedZone(t, e)
	old := testpeer.DelvAnchors(t, "example.test.", []dnssec.Key{ksk1})
	next := testpeer.DelvAnchors(t, "example.test.", []dnssec.Key{ksk2})
	validates := func(anchors string) bool {
		out := testpeer.Delv(t, delvBin, e.addr, anchors, "example.test.", "www.example.test.", "A")
		return strings.Contains(out, testpeer.DelvValidated+"\n")
	}
	for i, step := range []struct {
		cds       []uint16
		old, next bool // validates with the old / new KSK as anchor
	}{
		{[]uint16{ksk1.Tag()}, true, false},
		{[]uint16{ksk1.Tag(), ksk2.Tag()}, true, true},
		{[]uint16{ksk2.Tag()}, false, true},
	} {
		c.Set(d0.Add(time.Duration(i)*day + time.Hour))
		if err := sync.Reconcile(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := cdsTags(t, e); !hasTags(got, step.cds...) {
			t.Fatalf("step %d: CDS tags %v, want %v", i, got, step.cds)
		}
		if got := validates(old); got != step.old {
			t.Fatalf("step %d: validates with the old KSK: %v, want %v", i, got, step.old)
		}
		if got := validates(next); got != step.next {
			t.Fatalf("step %d: validates with the new KSK: %v, want %v", i, got, step.next)
		}
	}

	// DNSSEC off, step 1: the delete CDS, still signed and validating.
	c.Set(d0.Add(3*day + time.Hour))
	keys.mu.Lock()
	keys.keys["example.test."] = dnssec.ZoneKeys{Keys: []dnssec.Key{ksk2, zsk}, Unsigning: true}
	keys.mu.Unlock()
	if err := sync.Reconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := cdsTags(t, e); !hasTags(got, 0) || !validates(next) {
		t.Fatalf("unsigning: CDS tags %v (want the delete CDS), validates %v", got, validates(next))
	}
	// Step 2: no keys, no signatures.
	keys.set("example.test.")
	c.Set(d0.Add(4*day + time.Hour))
	if err := sync.Reconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := e.dnssecQuery(t, "www.example.test.", dns.TypeA)
	for _, rr := range r.Answer {
		if rr.Header().Rrtype == dns.TypeRRSIG {
			t.Fatalf("signed after the keys went: %v", r)
		}
	}
	if len(r.Answer) != 1 || len(dnskeys(e.dnssecQuery(t, "example.test.", dns.TypeDNSKEY))) != 0 {
		t.Fatalf("unsigned zone: %v", r)
	}
}

// TestEnableSignsAtOnce: a zone served unsigned gets keys (published from
// now, ZoneKeys.Changed = now, as the key manager writes them) and is
// signed by the next load of the zone, not at the next epoch: delv
// validates at once. A key change made the next day by another node,
// learnt from the change feed, is served with a new serial and NOTIFY.
func TestEnableSignsAtOnce(t *testing.T) {
	delvBin := testpeer.NeedTool(t, "delv", "bind9-dnsutils")
	c := testpeer.NewClock(time.Now())
	keys := &fakeKeys{}
	e, sync, n := signedEnv(t, keys, c, dnssec.Policy{})
	addSignedZone(t, e)
	if r := e.dnssecQuery(t, "www.example.test.", dns.TypeA); len(r.Answer) != 1 {
		t.Fatalf("unsigned zone: %v", r)
	}
	c.Set(c.Now().Add(time.Minute))
	ksk, _ := dnssec.Generate(dns.ECDSAP256SHA256, dnssec.KSK, c.Now())
	zsk, _ := dnssec.Generate(dns.ECDSAP256SHA256, dnssec.ZSK, c.Now())
	keys.mu.Lock()
	keys.keys = map[string]dnssec.ZoneKeys{"example.test.": {Keys: []dnssec.Key{ksk, zsk}, Changed: c.Now()}}
	keys.mu.Unlock()
	sync.ZoneChanged(context.Background(), "example.test")
	anchors := testpeer.DelvAnchors(t, "example.test.", []dnssec.Key{ksk})
	if out := testpeer.Delv(t, delvBin, e.addr, anchors, "example.test.", "www.example.test.", "A"); !strings.Contains(out, testpeer.DelvValidated+"\n") {
		t.Fatalf("not validated right after enabling:\n%s", out)
	}

	// The next day another node adds a ZSK: this node learns it from the
	// change feed (Changes), serves the new DNSKEY set with a new serial
	// and tells its secondaries.
	c.Set(c.Now().Add(24 * time.Hour))
	zsk2, _ := dnssec.Generate(dns.ECDSAP256SHA256, dnssec.ZSK, c.Now())
	zsk2.Activate = c.Now().Add(time.Hour)
	keys.mu.Lock()
	keys.keys = map[string]dnssec.ZoneKeys{"example.test.": {Keys: []dnssec.Key{ksk, zsk, zsk2}, Changed: c.Now()}}
	keys.mu.Unlock()
	sync.Changes(context.Background(), []store.Change{{Kind: store.ChangeDNS, Key: "example.test"}})
	if got := tagsOf(dnskeys(e.dnssecQuery(t, "example.test.", dns.TypeDNSKEY))); !hasTags(got, ksk.Tag(), zsk.Tag(), zsk2.Tag()) {
		t.Fatalf("DNSKEY tags %v after the key change", got)
	}
	n.waitFor(t, e.query(t, "example.test.", dns.TypeSOA).Answer[0].(*dns.SOA).Serial)
}

// verifyZone transfers origin from addr and has ldns-verify-zone check it
// as of at: every signature valid then and for 9 more days, the NSEC chain
// complete.
func verifyZone(t *testing.T, bin, addr, origin string, at time.Time) {
	t.Helper()
	m := new(dns.Msg)
	m.SetAxfr(origin)
	env, err := new(dns.Transfer).In(m, addr)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	n := 0
	for e := range env {
		if e.Error != nil {
			t.Fatal(e.Error)
		}
		for _, rr := range e.RR {
			if n++; n > 1 && rr.Header().Rrtype == dns.TypeSOA {
				continue
			}
			b.WriteString(rr.String() + "\n")
		}
	}
	file := filepath.Join(t.TempDir(), "zone")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(at time.Time) (string, bool) {
		out, err := exec.Command(bin, "-t", at.UTC().Format("20060102150405"), "-e", "P9D", file).CombinedOutput()
		return string(out), err == nil && strings.Contains(string(out), "Zone is verified and complete")
	}
	if out, ok := check(at); !ok {
		t.Fatalf("ldns-verify-zone at %v:\n%s", at, out)
	}
	// Not blind: the same zone 6 days later has signatures expiring
	// within 9 days.
	if out, ok := check(at.Add(6 * 24 * time.Hour)); ok {
		t.Fatalf("ldns-verify-zone accepts the zone of %v six days later:\n%s", at, out)
	}
}
