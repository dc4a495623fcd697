package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/fwsim"
	"github.com/artnet-panel/artnet-panel/internal/firewall"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The demo rulesets: fw-12345 (dedicated 12345, enabled, TCP 22/80/443 and
// ICMP in) and fw-12346 (colocation 12346, disabled, no rules).
const (
	rulesetA     = "fw-12345"
	rulesetColoA = "fw-12346"
	colocationA  = 12346
	serverAddrA  = "123.123.123.123"
	iloAddrA     = "10.123.123.123"
)

// clock is a settable clock for the panel.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// withFirewall gives the env's panel a simulator and a settable clock,
// and applies the stored state as a starting node would.
func withFirewall(t *testing.T, e *testEnv) (*fwsim.Simulator, *clock) {
	t.Helper()
	sim := &fwsim.Simulator{}
	c := &clock{t: time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)}
	e.api.Panel.Firewall = sim
	e.api.Panel.Now = c.Now
	e.api.Panel.Logger = e.api.Logger
	if err := e.api.Panel.FirewallReconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	return sim, c
}

// tcp is the first packet of a TCP connection.
func tcp(src, dst string, dport uint16) firewall.Packet {
	return firewall.Packet{Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), Protocol: 6, SrcPort: 40000, DstPort: dport}
}

func icmp(src, dst string) firewall.Packet {
	return firewall.Packet{Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), Protocol: 1}
}

// rule returns the form pairs of rules[dir][n].
func rule(dir string, n int, policy, proto, src, srcMask, dst, dstMask, dportBegin, dportEnd string) []string {
	p := fmt.Sprintf("rules[%s][%d]", dir, n)
	out := []string{p + "[policy]", policy}
	if proto != "" {
		out = append(out, p+"[protocol]", proto)
	}
	add := func(name, v string) {
		if v != "" {
			out = append(out, p+name, v)
		}
	}
	add("[source][ip]", src)
	add("[source][mask_short]", srcMask)
	add("[destination][ip]", dst)
	add("[destination][mask_short]", dstMask)
	add("[destination][port][begin]", dportBegin)
	add("[destination][port][end]", dportEnd)
	return out
}

func (e *testEnv) save(ruleset string, rules ...[]string) answer {
	e.t.Helper()
	pairs := []string{"ruleset_id", ruleset}
	for _, r := range rules {
		pairs = append(pairs, r...)
	}
	return e.callOrdered("firewall/save", idA, keyA, pairs...)
}

func TestFirewallListAndDetails(t *testing.T) {
	e := newEnv(t)
	a := mustOK(t, e.asA("firewall/list"))
	if got := fmt.Sprint(a.get("rulesets_list")); got != "[map[id:fw-12345 services_ids_list:[12345]] map[id:fw-12346 services_ids_list:[12346]]]" {
		t.Errorf("list %s", a.raw)
	}
	d := mustOK(t, e.asA("firewall/details", "ruleset_id", rulesetA))
	if d.get("ruleset_details", "enabled") != true || d.get("ruleset_details", "maximum_rules_number") != float64(10) ||
		d.get("ruleset_details", "protocol") != "" || d.get("ruleset_details", "rules", "in", "0", "destination", "port", "begin") != "22" ||
		d.get("ruleset_details", "rules", "in", "3", "protocol") != "1" || fmt.Sprint(d.get("ruleset_details", "rules", "out")) != "[]" {
		t.Errorf("details %s", d.raw)
	}

	// B sees none of A's rulesets, and asking for one answers exactly like
	// a ruleset that does not exist.
	if b := mustOK(t, e.asB("firewall/list")); fmt.Sprint(b.get("rulesets_list")) != "[]" {
		t.Errorf("B's list %s", b.raw)
	}
	for _, cmd := range []string{"firewall/details", "firewall/enable", "firewall/disable", "firewall/save", "firewall/save-confirm"} {
		other := mustFail(t, e.asB(cmd, "ruleset_id", rulesetA), "invalid-ruleset-id")
		missing := mustFail(t, e.asB(cmd, "ruleset_id", "fw-nope"), "invalid-ruleset-id")
		if string(other.raw) != string(missing.raw) {
			t.Errorf("%s: another customer's ruleset %s, a missing one %s", cmd, other.raw, missing.raw)
		}
	}
	mustFail(t, e.asA("firewall/details", "ruleset_id", "fw-nope"), "invalid-ruleset-id")
}

