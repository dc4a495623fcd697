package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/metrics"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/eppreg"
)

const regKey = "RegistryKeyRegistryKeyRegistryKey1234567"

// registryInventory writes an inventory with customer 7 holding the domain
// service 70 (acme.test, delegated to ns1/ns2.artnet.pl) and imports it.
func registryInventory(t *testing.T, dsn string) {
	t.Helper()
	doc := fmt.Sprintf(`{"customers": [{"customer": {"id": 7, "name": "Klient", "language": "en", "currency": "PLN"},
	  "api_key": %q,
	  "services": [{"service": {"id": 70, "type": "domain", "name": "acme.test", "expiration_time": 1893456000,
	      "payment_details": {"price": 1, "price_brutto": 1.23, "currency": "PLN", "payment_period": 12},
	      "parent_service_id": 0, "ip": "", "custom_description": null},
	    "details": {"domain_name": "acme.test", "manageable": true, "dns_servers": ["ns1.artnet.pl", "ns2.artnet.pl"]}}],
	  "dns_zones": [{"id": 1, "domain": "acme.test", "type": "primary", "serial": 2025010101,
	    "records": [{"name": "ns1", "ttl": 3600, "type": "A", "data1": "192.0.2.53"},
	                {"name": "www", "ttl": 3600, "type": "A", "data1": "192.0.2.80"},
	                {"name": "ns1.acme.test.", "ttl": 3600, "type": "AAAA", "data1": "2001:db8::53"}]}]}]}`, regKey)
	file := filepath.Join(t.TempDir(), "inv.json")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	runOK(t, "admin", "import", "--db", dsn, file)
}

// eppArgs are the serve (and admin registry check) flags of reg.
func eppArgs(reg *eppreg.Server) []string {
	host, port, _ := net.SplitHostPort(reg.Addr)
	return []string{"--registry", "epp", "--epp-host", host, "--epp-port", port, "--epp-client-id", reg.ClientID,
		"--epp-cert", reg.CertFile, "--epp-key", reg.KeyFile, "--epp-ca", reg.CAFile}
}

// regCall calls a command of customer 7 on addr.
func regCall(t *testing.T, addr, cmd string, params ...string) map[string]any {
	t.Helper()
	v := url.Values{"id": {"7"}, "api_key": {regKey}, "service_id": {"70"}}
	for i := 0; i+1 < len(params); i += 2 {
		v.Add(params[i], params[i+1])
	}
	resp, err := http.PostForm("http://"+addr+"/api/"+cmd, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("%s: %v: %s", cmd, err, raw)
	}
	body["raw"] = string(raw)
	return body
}

func editDNS(t *testing.T, addr string, ns ...string) map[string]any {
	t.Helper()
	var p []string
	for _, n := range ns {
		p = append(p, "dns_servers[]", n)
	}
	return regCall(t, addr, "domain/edit-dns-servers", p...)
}

func regErrCode(b map[string]any) string {
	if e, ok := b["error"].(map[string]any); ok {
		return fmt.Sprint(e["code"])
	}
	return ""
}

// storedNS returns /domain/details' dns_servers.
func storedNS(t *testing.T, addr string) []string {
	t.Helper()
	b := regCall(t, addr, "domain/details")
	d, _ := b["service_details"].(map[string]any)
	var out []string
	for _, x := range d["dns_servers"].([]any) {
		out = append(out, x.(string))
	}
	return out
}

