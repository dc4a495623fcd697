package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/bgp"
	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/driver/gobgp"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/netlab"
)

// seedDemo puts the demo inventory into the database at dsn without
// running a node (a node started with --demo would also simulate every
// device) and returns the demo customer's credentials.
func seedDemo(t *testing.T, dsn string) url.Values {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	id, key, seeded, err := demo.Seed(ctx, st)
	if err != nil || !seeded {
		t.Fatalf("demo seed: seeded=%v, %v", seeded, err)
	}
	return url.Values{"id": {strconv.FormatInt(id, 10)}, "api_key": {key}}
}

// with returns creds plus the name/value pairs kv.
func with(creds url.Values, kv ...string) url.Values {
	form := url.Values{}
	for k, v := range creds {
		form[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	return form
}

// logLines returns the JSON log lines of buf whose msg is msg.
func logLines(t *testing.T, buf string, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(buf))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == msg {
			out = append(out, line)
		}
	}
	return out
}

// metricsText returns what the node's /metrics answers.
func metricsText(t *testing.T, m *Main) string {
	return getBody(t, "http://"+m.MetricsAddress()+"/metrics")
}

// getDocs returns GET /api/docs.
func getDocs(t *testing.T, m *Main) string { return getBody(t, "http://"+m.Addr()+"/api/docs") }