// A ruleset is the customer's only when every service in it is, and has
// firewall_management.
func TestFirewallRulesetVisibility(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// A ruleset holding A's server and B's: neither sees it.
	if err := e.store.FirewallRulesetCreate(ctx, store.FirewallRuleset{ID: "shared", MaxRules: 5, Rules: []byte(`{"in":[],"out":[]}`),
		ServiceIDs: []int64{colocationA + 1000, serviceB}}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a ruleset with a missing service: %v", err)
	}
	if err := e.store.FirewallRulesetCreate(ctx, store.FirewallRuleset{ID: "shared", MaxRules: 5, Rules: []byte(`{"in":[],"out":[]}`),
		ServiceIDs: []int64{serviceB}}); err != nil {
		t.Fatal(err)
	}
	// B's server has no firewall_management: B does not see the ruleset.
	mustFail(t, e.asB("firewall/details", "ruleset_id", "shared"), "invalid-ruleset-id")
	if b := mustOK(t, e.asB("firewall/list")); fmt.Sprint(b.get("rulesets_list")) != "[]" {
		t.Errorf("B's list %s", b.raw)
	}
	if err := e.store.FirewallRulesetCreate(ctx, store.FirewallRuleset{ID: "dup", MaxRules: 5, Rules: []byte(`{"in":[],"out":[]}`),
		ServiceIDs: []int64{serviceB}}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a service in two rulesets: %v", err)
	}
}