func sortedNS(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

// TestRegistryEPPEndToEnd runs artnetd with --registry epp (configured by
// its flags, the password from ARTNETD_EPP_PASSWORD) against the test
// registry, which validates every frame against the EPP schemas:
// edit-dns-servers changes the registry's delegation; too few servers are
// refused before any registry call; each registry failure answers
// edit-dns-error with the registry's message in the log only and nothing
// stored; concurrent edits of one domain are serialised; a change the
// registry accepted whose answer was lost is stored by the next
// reconcile; admin registry check prints both sides.
func TestRegistryEPPEndToEnd(t *testing.T) {
	reg := eppreg.Start(t, eppreg.Options{})
	reg.AddDomain("acme.test", "ns1.artnet.pl", "ns2.artnet.pl")
	dsn := sqliteDSN(t)
	registryInventory(t, dsn)
	t.Setenv("ARTNETD_EPP_PASSWORD", reg.Password)

	m, logBuf := serveArgs(t, append([]string{"--db", dsn, "--http", "127.0.0.1:0", "--epp-sessions", "2", "--epp-timeout", "5s",
		"--access-log", filepath.Join(t.TempDir(), "access.log")}, eppArgs(reg)...)...)
	defer m.Close()
	addr := m.Addr()
	// The start-up reconcile (nothing to change) is over before the test
	// injects failures, which it would otherwise meet.
	waitFor(t, "the start-up reconcile", func() bool { return m.RegistryReconciles() >= 1 })

	if b := editDNS(t, addr, "ns1.example.net", "ns2.example.net"); b["success"] != true {
		t.Fatalf("edit-dns-servers: %v", b)
	}
	if d, _ := reg.Delegation("acme.test"); !slices.Equal(sortedNS(d), []string{"ns1.example.net", "ns2.example.net"}) {
		t.Fatalf("the registry holds %v", d)
	}
	if got := storedNS(t, addr); !slices.Equal(got, []string{"ns1.example.net", "ns2.example.net"}) {
		t.Fatalf("details show %v", got)
	}

	// A name server inside the domain: its host object is created with
	// the glue of the zone we host.
	if b := editDNS(t, addr, "ns1.acme.test", "ns2.example.net"); b["success"] != true {
		t.Fatalf("in-bailiwick name server: %v", b)
	}
	if a, ok := reg.Host("ns1.acme.test"); !ok || !slices.Equal(a, []string{"192.0.2.53", "2001:db8::53"}) {
		t.Errorf("host ns1.acme.test: %v %v, want the zone's addresses as glue", a, ok)
	}
	if b := editDNS(t, addr, "ns1.example.net", "ns2.example.net"); b["success"] != true {
		t.Fatalf("edit-dns-servers: %v", b)
	}

	// Too few servers: no registry command at all.
	before := reg.Count("domain:info") + reg.Count("domain:update")
	if b := editDNS(t, addr, "ns3.example.net"); regErrCode(b) != "dns-servers-insufficient" {
		t.Fatalf("one server: %v", b)
	}
	if after := reg.Count("domain:info") + reg.Count("domain:update"); after != before {
		t.Errorf("dns-servers-insufficient reached the registry (%d commands)", after-before)
	}

	// Every registry failure: edit-dns-error, the message in the log only,
	// neither side changed.
	errorsBefore := registryErrors()
	failures := []struct {
		cmd    string
		action eppreg.Action
	}{
		{"domain:update", eppreg.Action{Code: 2302, Msg: "msg-2302 object exists"}},
		{"domain:update", eppreg.Action{Code: 2303, Msg: "msg-2303 object does not exist"}},
		{"domain:update", eppreg.Action{Code: 2304, Msg: "msg-2304 clientUpdateProhibited"}},
		{"domain:update", eppreg.Action{Code: 2305, Msg: "msg-2305 association prohibits"}},
		{"domain:update", eppreg.Action{Code: 2306, Msg: "msg-2306 policy"}},
		{"domain:update", eppreg.Action{Code: 2308, Msg: "msg-2308 data management policy"}},
		{"domain:update", eppreg.Action{Code: 2201, Msg: "msg-2201 authorization"}},
		{"domain:update", eppreg.Action{Code: 2400, Msg: "msg-2400 command failed"}},
		{"domain:update", eppreg.Action{Code: 2500, Msg: "msg-2500 closing"}},
		{"domain:info", eppreg.Action{Code: 2303, Msg: "msg-info-2303 no such domain"}},
		{"host:create", eppreg.Action{Code: 2306, Msg: "msg-host-2306 host policy"}},
		{"domain:info", eppreg.Action{Drop: true}}, // twice: a kept session's info is retried once
		{"domain:update", eppreg.Action{Drop: true}},
		{"domain:update", eppreg.Action{Stall: true}},
	}
	for i, f := range failures {
		reg.Inject(f.cmd, f.action)
		if f.cmd == "domain:info" && f.action.Drop {
			reg.Inject(f.cmd, f.action)
		}
		// New names each time: host objects the registry lacks.
		ns5, ns6 := fmt.Sprintf("f%d-a.example.net", i), fmt.Sprintf("f%d-b.example.net", i)
		b := editDNS(t, addr, ns5, ns6)
		if regErrCode(b) != "edit-dns-error" {
			t.Errorf("%s %+v: %v", f.cmd, f.action, b)
			continue
		}
		if f.action.Msg != "" {
			if strings.Contains(b["raw"].(string), "msg-") {
				t.Errorf("the registry's message reached the customer: %s", b["raw"])
			}
			if !strings.Contains(logBuf.String(), f.action.Msg) {
				t.Errorf("the registry's message %q is not logged", f.action.Msg)
			}
		}
		if d, _ := reg.Delegation("acme.test"); slices.Contains(d, ns5) {
			t.Errorf("%s %+v changed the registry: %v", f.cmd, f.action, d)
		}
		if got := storedNS(t, addr); !slices.Equal(got, []string{"ns1.example.net", "ns2.example.net"}) {
			t.Errorf("%s %+v changed the details: %v", f.cmd, f.action, got)
		}
	}

	if n := registryErrors() - errorsBefore; n < float64(len(failures)) {
		t.Errorf("artnet_driver_errors_total{kind=\"registry\"} rose by %v for %d failures", n, len(failures))
	}

	// Concurrent edits of one domain (two EPP sessions): each is carried
	// out whole, one after the other, so every one succeeds (interleaved
	// info/update pairs would remove servers already removed) and the
	// registry and the details end equal.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if b := editDNS(t, addr, fmt.Sprintf("a%d.example.net", i), fmt.Sprintf("b%d.example.net", i)); b["success"] != true {
				t.Errorf("concurrent edit %d: %v", i, b)
			}
		})
	}
	wg.Wait()
	d, _ := reg.Delegation("acme.test")
	if got := storedNS(t, addr); !slices.Equal(sortedNS(got), sortedNS(d)) || len(d) != 2 {
		t.Errorf("after concurrent edits: stored %v, registry %v", got, d)
	}

	// The registry accepts a change and the answer is lost (as when this
	// node dies before committing): the call fails, the registry holds the
	// change, and the reconcile stores it.
	reg.Inject("domain:update", eppreg.Action{Drop: true, Apply: true})
	if b := editDNS(t, addr, "ns7.example.net", "ns8.example.net"); regErrCode(b) != "edit-dns-error" {
		t.Fatalf("lost answer: %v", b)
	}
	if d, _ := reg.Delegation("acme.test"); !slices.Equal(sortedNS(d), []string{"ns7.example.net", "ns8.example.net"}) {
		t.Fatalf("the registry holds %v", d)
	}
	// admin registry check sees the difference.
	var out, errb bytes.Buffer
	checkArgs := append([]string{"admin", "registry", "check", "--db", dsn}, eppArgs(reg)...)
	checkArgs = append(checkArgs, "acme.test")
	if err := run(context.Background(), checkArgs, &out, &errb); err == nil || !strings.Contains(out.String(), "in sync   no") ||
		!strings.Contains(out.String(), "registry  ns7.example.net ns8.example.net") {
		t.Errorf("admin registry check before the reconcile: %v\n%s%s", err, out.String(), errb.String())
	}
	passes := m.RegistryReconciles()
	m.KickRegistryReconcile()
	waitFor(t, "a reconcile pass", func() bool { return m.RegistryReconciles() > passes })
	waitFor(t, "the reconcile stores the registry's delegation", func() bool {
		return slices.Equal(sortedNS(storedNS(t, addr)), []string{"ns7.example.net", "ns8.example.net"})
	})
	out.Reset()
	errb.Reset()
	if err := run(context.Background(), checkArgs, &out, &errb); err != nil || !strings.Contains(out.String(), "in sync   yes") {
		t.Errorf("admin registry check after the reconcile: %v\n%s%s", err, out.String(), errb.String())
	}
	if reg.Frames() == 0 {
		t.Fatal("the registry validated no frame")
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("within 30s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRegistryCrashHeals: the built artnetd is killed (SIGKILL) while the
// registry has carried the change out but not answered; the restarted
// binary's start-up reconcile stores the registry's delegation, so
// /domain/details shows what the registry holds.
func TestRegistryCrashHeals(t *testing.T) {
	reg := eppreg.Start(t, eppreg.Options{})
	reg.AddDomain("acme.test", "ns1.artnet.pl", "ns2.artnet.pl")
	dsn := sqliteDSN(t)
	registryInventory(t, dsn)
	bin := artnetdBinary(t)
	addr := freeAddr(t)
	env := append(os.Environ(), "ARTNETD_EPP_PASSWORD="+reg.Password, "ARTNETD_ACCESS_LOG="+filepath.Join(t.TempDir(), "access.log"))
	args := append([]string{"serve", "--db", dsn, "--http", addr}, eppArgs(reg)...)
	cmd := startArtnetd(t, bin, env, addr, args...)

	reg.Inject("domain:update", eppreg.Action{Stall: true, Apply: true})
	answered := make(chan map[string]any, 1)
	go func() {
		v := url.Values{"id": {"7"}, "api_key": {regKey}, "service_id": {"70"},
			"dns_servers[]": {"ns7.example.net", "ns8.example.net"}}
		resp, err := http.PostForm("http://"+addr+"/api/domain/edit-dns-servers", v)
		if err != nil {
			answered <- nil // the connection died with the process
			return
		}
		defer resp.Body.Close()
		var b map[string]any
		json.NewDecoder(resp.Body).Decode(&b)
		answered <- b
	}()
	waitFor(t, "the registry carries the update out", func() bool {
		d, _ := reg.Delegation("acme.test")
		return slices.Contains(d, "ns7.example.net")
	})
	cmd.Process.Kill()
	cmd.Wait()
	if b := <-answered; b != nil && b["success"] == true {
		t.Fatalf("the killed node answered success: %v", b)
	}

	cmd = startArtnetd(t, bin, env, addr, args...)
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	waitFor(t, "the restarted node stores the registry's delegation", func() bool {
		return slices.Equal(sortedNS(storedNS(t, addr)), []string{"ns7.example.net", "ns8.example.net"})
	})
}

// TestRegistryNone: without --registry (and without --demo or --simulate)
// edit-dns-servers answers edit-dns-error, the log says why, and so does
// /api/docs; --demo runs the simulator, which accepts the change.
func TestRegistryNone(t *testing.T) {
	dsn := sqliteDSN(t)
	registryInventory(t, dsn)
	var logBuf testpeer.Buffer
	m := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(&logBuf, nil))}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if b := editDNS(t, m.Addr(), "ns1.example.net", "ns2.example.net"); regErrCode(b) != "edit-dns-error" {
		t.Fatalf("without a registry: %v", b)
	}
	if !strings.Contains(logBuf.String(), "no domain registry is configured") {
		t.Errorf("the log does not say why:\n%s", logBuf.String())
	}
	resp, err := http.Get("http://" + m.Addr() + "/api/docs")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "no domain registry is configured on this server") {
		t.Error("/api/docs does not say why edit-dns-servers fails")
	}
	if got := storedNS(t, m.Addr()); !slices.Equal(got, []string{"ns1.artnet.pl", "ns2.artnet.pl"}) {
		t.Errorf("stored %v without a registry", got)
	}

	// --demo and --simulate run the simulator, whose delegations are in
	// the database: the second node (--simulate) sees what the first
	// (--demo) set, and so does admin registry check --registry sim.
	for i, mod := range []func(*Main){func(m *Main) { m.Demo = true }, func(m *Main) { m.Simulate = true }} {
		m2 := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Logger: discardLogger(), Stdout: io.Discard}
		mod(m2)
		if err := m2.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, ok := m2.RegistrySimulator().Delegation("acme.test"); ok != (i == 1) {
			t.Errorf("node %d: the simulator holds a delegation before any edit: %v", i, ok)
		}
		if b := editDNS(t, m2.Addr(), "ns1.example.net", "ns2.example.net"); b["success"] != true {
			t.Errorf("with the simulator: %v", b)
		}
		if d, ok := m2.RegistrySimulator().Delegation("acme.test"); !ok || !slices.Equal(d, []string{"ns1.example.net", "ns2.example.net"}) {
			t.Errorf("the simulator holds %v", d)
		}
		m2.Close()
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"admin", "registry", "check", "--db", dsn, "--registry", "sim", "acme.test"}, &out, &errb); err != nil ||
		!strings.Contains(out.String(), "in sync   yes") {
		t.Errorf("admin registry check --registry sim: %v\n%s%s", err, out.String(), errb.String())
	}
}

