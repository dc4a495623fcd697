package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/metrics"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/netlab"
)

// nftInventory is one customer with one dedicated server at the lab's
// server address behind ruleset fw-e2e, which lets in TCP port 80 only.
// Also routed to the server: a /23 and an IPv6 /56 (its subnetworks),
// 203.0.113.48/29 (an additional-ip service of it), its IPv6 address and
// what /additional-ip/order hands out (the pool's first free address,
// 198.51.100.130).
const nftInventory = `{"customers": [{"customer": {"id": 31001, "name": "E2E", "language": "en", "currency": "PLN"},
  "api_key": "e2ekey0123456789abcdef0123456789abcdef",
  "services": [{"service": {"id": 71001, "type": "dedicated", "name": "e2e", "expiration_time": 0, "parent_service_id": 0,
                            "ip": "198.51.100.10", "custom_description": null,
                            "payment_details": {"price": 1, "price_brutto": 1.23, "currency": "PLN", "payment_period": 1}},
                "details": {"network_configuration": {"ip": "198.51.100.10", "additional_ips": ["2001:db8:5::10"], "subnetworks": [
                              {"id": 801, "ip": "100.64.0.0", "mask": "255.255.254.0", "mask_short": "/23", "type": "IPv4"},
                              {"id": 802, "ip": "2001:db8:5:100::", "mask": "ffff:ffff:ffff:ff00::", "mask_short": "/56", "type": "IPv6"}]},
                            "features": {"firewall_management": true}, "active": true}},
               {"service": {"id": 71002, "type": "additional-ip", "name": "e2e subnet", "expiration_time": 0, "parent_service_id": 71001,
                            "ip": "203.0.113.48", "custom_description": null,
                            "payment_details": {"price": 1, "price_brutto": 1.23, "currency": "PLN", "payment_period": 1}},
                "details": {"subnetworks": [{"id": 803, "ip": "203.0.113.48", "mask": "255.255.255.248", "mask_short": "/29", "type": "IPv4"}]}}]}],
 "ip_pools": [{"id": 1, "network": "198.51.100.128/26", "exclude": ["198.51.100.128", "198.51.100.129", "198.51.100.191"],
               "max_per_server": 8, "one_ip_monthly_price": [{"currency": "PLN", "price": 10, "price_brutto": 12.3}]}],
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
	for _, port := range []string{"22", "80", "443", "8080"} {
		for _, addr := range []string{"0.0.0.0:", "[::]:"} {
			if err := lab.Listen(lab.ServerNS, addr+port); err != nil {
				t.Fatal(err)
			}
		}
	}
	var logs syncBuffer
	cfg := FirewallConfig{Driver: "nft", Table: "artnet", NetNS: lab.GatewayNS, Reconcile: 2 * time.Second}
	start := func() *Main {
		t.Helper()
		m := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(&logs, nil)), Firewall: cfg}
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
	openAt := func(addr netip.Addr, port uint16) bool {
		return lab.Dial(lab.ClientNS, netip.AddrPortFrom(addr, port).String(), 700*time.Millisecond) == nil
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
		out, err := lab.Exec(lab.GatewayNS, "nft", "list", "table", "inet", "artnet")
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

	// Issue 16, finding 6: with in tcp/22 only, every address routed to
	// the server lets 22 through and nothing else: an additional IP
	// ordered now, the additional-ip service's subnet, the /23 past its
	// first /24, its IPv6 address and its IPv6 subnet.
	if a := post(t, m, "additional-ip/order", url.Values{"id": creds["id"], "api_key": creds["api_key"],
		"parent_service_id": {"71001"}, "ips_number": {"1"}}); a["success"] != true || !strings.Contains(fmt.Sprint(a), netlab.AdditionalAddr.String()) {
		t.Fatalf("additional-ip/order: %v", a)
	}
	call(m, "firewall/save", url.Values{"rules[in][0][policy]": {"ACCEPT"}, "rules[in][0][protocol]": {"6"},
		"rules[in][0][destination][port][begin]": {"22"}})
	for _, addr := range []netip.Addr{netlab.ServerAddr, netlab.AdditionalAddr, netlab.SubnetAddr, netlab.WideSubnetAddr,
		netlab.Server6Addr, netlab.Subnet6Addr} {
		for _, c := range []struct {
			port uint16
			want bool
		}{{22, true}, {80, false}, {443, false}} {
			if got := openAt(addr, c.port); got != c.want {
				t.Errorf("in tcp/22 only: %s port %d open=%v, want %v", addr, c.port, got, c.want)
			}
		}
	}
	// IPv6 rule addresses: 443 from the client's IPv6 /64 only.
	call(m, "firewall/save", url.Values{"rules[in][0][policy]": {"ACCEPT"}, "rules[in][0][protocol]": {"6"},
		"rules[in][0][source][ip]": {"2001:db8:c::"}, "rules[in][0][source][mask_short]": {"64"},
		"rules[in][0][destination][port][begin]": {"443"}})
	if !openAt(netlab.Subnet6Addr, 443) || openAt(netlab.Subnet6Addr, 22) || openAt(netlab.WideSubnetAddr, 443) {
		t.Errorf("an IPv6 source rule: IPv6 443 open=%v (want true), IPv6 22 open=%v, IPv4 443 open=%v (want false)",
			openAt(netlab.Subnet6Addr, 443), openAt(netlab.Subnet6Addr, 22), openAt(netlab.WideSubnetAddr, 443))
	}
	call(m, "firewall/save", url.Values{"rules[in][0][policy]": {"ACCEPT"}, "rules[in][0][protocol]": {"6"},
		"rules[in][0][destination][port][begin]": {"8080"}})
	expect("after saving 8080 again", false, true)

	call(m, "firewall/disable", nil)
	expect("after disable", true, true)
	call(m, "firewall/enable", nil)
	expect("after enable", false, true)

	// Someone deletes the table by hand: everything passes until the
	// periodic reconcile (2 s here) puts it back.
	edits := handEdits()
	if out, err := lab.Exec(lab.GatewayNS, "nft", "delete", "table", "inet", "artnet"); err != nil {
		t.Fatalf("nft delete table: %v: %s", err, out)
	}
	deleted := time.Now()
	if !open("80") {
		// Either the periodic reconcile already put the table back (it
		// may fire right after the delete), or the delete did nothing.
		if _, err := lab.Exec(lab.GatewayNS, "nft", "list", "table", "inet", "artnet"); err != nil {
			t.Fatal("port 80 closed with our table deleted")
		}
		t.Logf("the reconcile restored the table within %v, before the first probe", time.Since(deleted).Round(time.Millisecond))
	}
	for open("80") && time.Since(deleted) < 15*time.Second {
		time.Sleep(100 * time.Millisecond)
	}
	if open("80") {
		t.Fatal("the reconcile did not restore the table within 15 s")
	}
	t.Logf("table deleted by hand restored after %v", time.Since(deleted).Round(time.Millisecond))
	// The reconcile logged and counted the hand edit.
	if got := handEdits(); got < edits+1 {
		t.Errorf("artnet_firewall_hand_edits_total = %v after the table was deleted by hand, want at least %v", got, edits+1)
	}
	if !strings.Contains(logs.String(), "changed by hand") || !strings.Contains(logs.String(), "table missing") {
		t.Errorf("the hand edit is not logged:\n%s", logs.String())
	}
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

// handEdits reads artnet_firewall_hand_edits_total from the registry.
func handEdits() float64 {
	mfs, _ := metrics.Registry.Gather()
	for _, mf := range mfs {
		if mf.GetName() == "artnet_firewall_hand_edits_total" {
			for _, m := range mf.GetMetric() {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