func TestFirewallSave(t *testing.T) {
	e := newEnv(t)
	sim, _ := withFirewall(t, e)
	client := "192.0.2.2"
	if !sim.Verdict(tcp(client, serverAddrA, 22)) || sim.Verdict(tcp(client, serverAddrA, 25)) || !sim.Verdict(icmp(client, serverAddrA)) {
		t.Fatalf("the demo rules are not applied: %+v", sim.State())
	}
	// Also the subnetwork's addresses (123.123.124.0/29) are behind it.
	if sim.Verdict(tcp(client, "123.123.124.5", 25)) || !sim.Verdict(tcp(client, "123.123.124.5", 443)) {
		t.Errorf("the subnetwork is not filtered: %+v", sim.State().Rulesets[0].Servers)
	}
	// And the server's IPv6 subnet (2a01:1234:5678::/64).
	if sim.Verdict(tcp("2001:db8:c::2", "2a01:1234:5678::5", 25)) || !sim.Verdict(tcp("2001:db8:c::2", "2a01:1234:5678::5", 22)) {
		t.Errorf("the IPv6 subnet is not filtered: %+v", sim.State().Rulesets[0].Servers)
	}

	// Rules apply in the order of N, not the order sent.
	mustOK(t, e.save(rulesetA,
		rule("in", 5, "ACCEPT", "", "", "", "", "", "", ""),
		rule("in", 1, "DROP", "6", "192.0.2.0", "24", "", "", "22", ""),
		rule("in", 2, "ACCEPT", "6", "", "", "", "", "20", "25"),
		rule("out", 0, "DROP", "17", "", "", "198.51.100.53", "", "53", "53"),
	))
	d := mustOK(t, e.asA("firewall/details", "ruleset_id", rulesetA))
	if d.get("ruleset_details", "rules", "in", "0", "policy") != "DROP" || d.get("ruleset_details", "rules", "in", "0", "source", "mask_short") != float64(24) ||
		d.get("ruleset_details", "rules", "in", "0", "destination", "port", "end") != "22" ||
		d.get("ruleset_details", "rules", "in", "1", "destination", "port", "begin") != "20" ||
		d.get("ruleset_details", "rules", "in", "2", "policy") != "ACCEPT" || d.get("ruleset_details", "rules", "in", "2", "protocol") != nil ||
		d.get("ruleset_details", "rules", "out", "0", "destination", "ip") != "198.51.100.53" {
		t.Errorf("details after save %s", d.raw)
	}
	for _, tc := range []struct {
		p    firewall.Packet
		want bool
	}{
		{tcp(client, serverAddrA, 22), false},       // rule 1 drops the client's network
		{tcp("203.0.113.9", serverAddrA, 22), true}, // rule 2
		{tcp(client, serverAddrA, 25), true},        // rule 2
		{icmp(client, serverAddrA), true},           // rule 5
		{firewall.Packet{Src: netip.MustParseAddr(serverAddrA), Dst: netip.MustParseAddr("198.51.100.53"), Protocol: 17, SrcPort: 5353, DstPort: 53}, false},
		{tcp(serverAddrA, "198.51.100.53", 53), true}, // out: only UDP dropped
		{tcp(client, "123.123.125.10", 25), true},     // the colocation's ruleset is disabled
	} {
		if got := sim.Verdict(tc.p); got != tc.want {
			t.Errorf("%+v: verdict %v, want %v", tc.p, got, tc.want)
		}
	}

	// Bad input changes nothing, neither stored nor applied.
	before := mustOK(t, e.asA("firewall/details", "ruleset_id", rulesetA)).raw
	applied := sim.Applied()
	var many [][]string
	for i := range 11 {
		many = append(many, rule("in", i, "ACCEPT", "", "", "", "", "", "", ""))
	}
	mustFail(t, e.save(rulesetA, many...), "too-many-rules")
	f := mustFail(t, e.save(rulesetA,
		rule("in", 0, "accept", "", "", "", "", "", "", ""),
		rule("in", 1, "DROP", "256", "", "", "", "", "", ""),
		rule("in", 2, "DROP", "", "300.1.1.1", "", "", "", "", ""),
		rule("in", 3, "DROP", "", "192.0.2.1", "33", "", "", "", ""),
		rule("in", 4, "DROP", "6", "", "", "", "", "0", ""),
		rule("in", 5, "DROP", "6", "", "", "", "", "90", "80"),
		rule("in", 6, "DROP", "1", "", "", "", "", "22", ""),
		rule("in", 7, "DROP", "", "", "", "", "", "22", ""),
		rule("out", 0, "DROP", "", "", "", "2001:db8::1", "129", "", ""),
		rule("out", 1, "ACCEPT", "17", "", "", "", "", "53", "53"),
	), "rules-syntax-error")
	wantDetails := []string{
		"in 0 policy", "in 1 protocol", "in 2 source.ip", "in 3 source.mask_short", "in 4 destination.port.begin",
		"in 5 destination.port", "in 6 destination.port", "in 7 destination.port", "out 0 destination.mask_short",
	}
	list, _ := f.get("error", "errors_details").([]any)
	var got []string
	for _, item := range list {
		m := item.(map[string]any)
		got = append(got, fmt.Sprintf("%v %v %v", m["direction"], m["index"], m["field"]))
	}
	if strings.Join(got, "|") != strings.Join(wantDetails, "|") {
		t.Errorf("errors_details\n got %q\nwant %q\n%s", got, wantDetails, f.raw)
	}
	mustFail(t, e.callOrdered("firewall/save", idA, keyA, "ruleset_id", rulesetA,
		"rules[in][1][policy]", "ACCEPT", "rules[in][01][policy]", "DROP"), "rules-syntax-error")
	mustFail(t, e.callOrdered("firewall/save", idA, keyA, "ruleset_id", rulesetA,
		"rules[in][x][policy]", "ACCEPT"), "rules-syntax-error")
	mustFail(t, e.callOrdered("firewall/save", idA, keyA, "ruleset_id", rulesetA,
		"rules[in][0][policy][]", "ACCEPT"), "rules-syntax-error")
	if after := mustOK(t, e.asA("firewall/details", "ruleset_id", rulesetA)).raw; string(after) != string(before) {
		t.Errorf("a failed save changed the ruleset:\n%s\n%s", before, after)
	}
	if sim.Applied() != applied {
		t.Errorf("a failed save reached the device")
	}

	// A device that fails: internal-firewall-error, nothing stored.
	sim.Fail(errors.New("netlink: operation not permitted"))
	mustFail(t, e.save(rulesetA), "internal-firewall-error")
	if after := mustOK(t, e.asA("firewall/details", "ruleset_id", rulesetA)).raw; string(after) != string(before) {
		t.Errorf("a save the device refused was stored:\n%s\n%s", before, after)
	}
	if strings.Contains(string(mustFail(t, e.save(rulesetA), "internal-firewall-error").raw), "netlink") {
		t.Errorf("the device's error reached the customer")
	}
	if !strings.Contains(e.logBuf.String(), "netlink: operation not permitted") {
		t.Errorf("the device's error is not logged")
	}
	sim.Fail(nil)

	// IPv6 rule addresses and prefixes: an address alone is a /128.
	mustOK(t, e.save(rulesetA,
		rule("in", 0, "ACCEPT", "6", "2001:DB8:c::2", "", "", "", "80", ""),
		rule("in", 1, "ACCEPT", "6", "2001:db8:c::", "64", "2a01:1234:5678::", "64", "443", ""),
	))
	d = mustOK(t, e.asA("firewall/details", "ruleset_id", rulesetA))
	if d.get("ruleset_details", "rules", "in", "0", "source", "ip") != "2001:db8:c::2" || d.get("ruleset_details", "rules", "in", "0", "source", "mask_short") != float64(128) ||
		d.get("ruleset_details", "rules", "in", "1", "source", "mask_short") != float64(64) {
		t.Errorf("details after an IPv6 save %s", d.raw)
	}
	for _, c := range []struct {
		p    firewall.Packet
		want bool
	}{
		{tcp("2001:db8:c::2", "2a01:1234:5678::5", 80), true},
		{tcp("2001:db8:c::3", "2a01:1234:5678::5", 80), false},
		{tcp("2001:db8:c::3", "2a01:1234:5678::5", 443), true},
		{tcp("2001:db8:d::3", "2a01:1234:5678::5", 443), false},
		{tcp(client, serverAddrA, 80), false}, // IPv6 rules do not match IPv4
	} {
		if got := sim.Verdict(c.p); got != c.want {
			t.Errorf("IPv6 rules: %+v: Verdict %v, want %v", c.p, got, c.want)
		}
	}

	// An empty save empties both directions: everything in is dropped.
	mustOK(t, e.save(rulesetA))
	if sim.Verdict(tcp(client, serverAddrA, 22)) || !sim.Verdict(tcp(serverAddrA, client, 22)) {
		t.Errorf("empty ruleset: in must drop, out must pass")
	}
}

