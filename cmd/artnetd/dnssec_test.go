package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/eppreg"
)

// dsAnchors writes a delv trust anchor file of the DS records ds
// ("tag alg digest-type DIGEST", as the test registry holds them) for
// origin: what a resolver validating from the parent trusts.
func dsAnchors(t *testing.T, origin string, ds []string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("trust-anchors {\n")
	for _, d := range ds {
		f := strings.Fields(d)
		fmt.Fprintf(&b, "  %s static-ds %s %s %s \"%s\";\n", origin, f[0], f[1], f[2], f[3])
	}
	b.WriteString("};\n")
	path := filepath.Join(t.TempDir(), "ds-anchors.conf")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func dnssecState(t *testing.T, addr string) map[string]any {
	t.Helper()
	b := regCall(t, addr, "dns/dnssec-details", "zone_id", "1")
	d, ok := b["dnssec_details"].(map[string]any)
	if !ok {
		t.Fatalf("dnssec-details: %s", b["raw"])
	}
	return d
}

func strList(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// TestDNSSECEndToEnd: artnetd serve with its DNS server and the EPP test
// registry. One command (dns/dnssec-enable) takes acme.test from unsigned
// to validating in delv, from the DS records the registry then holds
// (secDNS-1.1, every frame schema-checked); the KSK rolls by itself
// (--dnssec-ksk-lifetime, shortened timers) and delv validates from the
// registry's DS set at every step; dns/dnssec-disable removes the DS at
// the registry first and serves the zone unsigned after the DS TTL.
func TestDNSSECEndToEnd(t *testing.T) {
	delv := testpeer.NeedTool(t, "delv", "bind9-dnsutils")
	reg := eppreg.Start(t, eppreg.Options{})
	reg.AddDomain("acme.test", "ns1.artnet.pl", "ns2.artnet.pl")
	dsn := sqliteDSN(t)
	registryInventory(t, dsn)
	t.Setenv("ARTNETD_EPP_PASSWORD", reg.Password)
	t.Setenv("ARTNETD_DNSSEC_SECRET_KEY", strings.Repeat("5a", 32))

	m, logBuf := serveArgs(t, append([]string{"--db", dsn, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0", "--epp-timeout", "5s",
		"--dnssec-propagation", "1s", "--dnssec-ds-ttl", "1s", "--dnssec-ksk-lifetime", "4s", "--dnssec-tick", "100ms",
		"--access-log", filepath.Join(t.TempDir(), "access.log")}, eppArgs(reg)...)...)
	defer m.Close()
	addr, dnsAddr := m.Addr(), m.DNSAddress()

	signed := func() bool {
		q := new(dns.Msg)
		q.SetQuestion("www.acme.test.", dns.TypeA)
		q.SetEdns0(1232, true)
		r, _, err := new(dns.Client).Exchange(q, dnsAddr)
		if err != nil {
			t.Fatal(err)
		}
		for _, rr := range r.Answer {
			if rr.Header().Rrtype == dns.TypeRRSIG {
				return true
			}
		}
		return false
	}
	if signed() {
		t.Fatal("signed before dnssec-enable")
	}
	// validates runs delv from the registry's DS set (the parent's view).
	validates := func(step string) {
		t.Helper()
		ds := reg.DS("acme.test")
		if len(ds) == 0 {
			t.Fatalf("%s: the registry holds no DS", step)
		}
		anchors := dsAnchors(t, "acme.test.", ds)
		for _, q := range []struct{ name, qtype, want string }{
			{"www.acme.test.", "A", testpeer.DelvValidated},
			{"nx.acme.test.", "A", testpeer.DelvNegative},
		} {
			if out := testpeer.Delv(t, delv, dnsAddr, anchors, "acme.test.", q.name, q.qtype); !strings.Contains(out, q.want+"\n") {
				t.Fatalf("%s: delv %s %s (DS %v): want %q in:\n%s", step, q.name, q.qtype, ds, q.want, out)
			}
		}
	}

	// One command.
	b := regCall(t, addr, "dns/dnssec-enable", "zone_id", "1")
	d, _ := b["dnssec_details"].(map[string]any)
	if b["success"] != true || d["state"] != "signing" || len(strList(d["ds_list"])) != 1 {
		t.Fatalf("dnssec-enable: %s", b["raw"])
	}
	if !signed() {
		t.Fatal("not signed right after dnssec-enable")
	}
	wantDS := strList(d["ds_list"])[0]
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logBuf.String())
		}
	})
	waitFor(t, "the DS at the registry", func() bool { return len(reg.DS("acme.test")) == 1 })
	if f := strings.Fields(wantDS); !slices.Equal(reg.DS("acme.test"), []string{strings.Join(f[len(f)-4:], " ")}) {
		t.Fatalf("the registry holds %v, dnssec-details says %s", reg.DS("acme.test"), wantDS)
	}
	waitFor(t, "registry_ds_list", func() bool { return len(strList(dnssecState(t, addr)["registry_ds_list"])) == 1 })
	validates("enabled, DS at the registry")

	// The KSK rolls by itself (double-KSK): two DS, then the new one only.
	first := reg.DS("acme.test")[0]
	waitFor(t, "the new KSK's DS beside the old", func() bool { return len(reg.DS("acme.test")) == 2 })
	validates("double DS")
	waitFor(t, "the old KSK's DS removed", func() bool {
		ds := reg.DS("acme.test")
		return len(ds) == 1 && ds[0] != first
	})
	validates("KSK rolled")

	// Disable: the DS goes first, the signatures after the DS TTL.
	if b := regCall(t, addr, "dns/dnssec-disable", "zone_id", "1"); b["success"] != true {
		t.Fatalf("dnssec-disable: %s", b["raw"])
	}
	waitFor(t, "the DS removed at the registry", func() bool { return len(reg.DS("acme.test")) == 0 })
	waitFor(t, "the zone unsigned", func() bool { return dnssecState(t, addr)["state"] == "off" })
	if signed() {
		t.Fatal("still signed after dnssec-disable")
	}
	if reg.Frames() == 0 {
		t.Fatal("no EPP frame validated")
	}
	if strings.Contains(logBuf.String(), "PRIVATE") || strings.Contains(logBuf.String(), "v1$") {
		t.Fatal("a private key in the log")
	}
}

