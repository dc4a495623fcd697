// Command save measures what a customer waits for when they change the
// external firewall: /api/firewall/save on the built artnetd binary (its
// default JSON log to a file) with the nftables driver, from the call to
// the answer — artnetd answers only once the kernel has the rules — for
// rulesets of 10, 100 and 1,000 rules, and checks with `nft` after each
// size that the kernel holds exactly the rules saved.
//
// It needs root: it makes a network namespace of its own (the firewall
// goes there, nothing on the host changes), builds artnetd, imports an
// inventory and starts the binary on 127.0.0.1. Run it as
//
//	go run ./bench/firewall/save [-n 50]
//
// Everything it starts stops at the end; the namespace is deleted.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/bench/internal/artnetdbin"
)

const (
	customerID = 7001
	apiKey     = "BenchFirewallKeyBenchFirewallKey0123456789"
	rulesetID  = "fw-bench"
)

func main() {
	n := flag.Int("n", 50, "saves per ruleset size")
	flag.Parse()
	if os.Geteuid() != 0 {
		log.Fatal("save: needs root (a network namespace and nftables)")
	}
	dir, err := os.MkdirTemp("", "artnet-fw-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ns := fmt.Sprintf("artnet-bench-%d", os.Getpid())
	artnetdbin.Run("ip", "netns", "add", ns)
	defer exec.Command("ip", "netns", "del", ns).Run()

	bin := artnetdbin.Build(dir)
	db := "sqlite:" + filepath.Join(dir, "artnet.db")
	inv := filepath.Join(dir, "inventory.json")
	if err := os.WriteFile(inv, []byte(inventory()), 0o600); err != nil {
		log.Fatal(err)
	}
	artnetdbin.Run(bin, "admin", "import", "--db", db, inv)
	addr := artnetdbin.FreeAddr()
	srv := artnetdbin.Start(bin, nil, filepath.Join(dir, "artnetd.log"), addr,
		"serve", "--db", db, "--http", addr, "--firewall", "nft", "--firewall-netns", ns)
	defer srv.Stop()

	fmt.Printf("artnetd /api/firewall/save with the nftables driver (namespace %s), %d saves per size\n", ns, *n)
	fmt.Printf("%-8s %10s %10s %10s  %s\n", "rules", "p50", "p99", "max", "kernel check")
	for _, size := range []int{10, 100, 1000} {
		var lat []time.Duration
		for i := range *n {
			// Alternate two rulesets of the same size, so each save
			// changes the kernel's rules.
			form := saveForm(size, i%2)
			start := time.Now()
			resp, err := http.PostForm("http://"+addr+"/api/firewall/save", form)
			if err != nil {
				log.Fatal(err)
			}
			var body map[string]any
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			lat = append(lat, time.Since(start))
			if body["success"] != true {
				log.Fatalf("save of %d rules: %v", size, body)
			}
		}
		check := kernelRules(ns)
		verdict := "ok"
		if check != size {
			verdict = fmt.Sprintf("MISMATCH: %d rules in the kernel's ruleset chain, want %d", check, size)
		}
		slices.Sort(lat)
		fmt.Printf("%-8d %10s %10s %10s  %s\n", size, pct(lat, 50), pct(lat, 99), lat[len(lat)-1].Round(time.Microsecond), verdict)
	}
}

// saveForm is a /firewall/save of size in rules, variant 0 or 1.
func saveForm(size, variant int) url.Values {
	v := url.Values{"id": {strconv.Itoa(customerID)}, "api_key": {apiKey}, "ruleset_id": {rulesetID}}
	for i := range size {
		p := fmt.Sprintf("rules[in][%d]", i)
		v.Set(p+"[policy]", "ACCEPT")
		v.Set(p+"[protocol]", "6")
		v.Set(p+"[source][ip]", fmt.Sprintf("10.%d.%d.0", i/256, i%256))
		v.Set(p+"[source][mask_short]", "24")
		v.Set(p+"[destination][port][begin]", strconv.Itoa(1000+i+variant))
	}
	return v
}

// kernelRules counts the rules of the ruleset's in chain in the kernel
// (the largest chain of our table but the base chain).
func kernelRules(ns string) int {
	out, err := exec.Command("ip", "netns", "exec", ns, "nft", "-j", "list", "table", "inet", "artnet").Output()
	if err != nil {
		log.Fatalf("nft list table: %v", err)
	}
	var doc struct {
		Nftables []map[string]json.RawMessage `json:"nftables"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		log.Fatal(err)
	}
	perChain := map[string]int{}
	for _, item := range doc.Nftables {
		raw, ok := item["rule"]
		if !ok {
			continue
		}
		var r struct {
			Chain string `json:"chain"`
		}
		json.Unmarshal(raw, &r)
		perChain[r.Chain]++
	}
	best := 0
	for chain, n := range perChain {
		if strings.HasSuffix(chain, "_in") && n > best {
			best = n
		}
	}
	// The in chain ends with its default drop.
	return best - 1
}

func inventory() string {
	return fmt.Sprintf(`{"customers": [{"customer": {"id": %d, "name": "Bench", "language": "en", "currency": "PLN"},
  "api_key": %q,
  "services": [{"service": {"id": 70001, "type": "dedicated", "name": "bench", "expiration_time": 0, "parent_service_id": 0,
                            "ip": "198.51.100.10", "custom_description": null,
                            "payment_details": {"price": 1, "price_brutto": 1.23, "currency": "PLN", "payment_period": 1}},
                "details": {"network_configuration": {"ip": "198.51.100.10", "additional_ips": [], "subnetworks": []},
                            "features": {"firewall_management": true}, "active": true}}]}],
 "firewall_rulesets": [{"id": %q, "enabled": true, "maximum_rules_number": 1000, "protocol": "",
                        "rules": {"in": [], "out": []}, "services_ids_list": [70001]}]}`, customerID, apiKey, rulesetID)
}

func pct(sorted []time.Duration, p int) string {
	i := (len(sorted)*p + 99) / 100
	if i > 0 {
		i--
	}
	return sorted[i].Round(time.Microsecond).String()
}