func TestFirewallEnableDisable(t *testing.T) {
	e := newEnv(t)
	sim, _ := withFirewall(t, e)
	p := tcp("192.0.2.2", serverAddrA, 25)
	if sim.Verdict(p) {
		t.Fatal("port 25 is open")
	}
	mustOK(t, e.asA("firewall/disable", "ruleset_id", rulesetA))
	if !sim.Verdict(p) {
		t.Error("disabled, port 25 is still filtered")
	}
	d := mustOK(t, e.asA("firewall/details", "ruleset_id", rulesetA))
	if d.get("ruleset_details", "enabled") != false || d.get("ruleset_details", "rules", "in", "0", "destination", "port", "begin") != "22" {
		t.Errorf("disable lost the rules: %s", d.raw)
	}
	mustOK(t, e.asA("firewall/disable", "ruleset_id", rulesetA)) // idempotent
	mustOK(t, e.asA("firewall/enable", "ruleset_id", rulesetA))
	if sim.Verdict(p) || !sim.Verdict(tcp("192.0.2.2", serverAddrA, 22)) {
		t.Error("enabled again, the rules are not back")
	}
	sim.Fail(errors.New("device down"))
	mustFail(t, e.asA("firewall/disable", "ruleset_id", rulesetA), "internal-firewall-error")
	if mustOK(t, e.asA("firewall/details", "ruleset_id", rulesetA)).get("ruleset_details", "enabled") != true {
		t.Error("a disable the device refused was stored")
	}
}