// Issue 23: a node started with no device flag and neither --demo nor
// --simulate simulates nothing. Every command that changes a device
// answers its documented internal error, leaves the desired state as it
// was and writes one log line saying why; the start-up log, /metrics and
// /api/docs show each kind's mode.
func TestHonestDefaults(t *testing.T) {
	ctx := context.Background()
	dsn := sqliteDSN(t)
	creds := seedDemo(t, dsn)
	var logs syncBuffer
	m := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0",
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	// One start-up line per kind, the gauge, the docs.
	want := map[string]string{"firewall": ModeNone, "bgp": ModeNone, "hypervisor": ModeNone, "power": ModeReal, "registry": ModeNone}
	lines := logLines(t, logs.String(), "device")
	got := map[string]string{}
	for _, l := range lines {
		got[l["kind"].(string)] = l["mode"].(string)
	}
	if len(lines) != len(DeviceKinds) || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("start-up device lines %v, want one per kind: %v", lines, want)
	}
	if fmt.Sprint(m.DeviceModes()) != fmt.Sprint(want) {
		t.Errorf("DeviceModes %v, want %v", m.DeviceModes(), want)
	}
	text := metricsText(t, m)
	for kind, mode := range want {
		for _, other := range []string{ModeReal, ModeSim, ModeNone} {
			v := "0"
			if other == mode {
				v = "1"
			}
			line := fmt.Sprintf(`artnet_device_mode{kind=%q,mode=%q} %s`, kind, other, v)
			if !strings.Contains(text, line+"\n") {
				t.Errorf("/metrics has no %s", line)
			}
		}
	}
	if docs := getDocs(t, m); strings.Contains(docs, "simulated devices") {
		t.Error("/api/docs of a node that simulates nothing mentions simulated devices")
	}

	call := func(path string, kv ...string) map[string]any { return post(t, m, path, with(creds, kv...)) }
	mustFail := func(code, path string, kv ...string) {
		t.Helper()
		if a := call(path, kv...); errCode(a) != code {
			t.Errorf("%s %v: %v, want %s", path, kv, a, code)
		}
	}
	details := func(path string, kv ...string) string {
		t.Helper()
		a := call(path, kv...)
		if a["success"] != true {
			t.Fatalf("%s: %v", path, a)
		}
		b, _ := json.Marshal(a)
		return string(b)
	}

	// firewall/save: stored, waited for an edge node, none: undone.
	fwBefore := details("firewall/details", "ruleset_id", "fw-12345")
	mustFail("internal-firewall-error", "firewall/save", "ruleset_id", "fw-12345",
		"rules[in][0][policy]", "ACCEPT", "rules[in][0][protocol]", "6", "rules[in][0][destination][port][begin]", "25")
	if after := details("firewall/details", "ruleset_id", "fw-12345"); after != fwBefore {
		t.Errorf("firewall/save that no device applied changed the ruleset:\n%s\n%s", fwBefore, after)
	}

	// ip-blackholing/enable and fail-over-ip/switch: the same on BGP.
	bhBefore := details("ip-blackholing/list")
	mustFail("internal-blackholing-ip-error", "ip-blackholing/enable", "ip", "123.123.124.5")
	if after := details("ip-blackholing/list"); after != bhBefore {
		t.Errorf("a blackhole no speaker announced was kept:\n%s\n%s", bhBefore, after)
	}
	foBefore := details("fail-over-ip/details", "service_id", "12353")
	mustFail("internal-fail-over-ip-error", "fail-over-ip/switch", "service_id", "12353", "real_ip", "123.123.125.10")
	if after := details("fail-over-ip/details", "service_id", "12353"); after != foBefore {
		t.Errorf("a fail-over switch no speaker announced was kept:\n%s\n%s", foBefore, after)
	}

	// The hypervisor: no machine can run here; the desired state stays.
	id, _ := strconv.ParseInt(creds.Get("id"), 10, 64)
	inst, err := m.store.CloudInstanceGet(ctx, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	mustFail("internal-cloud-power-on-error", "cloud-instance/action-power-off", "instance_id", "1", "instance_password", "demo1234")
	mustFail("internal-cloud-power-on-error", "cloud-instance/action-power-on", "instance_id", "1", "instance_password", "demo1234")
	if after, err := m.store.CloudInstanceGet(ctx, id, 1); err != nil || after.PowerOn != inst.PowerOn {
		t.Errorf("cloud instance power_on %v → %v (%v)", inst.PowerOn, after.PowerOn, err)
	}

	// VPS power on the simulated switch, and a server's power line on the
	// power simulator: neither is enabled without --simulate.
	vps, err := m.store.VPSPowerGet(ctx, id, 12347)
	if err != nil {
		t.Fatal(err)
	}
	mustFail("internal-operation-error", "vps/power-off", "service_id", "12347", "confirm", "confirm")
	mustFail("internal-operation-error", "vps/power-on", "service_id", "12347", "confirm", "confirm")
	if after, err := m.store.VPSPowerGet(ctx, id, 12347); err != nil || after.PowerOn != vps.PowerOn {
		t.Errorf("vps power_on %v → %v (%v)", vps.PowerOn, after.PowerOn, err)
	}
	if s := call("vps/details", "service_id", "12347")["service_details"].(map[string]any)["power_state"]; s != "unknown" {
		t.Errorf("vps power_state %v with no switch, want unknown", s)
	}
	mustFail("internal-operation-error", "dedicated/power-on", "service_id", "12345", "confirm", "confirm")

	// domain/edit-dns-servers: no registry, so no delegation changes.
	domBefore := details("domain/details", "service_id", "12348")
	mustFail("edit-dns-error", "domain/edit-dns-servers", "service_id", "12348",
		"dns_servers[0]", "ns1.honest.example", "dns_servers[1]", "ns2.honest.example")
	if after := details("domain/details", "service_id", "12348"); after != domBefore {
		t.Errorf("a delegation no registry accepted was stored:\n%s\n%s", domBefore, after)
	}
	if n := strings.Count(logs.String(), "no domain registry is configured on this node"); n != 1 {
		t.Errorf("%d log lines say the registry is missing, want 1 (one per call):\n%s", n, logs.String())
	}

	// One clear line per refused call, naming the cause.
	for code, cause := range map[string]string{
		"internal-firewall-error":       "no node with a real driver",
		"internal-blackholing-ip-error": "no node with a real driver",
		"internal-fail-over-ip-error":   "no node with a real driver",
		"internal-cloud-power-on-error": "no hypervisor",
		"internal-operation-error":      "not enabled on this node",
	} {
		n := 0
		for _, l := range logLines(t, logs.String(), "internal error") {
			if l["code"] != code {
				continue
			}
			n++
			if err, _ := l["err"].(string); !strings.Contains(err, cause) {
				t.Errorf("%s logged as %q, want the cause (%q)", code, err, cause)
			}
		}
		want := map[string]int{"internal-cloud-power-on-error": 2, "internal-operation-error": 3}[code]
		if want == 0 {
			want = 1
		}
		if n != want {
			t.Errorf("%d log lines for %s, want %d (one per call)", n, code, want)
		}
	}
}

