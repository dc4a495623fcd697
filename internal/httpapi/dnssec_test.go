package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/registry"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// TestDNSSECThroughAPI: the DNSSEC commands end to end through HTTP (on
// SQLite, and PostgreSQL in the second e2e run), with a simulated
// registry and the panel's clock moved by the test: enable answers the
// keys and DS; the DS reaches the registry after the propagation delay;
// a ZSK rollover with shortened timers shows in dnssec-details step by
// step; disable removes the DS first and unsigns after the DS TTL; B
// sees none of A's zone (invalid-zone-id, as for a missing zone).
func TestDNSSECThroughAPI(t *testing.T) {
	e := newEnv(t)
	p := e.api.Panel
	sim := registry.NewSimulator()
	p.Registry = sim
	p.DNSSEC = &panel.DNSSECConfig{SecretKey: testDNSSECKey, DNSKEYTTL: 10 * time.Minute, Propagation: 5 * time.Minute,
		DSTTL: time.Hour, ZSKLifetime: 24 * time.Hour}
	var mu sync.Mutex
	clock := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	p.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) {
		t.Helper()
		mu.Lock()
		clock = clock.Add(d)
		mu.Unlock()
		if err := p.DNSSECAdvance(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	zone := fmt.Sprint(zoneA)
	details := func() answer {
		t.Helper()
		a := e.asA("dns/dnssec-details", "zone_id", zone)
		if !a.success() {
			t.Fatalf("dnssec-details: %s", a.raw)
		}
		return a
	}
	list := func(a answer, key string) []string {
		var out []string
		l, _ := a.get("dnssec_details", key).([]any)
		for _, x := range l {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	keyStates := func(a answer, role string) []string {
		var out []string
		l, _ := a.get("dnssec_details", "keys_list").([]any)
		for _, x := range l {
			m := x.(map[string]any)
			if m["role"] == role {
				out = append(out, fmt.Sprint(m["state"]))
			}
		}
		return out
	}

	if a := details(); a.get("dnssec_details", "state") != "off" || len(list(a, "dnskey_list")) != 0 {
		t.Fatalf("before: %s", a.raw)
	}
	a := e.asA("dns/dnssec-enable", "zone_id", zone, "algorithm", "ED25519")
	if !a.success() || a.get("dnssec_details", "state") != "signing" || a.get("dnssec_details", "algorithm") != "ED25519" {
		t.Fatalf("enable: %s", a.raw)
	}
	ds := list(a, "ds_list")
	if len(list(a, "dnskey_list")) != 2 || len(ds) != 1 || !strings.Contains(ds[0], "acme.test.") || !strings.Contains(ds[0], " 15 2 ") {
		t.Fatalf("enable: %s", a.raw)
	}
	if strings.Contains(string(a.raw), "v1$") || strings.Contains(strings.ToLower(string(a.raw)), "private") {
		t.Fatalf("a private key in the answer: %s", a.raw)
	}
	if a := e.asA("dns/dnssec-enable", "zone_id", zone); a.code() != "dnssec-already-enabled" {
		t.Fatalf("enable twice: %s", a.raw)
	}
	if a := e.asA("dns/dnssec-enable", "zone_id", zone, "algorithm", "RSASHA1"); a.code() != "invalid-dnssec-algorithm" {
		t.Fatalf("bad algorithm: %s", a.raw)
	}

	// Isolation: B's calls on A's zone answer as for a missing zone.
	for _, cmd := range []string{"dns/dnssec-details", "dns/dnssec-enable", "dns/dnssec-disable"} {
		b := e.call(cmd, idB, keyB, "zone_id", zone)
		missing := e.call(cmd, idB, keyB, "zone_id", "987654")
		if b.code() != "invalid-zone-id" || string(b.raw) != string(missing.raw) {
			t.Fatalf("%s by B: %s, for a missing zone %s", cmd, b.raw, missing.raw)
		}
	}

	advance(5 * time.Minute)
	a = details()
	if got := list(a, "registry_ds_list"); len(got) != 1 || got[0] != ds[0] || len(sim.DS("acme.test")) != 1 {
		t.Fatalf("the DS at the registry: %s (simulator %v)", a.raw, sim.DS("acme.test"))
	}

	// ZSK rollover: published, active, old removed.
	advance(24*time.Hour - 5*time.Minute)
	if got := keyStates(details(), "ZSK"); strings.Join(got, ",") != "active,published" {
		t.Fatalf("rollover started: ZSK states %v", got)
	}
	advance(15 * time.Minute)
	if got := keyStates(details(), "ZSK"); strings.Join(got, ",") != "retired,active" {
		t.Fatalf("new ZSK active: ZSK states %v", got)
	}
	advance(3*time.Hour + 5*time.Minute) // the zone's largest TTL (3600) + propagation, with a margin
	if got := keyStates(details(), "ZSK"); strings.Join(got, ",") != "active" {
		t.Fatalf("old ZSK removed: ZSK states %v", got)
	}

	// Disable in the safe order.
	if a := e.asA("dns/dnssec-disable", "zone_id", zone); !a.success() {
		t.Fatalf("disable: %s", a.raw)
	}
	advance(0)
	a = details()
	if a.get("dnssec_details", "state") != "disabling" || len(sim.DS("acme.test")) != 0 || len(list(a, "dnskey_list")) != 2 {
		t.Fatalf("disabling: %s (simulator %v)", a.raw, sim.DS("acme.test"))
	}
	advance(time.Hour + 5*time.Minute)
	if a := details(); a.get("dnssec_details", "state") != "off" {
		t.Fatalf("after the DS TTL: %s", a.raw)
	}
	if a := e.asA("dns/dnssec-disable", "zone_id", zone); a.code() != "dnssec-not-enabled" {
		t.Fatalf("disable twice: %s", a.raw)
	}
}