func TestFirewallCommitConfirmed(t *testing.T) {
	e := newEnv(t)
	sim, c := withFirewall(t, e)
	ctx := context.Background()
	client := "192.0.2.2"
	open25 := rule("in", 0, "ACCEPT", "6", "", "", "", "", "25", "")

	for _, bad := range []string{"29", "3601", "-30"} {
		mustFail(t, e.callOrdered("firewall/save", idA, keyA, append([]string{"ruleset_id", rulesetA, "confirm_within", bad}, open25...)...), "incorrect-param-value")
	}
	mustFail(t, e.asA("firewall/save-confirm", "ruleset_id", rulesetA), "nothing-to-confirm")

	// Not confirmed: the previous rules come back after the deadline.
	mustOK(t, e.callOrdered("firewall/save", idA, keyA, append([]string{"ruleset_id", rulesetA, "confirm_within", "60"}, open25...)...))
	if !sim.Verdict(tcp(client, serverAddrA, 25)) || sim.Verdict(tcp(client, serverAddrA, 22)) {
		t.Fatal("the new rules are not applied at once")
	}
	c.Add(59 * time.Second)
	if err := e.api.Panel.FirewallReconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if !sim.Verdict(tcp(client, serverAddrA, 25)) {
		t.Fatal("reverted before the deadline")
	}
	// A second commit-confirmed save moves the deadline but keeps the
	// confirmed rules to come back to.
	mustOK(t, e.callOrdered("firewall/save", idA, keyA, "ruleset_id", rulesetA, "confirm_within", "30"))
	c.Add(31 * time.Second)
	if err := e.api.Panel.FirewallReconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if sim.Verdict(tcp(client, serverAddrA, 25)) || !sim.Verdict(tcp(client, serverAddrA, 22)) {
		t.Fatal("not reverted to the demo rules after the deadline")
	}
	d := mustOK(t, e.asA("firewall/details", "ruleset_id", rulesetA))
	if n := len(d.get("ruleset_details", "rules", "in").([]any)); n != 4 {
		t.Errorf("reverted details have %d rules in, want the demo's 4: %s", n, d.raw)
	}
	if !strings.Contains(e.logBuf.String(), "previous rules restored") {
		t.Error("the revert is not logged")
	}
	mustFail(t, e.asA("firewall/save-confirm", "ruleset_id", rulesetA), "nothing-to-confirm")

	// Confirmed in time: the rules stay.
	mustOK(t, e.callOrdered("firewall/save", idA, keyA, append([]string{"ruleset_id", rulesetA, "confirm_within", "30"}, open25...)...))
	c.Add(10 * time.Second)
	mustOK(t, e.asA("firewall/save-confirm", "ruleset_id", rulesetA))
	c.Add(time.Hour)
	if err := e.api.Panel.FirewallReconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if !sim.Verdict(tcp(client, serverAddrA, 25)) {
		t.Error("confirmed rules were reverted")
	}
	// Too late: the deadline passed, confirming answers nothing-to-confirm.
	mustOK(t, e.callOrdered("firewall/save", idA, keyA, "ruleset_id", rulesetA, "confirm_within", "30"))
	c.Add(31 * time.Second)
	mustFail(t, e.asA("firewall/save-confirm", "ruleset_id", rulesetA), "nothing-to-confirm")
}