// With --simulate every kind without a configured driver runs its
// simulator (the old defaults): the same calls succeed, and the
// start-up log, /metrics and /api/docs say so.
func TestSimulateFlag(t *testing.T) {
	ctx := context.Background()
	dsn := sqliteDSN(t)
	creds := seedDemo(t, dsn)
	var logs syncBuffer
	m := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", Simulate: true,
		Cloud:  CloudConfig{SecretKey: demo.CloudSecretKey}, // the demo instance's password
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	want := map[string]string{"firewall": ModeSim, "bgp": ModeSim, "hypervisor": ModeSim, "power": ModeSim, "registry": ModeSim}
	if fmt.Sprint(m.DeviceModes()) != fmt.Sprint(want) {
		t.Errorf("DeviceModes %v, want %v", m.DeviceModes(), want)
	}
	if !strings.Contains(metricsText(t, m), `artnet_device_mode{kind="firewall",mode="sim"} 1`+"\n") {
		t.Error("/metrics does not show the firewall simulator")
	}
	docs := getDocs(t, m)
	for _, note := range []string{
		`id="note-firewall">This node runs simulated devices for this module (firewall)`,
		`id="note-ip-blackholing">This node runs simulated devices for this module (bgp)`,
		`id="note-vps">This node runs simulated devices for this module (hypervisor, power)`,
	} {
		if !strings.Contains(docs, note) {
			t.Errorf("/api/docs lacks %q", note)
		}
	}
	if strings.Contains(docs, `id="note-dns"`) {
		t.Error("/api/docs notes a module without devices")
	}
	for _, c := range []struct {
		path string
		kv   []string
	}{
		{"firewall/save", []string{"ruleset_id", "fw-12345", "rules[in][0][policy]", "ACCEPT", "rules[in][0][protocol]", "6", "rules[in][0][destination][port][begin]", "25"}},
		{"ip-blackholing/enable", []string{"ip", "123.123.124.5"}},
		{"fail-over-ip/switch", []string{"service_id", "12353", "real_ip", "123.123.125.10"}},
		{"cloud-instance/action-power-on", []string{"instance_id", "1", "instance_password", "demo1234"}},
		{"vps/power-on", []string{"service_id", "12347", "confirm", "confirm"}},
		{"dedicated/power-on", []string{"service_id", "12345", "confirm", "confirm"}},
	} {
		if a := post(t, m, c.path, with(creds, c.kv...)); a["success"] != true {
			t.Errorf("%s with --simulate: %v", c.path, a)
		}
	}
}

// An API node in honest mode answers success once an edge node with the
// real drivers (nftables in a netlab's gateway, the GoBGP speaker with a
// peer) applied the change: the rule is in the kernel and the route at
// the peer when the call answers.
func TestHonestAPINodeWithRealEdge(t *testing.T) {
	lab := netlab.New(t)
	testpeer.NeedTool(t, "nft", "nftables")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	local := netip.MustParseAddr("127.0.0.1")
	col, err := gobgp.StartCollector(ctx, netip.MustParseAddr("127.0.0.3"), 64521, local, 64520)
	if err != nil {
		t.Fatal(err)
	}
	defer col.Close()
	dsn := sqliteDSN(t)
	creds := seedDemo(t, dsn)
	edge := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Logger: discardLogger(),
		Firewall: FirewallConfig{Driver: "nft", Table: "artnet", NetNS: lab.GatewayNS, Node: "edge-1"},
		BGP: BGPConfig{ASN: 64520, RouterID: local, LocalAddr: local, Peers: []gobgp.Peer{col.PeerSpec()}, ConnectRetry: time.Second,
			BlackholeNextHop4: netip.MustParseAddr("198.18.0.1"), BlackholeNextHop6: netip.MustParseAddr("100::1")}}
	if err := edge.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer edge.Close()
	if modes := edge.DeviceModes(); modes["firewall"] != ModeReal || modes["bgp"] != ModeReal {
		t.Fatalf("edge modes %v", modes)
	}
	api := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Logger: discardLogger(), Firewall: FirewallConfig{EdgeWait: 10 * time.Second}}
	if err := api.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	if modes := api.DeviceModes(); modes["firewall"] != ModeNone || modes["bgp"] != ModeNone {
		t.Fatalf("API node modes %v", modes)
	}
	call := func(path string, kv ...string) {
		t.Helper()
		if a := post(t, api, path, with(creds, kv...)); a["success"] != true {
			t.Fatalf("%s through the API node: %v", path, a)
		}
	}
	call("firewall/save", "ruleset_id", "fw-12345",
		"rules[in][0][policy]", "ACCEPT", "rules[in][0][protocol]", "6", "rules[in][0][destination][port][begin]", "2525")
	out, err := lab.Exec(lab.GatewayNS, "nft", "list", "table", "inet", "artnet")
	if err != nil || !strings.Contains(out, "dport 2525") {
		t.Fatalf("the edge's table when the save answered (%v):\n%s", err, out)
	}
	bh := netip.MustParsePrefix("123.123.124.5/32")
	call("ip-blackholing/enable", "ip", "123.123.124.5")
	call("fail-over-ip/switch", "service_id", "12353", "real_ip", "123.123.125.10")
	vip := netip.MustParsePrefix("123.123.127.1/32")
	if rib, err := col.WaitRIB(ctx, func(r map[netip.Prefix]bgp.Announcement) bool {
		_, ok := r[bh]
		return ok && r[vip].NextHop.String() == "123.123.125.10"
	}); err != nil {
		t.Fatalf("%v: the peer holds %v", err, rib)
	}
}