// TestRegistryFlags: flag checks and the several-registries file.
func TestRegistryFlags(t *testing.T) {
	parse := func(args ...string) (*Main, error) {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		m, finish := serveFlags(fs, io.Discard)
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		return m, finish()
	}
	for _, bad := range [][]string{{"--registry", "bogus"}, {"--registry", "epp"}, {"--registry-reconcile", "0s"},
		{"--epp-host", "epp.example", "--registry", "epp"}} {
		if _, err := parse(bad...); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	file := filepath.Join(t.TempDir(), "registries.json")
	os.WriteFile(file, []byte(`{"registries": [
	  {"tlds": ["pl", "com.pl"], "host": "epp.dns.example", "client_id": "artnet", "password_env": "PL_PW", "cert": "c.pem", "key": "k.pem"},
	  {"host": "epp.other.example", "port": 7000, "client_id": "artnet2"}]}`), 0o600)
	t.Setenv("PL_PW", "pl-password")
	t.Setenv("ARTNETD_EPP_PASSWORD", "default-pw")
	m, err := parse("--registry", "epp", "--registry-config", file)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Registry.EPP) != 2 || m.Registry.EPP[0].Password != "pl-password" || m.Registry.EPP[1].Password != "default-pw" ||
		m.Registry.EPP[0].Port != 700 || m.Registry.EPP[1].Port != 7000 || !slices.Equal(m.Registry.EPP[0].TLDs, []string{"pl", "com.pl"}) {
		t.Errorf("registries %+v", m.Registry.EPP)
	}
	if m.registryKind() != "epp" {
		t.Errorf("kind %q", m.registryKind())
	}
	m, _ = parse()
	if m.registryKind() != "none" {
		t.Errorf("default kind %q, want none", m.registryKind())
	}
	m, _ = parse("--demo")
	if m.registryKind() != "sim" {
		t.Errorf("--demo kind %q, want sim", m.registryKind())
	}
}

// registryErrors reads artnet_driver_errors_total{kind="registry"}.
func registryErrors() float64 {
	mfs, _ := metrics.Registry.Gather()
	for _, mf := range mfs {
		if mf.GetName() != "artnet_driver_errors_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "kind" && l.GetValue() == "registry" {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// serveArgs runs a Main made from serve's own flags (args) in the test's
// process, logging into the returned buffer; the caller closes it.
func serveArgs(t *testing.T, args ...string) (*Main, *testpeer.Buffer) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	m, finish := serveFlags(fs, io.Discard)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := finish(); err != nil {
		t.Fatal(err)
	}
	logBuf := &testpeer.Buffer{}
	m.Logger = slog.New(slog.NewTextHandler(logBuf, nil))
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m, logBuf
}