func TestILOAccess(t *testing.T) {
	e := newEnv(t)
	sim, c := withFirewall(t, e)
	e.api.Panel.ILOAccessTTL = time.Hour
	ctx := context.Background()
	remote := "203.0.113.7"
	d := mustOK(t, e.asA("dedicated/ilo-details", "service_id", strconv.Itoa(dedicatedA)))
	if fmt.Sprint(d.get("ilo_details")) != "map[access_enabled:false access_ip: available:true ip:10.123.123.123]" {
		t.Errorf("details %s", d.raw)
	}
	if sim.Verdict(tcp(remote, iloAddrA, 443)) {
		t.Fatal("the iLO is open before enable")
	}

	for _, tc := range []struct {
		name string
		a    answer
		code string
	}{
		{"another customer's server", e.asB("dedicated/ilo-access-enable", "service_id", strconv.Itoa(dedicatedA), "remote_ip", remote), "authorization-failed"},
		{"a colocation", e.asA("dedicated/ilo-access-enable", "service_id", strconv.Itoa(colocationA), "remote_ip", remote), "invalid-service-type"},
		{"no ilo_access_management", e.asB("dedicated/ilo-access-enable", "service_id", strconv.Itoa(serviceB), "remote_ip", remote), "unsupported-feature"},
		{"not an address", e.asA("dedicated/ilo-access-enable", "service_id", strconv.Itoa(dedicatedA), "remote_ip", "example.com"), "incorrect-param-value"},
		{"IPv6", e.asA("dedicated/ilo-access-enable", "service_id", strconv.Itoa(dedicatedA), "remote_ip", "2001:db8::1"), "incorrect-param-value"},
		{"multicast", e.asA("dedicated/ilo-access-enable", "service_id", strconv.Itoa(dedicatedA), "remote_ip", "224.0.0.1"), "incorrect-param-value"},
		{"broadcast", e.asA("dedicated/ilo-access-enable", "service_id", strconv.Itoa(dedicatedA), "remote_ip", "255.255.255.255"), "incorrect-param-value"},
		{"missing", e.asA("dedicated/ilo-access-enable", "service_id", strconv.Itoa(dedicatedA)), "incorrect-param-value"},
		{"details of a colocation", e.asA("dedicated/ilo-details", "service_id", strconv.Itoa(colocationA)), "invalid-service-type"},
		{"details without the feature", e.asB("dedicated/ilo-details", "service_id", strconv.Itoa(serviceB)), "unsupported-feature"},
		{"disable without the feature", e.asB("dedicated/ilo-access-disable", "service_id", strconv.Itoa(serviceB)), "unsupported-feature"},
	} {
		t.Run(tc.name, func(t *testing.T) { mustFail(t, tc.a, tc.code) })
	}

	mustOK(t, e.asA("dedicated/ilo-access-enable", "service_id", strconv.Itoa(dedicatedA), "remote_ip", remote))
	d = mustOK(t, e.asA("dedicated/ilo-details", "service_id", strconv.Itoa(dedicatedA)))
	if d.get("ilo_details", "access_enabled") != true || d.get("ilo_details", "access_ip") != remote {
		t.Errorf("details after enable %s", d.raw)
	}
	if !sim.Verdict(tcp(remote, iloAddrA, 443)) || !sim.Verdict(firewall.Packet{Src: netip.MustParseAddr(remote), Dst: netip.MustParseAddr(iloAddrA), Protocol: 17, SrcPort: 50000, DstPort: 623}) {
		t.Error("remote_ip cannot reach the iLO")
	}
	if sim.Verdict(tcp("203.0.113.8", iloAddrA, 443)) || sim.Verdict(tcp(remote, iloAddrA, 25)) || sim.Verdict(icmp(remote, iloAddrA)) {
		t.Error("the opening lets through more than remote_ip to the iLO ports")
	}
	// A second enable replaces the opening.
	other := "198.51.100.99"
	mustOK(t, e.asA("dedicated/ilo-access-enable", "service_id", strconv.Itoa(dedicatedA), "remote_ip", other))
	if sim.Verdict(tcp(remote, iloAddrA, 443)) || !sim.Verdict(tcp(other, iloAddrA, 443)) {
		t.Error("a second enable did not replace the opening")
	}
	mustOK(t, e.asA("dedicated/ilo-access-disable", "service_id", strconv.Itoa(dedicatedA)))
	if sim.Verdict(tcp(other, iloAddrA, 443)) {
		t.Error("still open after disable")
	}
	if d := mustOK(t, e.asA("dedicated/ilo-details", "service_id", strconv.Itoa(dedicatedA))); d.get("ilo_details", "access_enabled") != false {
		t.Errorf("details after disable %s", d.raw)
	}
	mustOK(t, e.asA("dedicated/ilo-access-disable", "service_id", strconv.Itoa(dedicatedA))) // closed already

	// The opening closes by itself after the TTL.
	mustOK(t, e.asA("dedicated/ilo-access-enable", "service_id", strconv.Itoa(dedicatedA), "remote_ip", remote))
	c.Add(time.Hour + time.Second)
	if d := mustOK(t, e.asA("dedicated/ilo-details", "service_id", strconv.Itoa(dedicatedA))); d.get("ilo_details", "access_enabled") != false {
		t.Errorf("details after expiry %s", d.raw)
	}
	if err := e.api.Panel.FirewallReconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if sim.Verdict(tcp(remote, iloAddrA, 443)) {
		t.Error("still open after expiry")
	}
	if !strings.Contains(e.logBuf.String(), "ilo access closed: expired") {
		t.Error("the expiry is not logged")
	}

	// The device fails: internal-operation-error, nothing stored.
	sim.Fail(errors.New("device down"))
	mustFail(t, e.asA("dedicated/ilo-access-enable", "service_id", strconv.Itoa(dedicatedA), "remote_ip", remote), "internal-operation-error")
	if d := mustOK(t, e.asA("dedicated/ilo-details", "service_id", strconv.Itoa(dedicatedA))); d.get("ilo_details", "access_enabled") != false {
		t.Errorf("an opening the device refused was stored: %s", d.raw)
	}
}

