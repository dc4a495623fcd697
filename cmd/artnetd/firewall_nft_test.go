package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/netlab"
)

// nftInventory is one customer with one dedicated server at the lab's
// server address behind ruleset fw-e2e, which lets in TCP port 80 only.
const nftInventory = `{"customers": [{"customer": {"id": 31001, "name": "E2E", "language": "en", "currency": "PLN"},
  "api_key": "e2ekey0123456789abcdef0123456789abcdef",
  "services": [{"service": {"id": 71001, "type": "dedicated", "name": "e2e", "expiration_time": 0, "parent_service_id": 0,
                            "ip": "198.51.100.10", "custom_description": null,
                            "payment_details": {"price": 1, "price_brutto": 1.23, "currency": "PLN", "payment_period": 1}},
                "details": {"network_configuration": {"ip": "198.51.100.10", "additional_ips": [], "subnetworks": []},
                            "features": {"firewall_management": true}, "active": true}}]}],
 "firewall_rulesets": [{"id": "fw-e2e", "enabled": true, "maximum_rules_number": 10, "protocol": "",
   "rules": {"in": [{"policy": "ACCEPT", "protocol": "6", "source": {"ip": "", "mask_short": 0, "port": {"begin": "", "end": ""}},
                     "destination": {"ip": "", "mask_short": 0, "port": {"begin": "80", "end": "80"}}}],
             "out": []},
   "services_ids_list": [71001]}]}`

// artnetd with --firewall nft drives the gateway namespace of a netlab:
// packets between the client and the server follow API saves as soon as
// the call answers, a table deleted by hand is restored by the periodic
// reconcile, and a restart leaves the kernel's table as it was.
func TestFirewallNftEndToEnd(t *testing.T) {
	lab := netlab.New(t)
	testpeer.NeedTool(t, "nft", "nftables")
	ctx := context.Background()
	dir := t.TempDir()
	inv := filepath.Join(dir, "inventory.json")
	if err := os.WriteFile(inv, []byte(nftInventory), 0o600); err != nil {
		t.Fatal(err)
	}
	dsn := sqliteDSN(t)
	runOK(t, "admin", "import", "--db", dsn, inv)
	for _, port := range []string{"80", "8080"} {
		if err := lab.Listen(lab.ServerNS, netlab.ServerAddr.String()+":"+port); err != nil {
			t.Fatal(err)
		}
	}
	cfg := FirewallConfig{Driver: "nft", Table: "artnet", NetNS: lab.GatewayNS, Reconcile: 2 * time.Second}
	start := func() *Main {
		t.Helper()
		m := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Logger: discardLogger(), Firewall: cfg}
		if err := m.Run(ctx); err != nil {
			t.Fatal(err)
		}
		return m
	}
	// open reports whether a new TCP connection from the client reaches
	// the server's port (a dropped SYN times out: 700 ms is under the
	// first retransmit).
	open := func(port string) bool {
		return lab.Dial(lab.ClientNS, netlab.ServerAddr.String()+":"+port, 700*time.Millisecond) == nil
	}
	expect := func(when string, want80, want8080 bool) {
		t.Helper()
		if got := open("80"); got != want80 {
			t.Errorf("%s: port 80 open=%v, want %v", when, got, want80)
		}
		if got := open("8080"); got != want8080 {
			t.Errorf("%s: port 8080 open=%v, want %v", when, got, want8080)
		}
	}
	listTable := func() string {
		out, err := lab.Exec(lab.GatewayNS, "nft", "list", "table", "ip", "artnet")
		if err != nil {
			t.Fatalf("nft list table: %v: %s", err, out)
		}
		return out
	}
	creds := url.Values{"id": {"31001"}, "api_key": {"e2ekey0123456789abcdef0123456789abcdef"}, "ruleset_id": {"fw-e2e"}}
	call := func(m *Main, cmd string, extra url.Values) {
		t.Helper()
		form := url.Values{}
		for k, v := range creds {
			form[k] = v
		}
		for k, v := range extra {
			form[k] = v
		}
		if a := post(t, m, cmd, form); a["success"] != true {
			t.Fatalf("%s: %v", cmd, a)
		}
	}

	m := start()
	defer func() { m.Close() }()
	// The first apply at start put the inventory's rules in the kernel.
	expect("after start", true, false)

	// A save is in the kernel when the call answers.
	call(m, "firewall/save", url.Values{"rules[in][0][policy]": {"ACCEPT"}, "rules[in][0][protocol]": {"6"},
		"rules[in][0][destination][port][begin]": {"8080"}})
	expect("after saving 8080 only", false, true)
	call(m, "firewall/disable", nil)
	expect("after disable", true, true)
	call(m, "firewall/enable", nil)
	expect("after enable", false, true)

	// Someone deletes the table by hand: everything passes until the
	// periodic reconcile (2 s here) puts it back.
	if out, err := lab.Exec(lab.GatewayNS, "nft", "delete", "table", "ip", "artnet"); err != nil {
		t.Fatalf("nft delete table: %v: %s", err, out)
	}
	if !open("80") {
		t.Fatal("port 80 closed with our table deleted")
	}
	deleted := time.Now()
	for open("80") && time.Since(deleted) < 15*time.Second {
		time.Sleep(100 * time.Millisecond)
	}
	if open("80") {
		t.Fatal("the reconcile did not restore the table within 15 s")
	}
	t.Logf("table deleted by hand restored after %v", time.Since(deleted).Round(time.Millisecond))
	expect("after the reconcile", false, true)

	// A restart applies the same table: the kernel ends as it was.
	before := listTable()
	m.Close()
	m = start()
	if after := listTable(); after != before {
		t.Errorf("the table changed across a restart:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	expect("after a restart", false, true)
	if !strings.Contains(before, "198.51.100.10") || !strings.Contains(before, "dport 8080") {
		t.Errorf("the table does not hold the saved rule:\n%s", before)
	}
}