// TestAdminZoneRollKSK: artnetd admin zone roll-ksk starts a KSK rollover
// of a signed zone (a second KSK, sealed with the operator key from the
// environment); it refuses an unsigned zone, a rollover in progress and a
// missing key.
func TestAdminZoneRollKSK(t *testing.T) {
	dsn := sqliteDSN(t)
	registryInventory(t, dsn)
	args := []string{"admin", "zone", "roll-ksk", "--db", dsn, "--domain", "acme.test"}
	if err := runErr(t, args...); !strings.Contains(err.Error(), "ARTNETD_DNSSEC_SECRET_KEY") {
		t.Fatalf("without a key: %v", err)
	}
	t.Setenv("ARTNETD_DNSSEC_SECRET_KEY", strings.Repeat("5a", 32))
	if err := runErr(t, args...); !strings.Contains(err.Error(), "not found") {
		t.Fatalf("unsigned zone: %v", err)
	}
	ctx := context.Background()
	st, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := panel.New(st)
	p.DNSSEC = &panel.DNSSECConfig{SecretKey: bytes.Repeat([]byte{0x5a}, 32)}
	if _, err := p.DNSSECEnable(ctx, 7, 1, ""); err != nil {
		t.Fatal(err)
	}
	if out := runOK(t, args...); !strings.Contains(out, "KSK rollover of acme.test started") {
		t.Fatalf("roll-ksk: %s", out)
	}
	d, err := p.DNSSECDetails(ctx, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	ksks := 0
	for _, k := range d.KeysList {
		if k.Role == "KSK" && k.State == "active" {
			ksks++
		}
	}
	if ksks != 2 || len(d.DSList) != 2 {
		t.Fatalf("after roll-ksk: %+v", d)
	}
	// The new key opens with the operator key: the zone builds signed.
	if zk, err := p.DNSSECKeySource().ZoneKeys(ctx, "acme.test."); err != nil || len(zk.Keys) != 3 {
		t.Fatalf("keys after roll-ksk: %d, %v", len(zk.Keys), err)
	}
	if err := runErr(t, args...); !strings.Contains(err.Error(), "in progress") {
		t.Fatalf("second roll-ksk: %v", err)
	}
}
