package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/firewall"
)

// post calls a command on m and decodes the answer.
func post(t *testing.T, m *Main, path string, form url.Values) map[string]any {
	t.Helper()
	resp, err := http.PostForm("http://"+m.Addr()+"/api/"+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func errCode(a map[string]any) string {
	e, _ := a["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// An API node without a firewall (--firewall none) answers a change once
// the edge node applied it; when the edge cannot, it undoes the change and
// answers internal-firewall-error. The edge here runs the simulator, which
// counts only for an API node of a simulated deployment (--simulate); an
// API node that simulates nothing never takes a simulator's word for it.
func TestFirewallAPINodeWaitsForEdge(t *testing.T) {
	ctx := context.Background()
	dsn := sqliteDSN(t)
	var out bytes.Buffer
	edge := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Demo: true, Stdout: &out, Logger: discardLogger(),
		Firewall: FirewallConfig{Driver: "sim", Node: "edge-1"}}
	if err := edge.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer edge.Close()
	m := regexp.MustCompile(`id=(\d+) api_key=(\w+)`).FindStringSubmatch(out.String())
	sim := edge.FirewallSimulator()
	smtp := firewall.Packet{Src: netip.MustParseAddr("192.0.2.2"), Dst: netip.MustParseAddr("123.123.123.123"), Protocol: 6, SrcPort: 4000, DstPort: 25}
	if sim.Verdict(smtp) {
		t.Fatal("port 25 open in the demo rules")
	}
	form := url.Values{"id": {m[1]}, "api_key": {m[2]}, "ruleset_id": {"fw-12345"},
		"rules[in][0][policy]": {"ACCEPT"}, "rules[in][0][protocol]": {"6"}, "rules[in][0][destination][port][begin]": {"25"}}

	honest := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Logger: discardLogger(),
		Firewall: FirewallConfig{Driver: "none", EdgeWait: 3 * time.Second}}
	if err := honest.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer honest.Close()
	if a := post(t, honest, "firewall/save", form); errCode(a) != "internal-firewall-error" {
		t.Fatalf("save through an honest API node with only a simulated edge: %v", a)
	}
	// The simulated edge follows the undo.
	for deadline := time.Now().Add(5 * time.Second); sim.Verdict(smtp) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if sim.Verdict(smtp) {
		t.Fatal("a change no real firewall applied stayed in force")
	}

	api := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Logger: discardLogger(), Simulate: true,
		Firewall: FirewallConfig{Driver: "none", EdgeWait: 3 * time.Second}}
	if err := api.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	start := time.Now()
	if a := post(t, api, "firewall/save", form); a["success"] != true {
		t.Fatalf("save through the API node: %v", a)
	}
	took := time.Since(start)
	// Answered only once the edge applied it.
	if !sim.Verdict(smtp) {
		t.Fatal("the API node answered before the edge node applied the change")
	}
	t.Logf("API node save → applied by the edge node → answer: %v", took)

	// The edge's device fails: the API node answers internal-firewall-error
	// and the change is undone.
	sim.Fail(errors.New("device down"))
	form.Set("rules[in][0][destination][port][begin]", "26")
	if a := post(t, api, "firewall/save", form); errCode(a) != "internal-firewall-error" {
		t.Fatalf("save with a failing edge: %v", a)
	}
	d := post(t, api, "firewall/details", url.Values{"id": {m[1]}, "api_key": {m[2]}, "ruleset_id": {"fw-12345"}})
	rs, _ := d["ruleset_details"].(map[string]any)
	rules, _ := rs["rules"].(map[string]any)
	in, _ := rules["in"].([]any)
	if len(in) != 1 || in[0].(map[string]any)["destination"].(map[string]any)["port"].(map[string]any)["begin"] != "25" {
		t.Errorf("the refused change was not undone: %v", d)
	}
	sim.Fail(nil)
	// The edge converges on the (undone) stored state by itself.
	deadline := time.Now().Add(5 * time.Second)
	for !sim.Verdict(smtp) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !sim.Verdict(smtp) {
		t.Error("the edge did not converge after its device recovered")
	}

	// Without a live edge node, nothing is stored.
	edge.Close()
	api2 := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Logger: discardLogger(), Simulate: true,
		Firewall: FirewallConfig{Driver: "none", EdgeWait: 500 * time.Millisecond}}
	if err := api2.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer api2.Close()
	if a := post(t, api2, "firewall/disable", url.Values{"id": {m[1]}, "api_key": {m[2]}, "ruleset_id": {"fw-12345"}}); errCode(a) != "internal-firewall-error" {
		t.Fatalf("disable with the edge gone: %v", a)
	}
	d = post(t, api2, "firewall/details", url.Values{"id": {m[1]}, "api_key": {m[2]}, "ruleset_id": {"fw-12345"}})
	if d["ruleset_details"].(map[string]any)["enabled"] != true {
		t.Errorf("a disable no edge applied was kept: %v", d)
	}
}
