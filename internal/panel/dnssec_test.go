package panel_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/dnssec"
	"github.com/artnet-panel/artnet-panel/internal/driver/registry"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

var testSealKey = []byte("0123456789abcdef0123456789abcdef")

// dnssecFixture is a dnsFixture with DNSSEC configured, a simulated
// registry and acme.test as a primary zone of customer a (who holds the
// domain service acme.test).
type dnssecFixture struct {
	*dnsFixture
	sim    *registry.Simulator
	zoneID int64
	cfg    panel.DNSSECConfig
}

func newDNSSECFixture(t *testing.T) *dnssecFixture {
	t.Helper()
	f := &dnssecFixture{dnsFixture: newDNSFixture(t), sim: registry.NewSimulator()}
	f.cfg = panel.DNSSECConfig{SecretKey: testSealKey, DNSKEYTTL: time.Hour, Propagation: time.Hour,
		DSTTL: 24 * time.Hour, ZSKLifetime: 30 * 24 * time.Hour, Retry: 5 * time.Minute}
	f.p.DNSSEC = &f.cfg
	f.p.Registry = f.sim
	z, err := f.p.DNSAddPrimary(context.Background(), f.a, "acme.test")
	if err != nil {
		t.Fatal(err)
	}
	f.zoneID = z.ID
	if err := f.p.DNSEditPrimaryRecords(context.Background(), f.a, z.ID, "2025031501", []panel.DNSRecordInput{
		{Name: "@", Type: "A", Data1: "192.0.2.1"},
		{Name: "www", TTL: ptrTTL(7200), Type: "A", Data1: "192.0.2.2"},
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

func ptrTTL(n int64) *int64 { return &n }

// advance moves the clock by d and runs the lifecycle loop.
func (f *dnssecFixture) advance(t *testing.T, d time.Duration) {
	t.Helper()
	f.clock = f.clock.Add(d)
	if err := f.p.DNSSECAdvance(context.Background()); err != nil {
		t.Fatalf("DNSSECAdvance at %s: %v", f.clock, err)
	}
}

// details returns the zone's DNSSEC details.
func (f *dnssecFixture) details(t *testing.T) artnet.DNSSECDetails {
	t.Helper()
	d, err := f.p.DNSSECDetails(context.Background(), f.a, f.zoneID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// signed is the zone as served at the fixture's clock: its records signed
// with the keys the KeySource gives, at the zone's last change.
func (f *dnssecFixture) signed(t *testing.T) (rrs []dns.RR, zk dnssec.ZoneKeys) {
	t.Helper()
	ctx := context.Background()
	zk, err := f.p.DNSSECKeySource().ZoneKeys(ctx, "acme.test.")
	if err != nil {
		t.Fatal(err)
	}
	z, err := f.st.ZoneGet(ctx, f.a, f.zoneID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		fmt.Sprintf("acme.test. 3600 IN SOA ns1.artnet.pl. hostmaster.artnet.pl. %d 3600 900 1209600 3600", z.Serial),
		"acme.test. 3600 IN NS ns1.artnet.pl.", "acme.test. 3600 IN NS ns2.artnet.pl.",
		"acme.test. 3600 IN A 192.0.2.1", "www.acme.test. 7200 IN A 192.0.2.2",
	} {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		rrs = append(rrs, rr)
	}
	out, err := dnssec.DefaultPolicy().SignZone("acme.test.", rrs, zk, f.clock, time.Unix(z.UpdatedAt, 0))
	if err != nil {
		t.Fatal(err)
	}
	return out, zk
}

// validate checks that every RRset of the signed zone rrs (but the
// RRSIGs) carries a signature, valid at now, by a key of dnskeys; for the
// DNSKEY set, by a key one of ds matches (the chain from the parent).
func validate(rrs []dns.RR, dnskeys []*dns.DNSKEY, ds []*dns.DS, now time.Time) error {
	type key struct {
		name string
		typ  uint16
	}
	sets := map[key][]dns.RR{}
	sigs := map[key][]*dns.RRSIG{}
	for _, rr := range rrs {
		h := rr.Header()
		if s, ok := rr.(*dns.RRSIG); ok {
			k := key{h.Name, s.TypeCovered}
			sigs[k] = append(sigs[k], s)
			continue
		}
		k := key{h.Name, h.Rrtype}
		sets[k] = append(sets[k], rr)
	}
	for k, set := range sets {
		if k.typ == dns.TypeNS && k.name != "acme.test." {
			continue
		}
		signers := dnskeys
		if k.typ == dns.TypeDNSKEY && ds != nil {
			signers = nil
			for _, dk := range dnskeys {
				for _, d := range ds {
					if x := dk.ToDS(d.DigestType); x != nil && strings.EqualFold(x.Digest, d.Digest) && dk.KeyTag() == d.KeyTag {
						signers = append(signers, dk)
					}
				}
			}
		}
		ok := false
		for _, s := range sigs[k] {
			for _, dk := range signers {
				if s.KeyTag == dk.KeyTag() && s.Verify(dk, set) == nil && s.ValidityPeriod(now) {
					ok = true
				}
			}
		}
		if !ok {
			return fmt.Errorf("%s %s: no valid signature by the keys %v", k.name, dns.TypeToString[k.typ], tags(signers))
		}
	}
	return nil
}

func tags(keys []*dns.DNSKEY) []uint16 {
	var out []uint16
	for _, k := range keys {
		out = append(out, k.KeyTag())
	}
	return out
}

func dnskeysOf(rrs []dns.RR) []*dns.DNSKEY {
	var out []*dns.DNSKEY
	for _, rr := range rrs {
		if k, ok := rr.(*dns.DNSKEY); ok {
			out = append(out, k)
		}
	}
	return out
}

func parseDS(t *testing.T, list []string) []*dns.DS {
	t.Helper()
	var out []*dns.DS
	for _, s := range list {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rr.(*dns.DS))
	}
	return out
}

// registryDS is the simulator's DS set of acme.test as DS records.
func (f *dnssecFixture) registryDS(t *testing.T) []*dns.DS {
	var list []string
	for _, d := range f.sim.DS("acme.test") {
		list = append(list, fmt.Sprintf("acme.test. 86400 IN DS %d %d %d %s", d.KeyTag, d.Algorithm, d.DigestType, d.Digest))
	}
	return parseDS(t, list)
}

// step checks the served zone at the fixture's clock: it validates from
// the registry's DS set, and with the DNSKEY set and DS set a resolver
// cached at the previous step (prev). It returns this step's state.
type cached struct {
	dnskeys []*dns.DNSKEY
	ds      []*dns.DS
}

func (f *dnssecFixture) check(t *testing.T, what string, prev *cached) cached {
	t.Helper()
	rrs, _ := f.signed(t)
	now := f.clock
	cur := cached{dnskeysOf(rrs), f.registryDS(t)}
	if err := validate(rrs, cur.dnskeys, cur.ds, now); err != nil {
		t.Errorf("%s: %v", what, err)
	}
	if prev != nil {
		if err := validate(rrs, prev.dnskeys, nil, now); err != nil {
			t.Errorf("%s, with the DNSKEY set cached before: %v", what, err)
		}
		if err := validate(rrs, cur.dnskeys, prev.ds, now); err != nil {
			t.Errorf("%s, with the DS set cached before: %v", what, err)
		}
	}
	return cur
}

func keysByRole(d artnet.DNSSECDetails, role string) []artnet.DNSSECKey {
	var out []artnet.DNSSECKey
	for _, k := range d.KeysList {
		if k.Role == role {
			out = append(out, k)
		}
	}
	return out
}

// TestDNSSECLifecycle: enable (keys, DS at the registry after the
// propagation), an automatic ZSK rollover (pre-publish), a KSK rollover
// (double-KSK with the DS set at the registry) and the safe disable, on a
// test clock; at every step the zone as signed validates from the
// registry's DS, and with the DNSKEY and DS sets a resolver cached before.
func TestDNSSECLifecycle(t *testing.T) {
	f := newDNSSECFixture(t)
	ctx := context.Background()
	f.published.take()
	z0, _ := f.st.ZoneGet(ctx, f.a, f.zoneID)

	d, err := f.p.DNSSECEnable(ctx, f.a, f.zoneID, "")
	if err != nil {
		t.Fatal(err)
	}
	if d.State != artnet.DNSSECSigning || d.Algorithm != "ECDSAP256SHA256" || len(d.DNSKEYList) != 2 || len(d.DSList) != 1 ||
		len(d.KeysList) != 2 || len(d.RegistryDSList) != 0 || d.NextRolloverRole != "ZSK" ||
		d.NextRollover.Unix() != f.clock.Add(30*24*time.Hour).Unix() {
		t.Fatalf("after enable: %+v", d)
	}
	for _, k := range d.KeysList {
		if k.State != "active" {
			t.Errorf("key %+v not active", k)
		}
	}
	if !strings.Contains(d.DNSKEYList[0], "IN\tDNSKEY\t257 3 13 ") || !strings.Contains(d.DSList[0], "IN\tDS\t") {
		t.Errorf("presentation: %q %q", d.DNSKEYList, d.DSList)
	}
	if got := f.published.take(); !slices.Equal(got, []string{"acme.test"}) {
		t.Errorf("published %v", got)
	}
	if z, _ := f.st.ZoneGet(ctx, f.a, f.zoneID); z.Serial <= z0.Serial {
		t.Errorf("the serial did not move: %d -> %d", z0.Serial, z.Serial)
	}
	_, err = f.p.DNSSECEnable(ctx, f.a, f.zoneID, "ED25519")
	wantCode(t, "enable twice", err, apperr.CodeDNSSECAlreadyEnabled)
	// The private keys are sealed: nothing in the store reads as a key.
	keys, _ := f.st.DNSSECKeys(ctx, f.zoneID)
	for _, k := range keys {
		if !strings.HasPrefix(k.PrivateSealed, "v1$") || strings.Contains(k.PrivateSealed, "PRIVATE") {
			t.Errorf("stored private key %q", k.PrivateSealed)
		}
	}
	st := f.check(t, "enabled", nil)

	// The DS goes to the registry after the propagation delay.
	f.advance(t, 0)
	if len(f.sim.DS("acme.test")) != 0 {
		t.Fatal("DS sent before the propagation delay")
	}
	f.advance(t, time.Hour)
	if d = f.details(t); !slices.Equal(d.RegistryDSList, d.DSList) || len(f.sim.DS("acme.test")) != 1 {
		t.Fatalf("after the propagation delay: registry %v, details %+v", f.sim.DS("acme.test"), d)
	}
	st = f.check(t, "DS at the registry", &st)

	// ZSK rollover, pre-publish.
	oldZSK := keysByRole(d, "ZSK")[0]
	f.advance(t, 30*24*time.Hour-time.Hour)
	d = f.details(t)
	zsks := keysByRole(d, "ZSK")
	if len(zsks) != 2 || zsks[1].State != "published" || zsks[0].State != "active" || len(d.DNSKEYList) != 3 {
		t.Fatalf("rollover started: %+v", d)
	}
	st = f.check(t, "ZSK pre-published", &st)
	f.advance(t, 2*time.Hour) // DNSKEY TTL + propagation
	d = f.details(t)
	zsks = keysByRole(d, "ZSK")
	if zsks[0].State != "retired" || zsks[1].State != "active" || zsks[0].KeyTag != oldZSK.KeyTag {
		t.Fatalf("new ZSK active: %+v", d)
	}
	st = f.check(t, "new ZSK active", &st)
	f.advance(t, 7200*time.Second+time.Hour) // the zone's largest TTL + propagation
	d = f.details(t)
	if zsks = keysByRole(d, "ZSK"); len(zsks) != 1 || zsks[0].KeyTag == oldZSK.KeyTag || len(d.DNSKEYList) != 2 {
		t.Fatalf("old ZSK removed: %+v", d)
	}
	st = f.check(t, "old ZSK removed", &st)

	// KSK rollover, double-KSK.
	oldKSK := keysByRole(d, "KSK")[0]
	if err := f.p.DNSSECRollKSK(ctx, f.a, f.zoneID); err != nil {
		t.Fatal(err)
	}
	f.advance(t, 0)
	d = f.details(t)
	if ksks := keysByRole(d, "KSK"); len(ksks) != 2 || ksks[1].State != "active" || len(d.DSList) != 2 || len(f.sim.DS("acme.test")) != 1 {
		t.Fatalf("KSK rollover started: %+v", d)
	}
	st = f.check(t, "new KSK published", &st)
	f.advance(t, time.Hour)
	if n := len(f.sim.DS("acme.test")); n != 2 {
		t.Fatalf("registry DS set after the propagation: %d records", n)
	}
	st = f.check(t, "double DS at the registry", &st)
	f.advance(t, 25*time.Hour) // the parent's DS TTL + propagation
	d = f.details(t)
	ksks := keysByRole(d, "KSK")
	if len(ksks) != 1 || ksks[0].KeyTag == oldKSK.KeyTag || len(d.DSList) != 1 || !slices.Equal(d.RegistryDSList, d.DSList) {
		t.Fatalf("old KSK gone: %+v; registry %v", d, f.sim.DS("acme.test"))
	}
	st = f.check(t, "old KSK and its DS removed", &st)

	// Another customer sees none of it; wrong zone types and algorithms.
	_, err = f.p.DNSSECDetails(ctx, f.b, f.zoneID)
	wantCode(t, "details by B", err, apperr.CodeInvalidZoneID)
	_, err = f.p.DNSSECEnable(ctx, f.b, f.zoneID, "")
	wantCode(t, "enable by B", err, apperr.CodeInvalidZoneID)
	wantCode(t, "disable by B", f.p.DNSSECDisable(ctx, f.b, f.zoneID), apperr.CodeInvalidZoneID)

	// Disable: DS removed first, unsigned after the parent's TTL.
	if err := f.p.DNSSECDisable(ctx, f.a, f.zoneID); err != nil {
		t.Fatal(err)
	}
	_, zk := f.signed(t)
	if !zk.Unsigning || len(zk.Keys) != 2 {
		t.Fatalf("disabling: keys %v unsigning %v", len(zk.Keys), zk.Unsigning)
	}
	f.advance(t, 0)
	d = f.details(t)
	if d.State != artnet.DNSSECDisabling || len(f.sim.DS("acme.test")) != 0 || len(d.DSList) != 0 ||
		d.UnsignTime.Unix() != f.clock.Add(25*time.Hour).Unix() {
		t.Fatalf("disabling: %+v registry %v", d, f.sim.DS("acme.test"))
	}
	st = f.check(t, "DS removed, still signed", &st)
	f.advance(t, 25*time.Hour-time.Second)
	if d = f.details(t); d.State != artnet.DNSSECDisabling {
		t.Fatalf("unsigned early: %+v", d)
	}
	f.advance(t, time.Second)
	if d = f.details(t); d.State != artnet.DNSSECOff || len(d.KeysList) != 0 {
		t.Fatalf("after the DS TTL: %+v", d)
	}
	if _, zk = f.signed(t); zk.Signed() {
		t.Fatal("still signed after disable")
	}
	wantCode(t, "disable twice", f.p.DNSSECDisable(ctx, f.a, f.zoneID), apperr.CodeDNSSECNotEnabled)
}

// TestDNSSECRegistryFailure: a registry that fails keeps the DS pending
// and retried; the zone is signed meanwhile; nothing goes wrong when it
// comes back. A zone that is not a domain of the customer sends nothing
// and lists no registry DS.
func TestDNSSECRegistryFailure(t *testing.T) {
	f := newDNSSECFixture(t)
	ctx := context.Background()
	f.sim.FailDomain("acme.test", errors.New("registry down"))
	if _, err := f.p.DNSSECEnable(ctx, f.a, f.zoneID, "ED25519"); err != nil {
		t.Fatal(err)
	}
	f.advance(t, time.Hour)
	if d := f.details(t); len(d.RegistryDSList) != 0 || d.Algorithm != "ED25519" || len(f.sim.DS("acme.test")) != 0 {
		t.Fatalf("with the registry down: %+v", d)
	}
	f.check(t, "registry down", nil)
	f.sim.FailDomain("acme.test", nil)
	f.advance(t, 4*time.Minute)
	if n := len(f.sim.DS("acme.test")); n != 0 {
		t.Fatal("retried before the retry time")
	}
	f.advance(t, time.Minute)
	if d := f.details(t); len(d.RegistryDSList) != 1 || len(f.sim.DS("acme.test")) != 1 {
		t.Fatalf("after the retry: %+v", d)
	}

	// Deleting a signed zone takes its DS off the registry first; a
	// registry that fails keeps the zone.
	f.sim.FailDomain("acme.test", errors.New("registry down"))
	wantCode(t, "delete with the registry down", f.p.DNSDeleteZone(ctx, f.a, f.zoneID), apperr.CodeInternalDNSError)
	if _, err := f.st.ZoneGet(ctx, f.a, f.zoneID); err != nil {
		t.Fatalf("the zone went although its DS stayed: %v", err)
	}
	f.sim.FailDomain("acme.test", nil)
	if err := f.p.DNSDeleteZone(ctx, f.a, f.zoneID); err != nil {
		t.Fatal(err)
	}
	if n := len(f.sim.DS("acme.test")); n != 0 {
		t.Fatalf("DS left at the registry after dns/delete: %d", n)
	}

	// shop.acme.test is a zone of A but no domain service: no registry.
	z, err := f.p.DNSAddPrimary(ctx, f.a, "shop.acme.test")
	if err != nil {
		t.Fatal(err)
	}
	calls := f.sim.DSCalls()
	if _, err := f.p.DNSSECEnable(ctx, f.a, z.ID, "13"); err != nil {
		t.Fatal(err)
	}
	f.advance(t, 2*time.Hour)
	d, err := f.p.DNSSECDetails(ctx, f.a, z.ID)
	if err != nil || len(d.RegistryDSList) != 0 || len(d.DSList) != 1 || f.sim.DSCalls() != calls {
		t.Fatalf("zone without a domain service: %+v %v, %d registry calls", d, err, f.sim.DSCalls()-calls)
	}
	// Disabling it needs no registry: unsigned after the parent's TTL.
	if err := f.p.DNSSECDisable(ctx, f.a, z.ID); err != nil {
		t.Fatal(err)
	}
	f.advance(t, 0)
	f.advance(t, 25*time.Hour)
	if d, _ := f.p.DNSSECDetails(ctx, f.a, z.ID); d.State != artnet.DNSSECOff {
		t.Fatalf("after disable: %+v", d)
	}
}

// TestDNSSECErrors: documented errors, nothing changed.
func TestDNSSECErrors(t *testing.T) {
	f := newDNSSECFixture(t)
	ctx := context.Background()
	_, err := f.p.DNSSECEnable(ctx, f.a, f.zoneID, "RSASHA256")
	wantCode(t, "RSA", err, apperr.CodeInvalidDNSSECAlgorithm)
	_, err = f.p.DNSSECEnable(ctx, f.a, 987654, "")
	wantCode(t, "missing zone", err, apperr.CodeInvalidZoneID)
	f.lookups["ns.master.example"] = []string{"198.51.100.7"}
	sec, err := f.p.DNSAddSecondary(ctx, f.a, "sec.acme.test", "ns.master.example")
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.p.DNSSECEnable(ctx, f.a, sec.ID, "")
	wantCode(t, "secondary zone", err, apperr.CodeInvalidZoneType)
	_, err = f.p.DNSSECDetails(ctx, f.a, sec.ID)
	wantCode(t, "details of a secondary zone", err, apperr.CodeInvalidZoneType)
	wantCode(t, "disable unsigned", f.p.DNSSECDisable(ctx, f.a, f.zoneID), apperr.CodeDNSSECNotEnabled)
	if zones, _ := f.st.DNSSECZones(ctx); len(zones) != 0 {
		t.Fatalf("rows after errors: %+v", zones)
	}
	// No operator key: an internal error, nothing stored.
	f.cfg.SecretKey = nil
	_, err = f.p.DNSSECEnable(ctx, f.a, f.zoneID, "")
	wantCode(t, "no key", err, apperr.CodeInternalDNSError)
	if zones, _ := f.st.DNSSECZones(ctx); len(zones) != 0 {
		t.Fatalf("rows after errors: %+v", zones)
	}
	// Re-enabling a zone being turned off keeps its keys.
	f.cfg.SecretKey = testSealKey
	d, err := f.p.DNSSECEnable(ctx, f.a, f.zoneID, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.p.DNSSECDisable(ctx, f.a, f.zoneID); err != nil {
		t.Fatal(err)
	}
	d2, err := f.p.DNSSECEnable(ctx, f.a, f.zoneID, "")
	if err != nil || d2.State != artnet.DNSSECSigning || !slices.Equal(d2.DNSKEYList, d.DNSKEYList) {
		t.Fatalf("re-enabled: %+v %v", d2, err)
	}
	// A sealed key does not open for another zone or another operator key.
	keys, _ := f.st.DNSSECKeys(ctx, f.zoneID)
	if _, err := panel.OpenDNSSECKey(testSealKey, "other.test", keys[0].PublicKey, keys[0].PrivateSealed); err == nil {
		t.Error("a sealed key opened for another zone")
	}
	if _, err := panel.OpenDNSSECKey([]byte("another-key-of-32-bytes-........"), "acme.test", keys[0].PublicKey, keys[0].PrivateSealed); err == nil {
		t.Error("a sealed key opened with another operator key")
	}
}