// An address ordered with /additional-ip/order is behind the server's
// ruleset as soon as the order answers, like the server's own address.
func TestFirewallOrderedAddress(t *testing.T) {
	e := newEnv(t)
	sim, _ := withFirewall(t, e)
	importInventory(t, e.store, poolInventory)
	client, ordered := "192.0.2.2", "198.51.100.130"
	if !sim.Verdict(tcp(client, ordered, 25)) {
		t.Fatal("the pool's address is filtered before it was ordered")
	}
	a := mustOK(t, e.asA("additional-ip/order", "parent_service_id", "12345", "ips_number", "1"))
	if !strings.Contains(string(a.raw), ordered) {
		t.Fatalf("the order did not hand out %s: %s", ordered, a.raw)
	}
	if sim.Verdict(tcp(client, ordered, 25)) || !sim.Verdict(tcp(client, ordered, 22)) {
		t.Errorf("the ordered address is not behind ruleset %s: %+v", rulesetA, sim.State().Rulesets[0].Servers)
	}
	// Its additional-ip service's subnetwork and the server's subnetworks
	// of every size and family are there too.
	st, err := panel.FirewallState(context.Background(), e.store, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range st.Rulesets[0].Servers {
		got = append(got, p.String())
	}
	for _, want := range []string{"123.123.123.123/32", "123.123.123.124/32", "123.123.124.0/29", "2a01:1234:5678::/64", ordered + "/32"} {
		if !slices.Contains(got, want) {
			t.Errorf("ruleset %s holds %v, not %s", rulesetA, got, want)
		}
	}
}
