package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

func sqliteDSN(t *testing.T) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "artnet.db")
}

func TestServeDemo(t *testing.T) {
	ctx := context.Background()
	dsn := sqliteDSN(t)
	var out bytes.Buffer
	m := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Demo: true, Stdout: &out, Logger: discardLogger()}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	match := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]{32,})`).FindStringSubmatch(out.String())
	if match == nil {
		m.Close()
		t.Fatalf("demo credentials not printed: %q", out.String())
	}
	base := "http://" + m.Addr()
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.PostForm(base+"/api/services/list", url.Values{"id": {match[1]}, "api_key": {match[2]}})
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Success      bool             `json:"success"`
		ServicesList []map[string]any `json:"services_list"`
	}
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if !list.Success || len(list.ServicesList) != 13 {
		t.Fatalf("demo services/list: success=%v, %d services", list.Success, len(list.ServicesList))
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("server still answers after Close")
	}

	// A second start on the same database seeds nothing and keeps the data.
	out.Reset()
	m2 := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Demo: true, Stdout: &out, Logger: discardLogger()}
	if err := m2.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if !strings.Contains(out.String(), "nothing seeded") {
		t.Fatalf("second start: %q", out.String())
	}
}

func TestServeDNS(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	m := &Main{DB: sqliteDSN(t), HTTPAddr: "127.0.0.1:0", DNSAddr: "127.0.0.1:0", Demo: true,
		Stdout: &out, Logger: discardLogger(),
		DNS: DNSConfig{Nameservers: []string{"ns1.example.net", "ns2.example.net"}}}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	match := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]{32,})`).FindStringSubmatch(out.String())
	call := func(path string, kv ...string) map[string]any {
		v := url.Values{"id": {match[1]}, "api_key": {match[2]}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		resp, err := http.PostForm("http://"+m.Addr()+"/api/"+path, v)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		if body["success"] != true {
			t.Fatalf("%s: %v", path, body)
		}
		return body
	}
	// The demo's zone (if any) is served from the start; a zone made over
	// the API is served as soon as the call returns.
	list := call("dns/list")["zones_list"].([]any)
	for _, z := range list {
		zone := z.(map[string]any)
		call("dns/delete", "zone_id", fmt.Sprint(zone["id"]))
	}
	zone := call("dns/add-primary", "domain", "acme.test")["zone_details"].(map[string]any)
	serial := fmt.Sprintf("%.0f", call("dns/details-primary", "zone_id", fmt.Sprint(zone["id"]))["zone_details"].(map[string]any)["serial"])
	call("dns/edit-primary-records", "zone_id", fmt.Sprint(zone["id"]), "serial", serial,
		"records[0][name]", "www", "records[0][ttl]", "600", "records[0][type]", "A", "records[0][data1]", "192.0.2.80")
	q := new(dns.Msg)
	q.SetQuestion("www.acme.test.", dns.TypeA)
	r, _, err := new(dns.Client).Exchange(q, m.DNSAddress())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Answer) != 1 || r.Answer[0].(*dns.A).A.String() != "192.0.2.80" || !r.Authoritative {
		t.Fatalf("answer: %v", r)
	}
	q.SetQuestion("acme.test.", dns.TypeNS)
	r, _, err = new(dns.Client).Exchange(q, m.DNSAddress())
	if err != nil || len(r.Answer) != 2 || r.Answer[0].(*dns.NS).Ns != "ns1.example.net." {
		t.Fatalf("NS answer: %v %v", r, err)
	}
}

// runOK runs artnetd with args and returns its standard output.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), args, &out, &errb); err != nil {
		t.Fatalf("artnetd %v: %v\n%s", args, err, errb.String())
	}
	return out.String()
}

func TestAdminCustomer(t *testing.T) {
	dsn := sqliteDSN(t)
	var created struct {
		ID     int64  `json:"id"`
		APIKey string `json:"api_key"`
	}
	out := runOK(t, "admin", "customer", "create", "--db", dsn, "--name", "Nowy Klient", "--email", "nowy@klient.test")
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.ID == 0 || len(created.APIKey) < 32 {
		t.Fatalf("create printed %q", out)
	}
	runOK(t, "admin", "customer", "api-access", "--db", dsn, "--id", "1", "--disable")
	export := runOK(t, "admin", "export", "--db", dsn)
	if !strings.Contains(export, `"api_access": false`) || strings.Contains(export, created.APIKey) {
		t.Fatalf("export after disabling access:\n%s", export)
	}
	var errb bytes.Buffer
	if err := run(context.Background(), []string{"admin", "customer", "create", "--db", dsn, "--name", "X", "--email", "bad"}, io.Discard, &errb); err == nil {
		t.Fatal("a bad e-mail was accepted")
	}
}

func TestImportExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "demo.json")
	data, err := os.ReadFile("../../internal/demo/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(src, data, 0o600)

	db1 := sqliteDSN(t)
	runOK(t, "admin", "import", "--db", db1, src)
	// Besides the demo's zone and allowance, a zone read from a zone file
	// and another allowance.
	zoneFile := filepath.Join(dir, "shop.zone")
	os.WriteFile(zoneFile, []byte(bindZone), 0o600)
	runOK(t, "admin", "zone", "import", "--db", db1, "--customer", "19052", "--domain", "shop.example", zoneFile)
	runOK(t, "admin", "zone", "allow", "--db", db1, "--customer", "19052", "--domain", "acme.example")
	first := runOK(t, "admin", "export", "--db", db1)
	for _, want := range []string{`"dns_zones": [`, `"domain": "acme.test"`, `"serial": 2025010101`, `"domain": "shop.example"`,
		`"data1": "she said \"hi\" \\o/"`, `"dns_allowed_domains": [`, `"acme-shop.test"`, `"acme.example"`,
		`"rev_dns": [`, `"subnetwork_id": 504`, `"dns_subclass": "123.123.123"`, `"prefix": "123.123.123"`,
		`"origin": "124"`, `"ptr": "mail.acme.test"`, `"address": "123.123.123.124"`} {
		if !strings.Contains(first, want) {
			t.Errorf("export lacks %s:\n%s", want, first)
		}
	}

	// Export → import into an empty database → export gives the same file, in
	// JSON and in YAML.
	for _, format := range []string{"json", "yaml"} {
		exported := filepath.Join(dir, "export."+format)
		os.WriteFile(exported, []byte(runOK(t, "admin", "export", "--db", db1, "--format", format)), 0o600)
		db2 := sqliteDSN(t)
		runOK(t, "admin", "import", "--db", db2, exported)
		if again := runOK(t, "admin", "export", "--db", db2); again != first {
			t.Fatalf("%s round trip differs:\nfirst:\n%s\nagain:\n%s", format, first, again)
		}
	}

	// A failed import changes nothing and names the offending value.
	bad := strings.Replace(string(data), `"login": "acme"`, `"login": "acme", "shell": "/bin/sh"`, 1)
	badFile := filepath.Join(dir, "bad.json")
	os.WriteFile(badFile, []byte(bad), 0o600)
	db3 := sqliteDSN(t)
	var errb bytes.Buffer
	err = run(context.Background(), []string{"admin", "import", "--db", db3, badFile}, io.Discard, &errb)
	if err == nil || !strings.Contains(err.Error(), "$.customers[0].services[5].details.shell") {
		t.Fatalf("bad import error = %v", err)
	}
	if got := runOK(t, "admin", "export", "--db", db3); !strings.Contains(got, `"customers": []`) {
		t.Fatalf("failed import left data behind:\n%s", got)
	}
	// A bad zone record is named by its JSON path.
	badZone := strings.Replace(string(data), `"data1": "123.123.123.124"}`, `"data1": "123.123.123.300"}`, 1)
	badZoneFile := filepath.Join(dir, "bad-zone.json")
	os.WriteFile(badZoneFile, []byte(badZone), 0o600)
	err = run(context.Background(), []string{"admin", "import", "--db", db3, badZoneFile}, io.Discard, &errb)
	if err == nil || !strings.Contains(err.Error(), "$.customers[0].dns_zones[0].records[3].data1: ") {
		t.Fatalf("bad zone import error = %v", err)
	}
	if got := runOK(t, "admin", "export", "--db", db3); !strings.Contains(got, `"customers": []`) {
		t.Fatalf("failed import left data behind:\n%s", got)
	}
	// A PTR record outside the customer's subnetwork is named by its JSON path.
	badPTR := strings.Replace(string(data), `"origin": "124"`, `"origin": "125"`, 1)
	badPTRFile := filepath.Join(dir, "bad-ptr.json")
	os.WriteFile(badPTRFile, []byte(badPTR), 0o600)
	err = run(context.Background(), []string{"admin", "import", "--db", db3, badPTRFile}, io.Discard, &errb)
	if err == nil || !strings.Contains(err.Error(), "$.customers[0].rev_dns[0].ptr_records[0].origin: ") {
		t.Fatalf("bad PTR import error = %v", err)
	}
	if got := runOK(t, "admin", "export", "--db", db3); !strings.Contains(got, `"customers": []`) {
		t.Fatalf("failed import left data behind:\n%s", got)
	}
	// Importing the same ids twice fails as a whole.
	err = run(context.Background(), []string{"admin", "import", "--db", db1, src}, io.Discard, &errb)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate import error = %v", err)
	}
	if again := runOK(t, "admin", "export", "--db", db1); again != first {
		t.Fatal("a failed duplicate import changed the database")
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
