package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
)

// node is one artnetd serve running in the test.
type node struct {
	t *testing.T
	m *Main
}

func startNode(t *testing.T, m *Main) *node {
	t.Helper()
	if m.Logger == nil {
		m.Logger = discardLogger()
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return &node{t: t, m: m}
}

// call posts an API command and returns the decoded answer.
func (n *node) call(id, key, path string, kv ...string) map[string]any {
	n.t.Helper()
	v := url.Values{"id": {id}, "api_key": {key}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	resp, err := http.PostForm("http://"+n.m.Addr()+"/api/"+path, v)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return body
}

func (n *node) mustCall(id, key, path string, kv ...string) map[string]any {
	n.t.Helper()
	body := n.call(id, key, path, kv...)
	if body["success"] != true {
		n.t.Fatalf("%s: %v", path, body)
	}
	return body
}

// TestMultiNodePostgres runs two nodes with DNS on one PostgreSQL
// database: record changes made through node 1 are answered by node 2's
// DNS server, and a key regenerated through node 1 is refused by node 2.
// The time each takes is reported (t.Log), not asserted: the bound of one
// second is the feed's Fresh check (credentials) and NOTIFY (both); only
// an eventual failure after 10 s fails the test.
func TestMultiNodePostgres(t *testing.T) {
	dsn := pgtest.NewSchema(t)
	var out bytes.Buffer
	// Polling every minute: what arrives sooner came through NOTIFY.
	n1 := startNode(t, &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", DNSAddr: "127.0.0.1:0", Demo: true, Stdout: &out, Follow: time.Minute})
	n2 := startNode(t, &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", DNSAddr: "127.0.0.1:0", Follow: time.Minute})
	match := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]{32,})`).FindStringSubmatch(out.String())
	if match == nil {
		t.Fatalf("no demo credentials: %q", out.String())
	}
	id, key := match[1], match[2]

	zone := n1.mustCall(id, key, "dns/add-primary", "domain", "multi.acme.test")["zone_details"].(map[string]any)
	zoneID := fmt.Sprint(zone["id"])
	query := func(addr, name string) string {
		q := new(dns.Msg)
		q.SetQuestion(name, dns.TypeA)
		r, _, err := new(dns.Client).Exchange(q, addr)
		if err != nil || len(r.Answer) == 0 {
			return ""
		}
		return r.Answer[0].(*dns.A).A.String()
	}
	var lat []time.Duration
	for i := range 20 {
		serial := fmt.Sprintf("%.0f", n1.mustCall(id, key, "dns/details-primary", "zone_id", zoneID)["zone_details"].(map[string]any)["serial"])
		addr := fmt.Sprintf("192.0.2.%d", i+1)
		start := time.Now()
		n1.mustCall(id, key, "dns/edit-primary-records", "zone_id", zoneID, "serial", serial,
			"records[0][name]", "www", "records[0][type]", "A", "records[0][data1]", addr)
		for query(n2.m.DNSAddress(), "www.multi.acme.test.") != addr {
			if time.Since(start) > 10*time.Second {
				t.Fatalf("change %d never answered by node 2", i)
			}
			time.Sleep(time.Millisecond)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	t.Logf("API change on node 1 → answered by node 2's DNS (incl. the API call): p50 %s, p99 %s, max %s",
		lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])

	// Both nodes have the key cached.
	n1.mustCall(id, key, "customer/details")
	n2.mustCall(id, key, "customer/details")
	start := time.Now()
	newKey := n1.mustCall(id, key, "customer/regenerate-api-key")["api_key"].(string)
	for n2.call(id, key, "customer/details")["success"] == true {
		if time.Since(start) > 10*time.Second {
			t.Fatal("node 2 still accepts the old key after 10 s")
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("key regenerated on node 1 → refused by node 2 after %s", time.Since(start))
	n2.mustCall(id, newKey, "customer/details")
	if n1.call(id, key, "customer/details")["success"] == true {
		t.Fatal("node 1 accepts the old key")
	}
}

// TestMetricsAddress: /metrics and pprof are served on --metrics only,
// pprof only with --pprof, and count the API's requests.
func TestMetricsAddress(t *testing.T) {
	var out bytes.Buffer
	n := startNode(t, &Main{DB: sqliteDSN(t), HTTPAddr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", Demo: true, Stdout: &out})
	match := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]{32,})`).FindStringSubmatch(out.String())
	n.mustCall(match[1], match[2], "services/list")
	n.call(match[1], "WrongKeyWrongKeyWrongKeyWrongKey12", "services/list")
	get := func(u string) (int, string) {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("http://" + n.m.MetricsAddress() + "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{`artnet_api_requests_total{command="services/list",result="ok"}`,
		`artnet_api_requests_total{command="services/list",result="authorization-failed"}`,
		`artnet_api_request_duration_seconds_bucket{command="services/list"`, `artnet_failed_logins_total`,
		`artnet_changefeed_position`, `go_goroutines`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if code, _ := get("http://" + n.m.MetricsAddress() + "/debug/pprof/"); code != 404 {
		t.Errorf("pprof without --pprof: %d", code)
	}
	// The API address serves the web panel at every other path (a
	// sign-in page for a visitor): never the metrics or pprof.
	if _, body := get("http://" + n.m.Addr() + "/metrics"); strings.Contains(body, "go_goroutines") {
		t.Error("/metrics is served on the API address")
	}
	p := startNode(t, &Main{DB: sqliteDSN(t), HTTPAddr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", Pprof: true})
	if code, _ := get("http://" + p.m.MetricsAddress() + "/debug/pprof/"); code != 200 {
		t.Errorf("pprof with --pprof: %d", code)
	}
	if _, body := get("http://" + p.m.Addr() + "/debug/pprof/"); strings.Contains(body, "goroutine") {
		t.Error("pprof is served on the API address")
	}
}

// TestAccessLogFile: the access log goes to its file, buffered, and Close
// (what SIGTERM leads to) writes every line out.
func TestAccessLogFile(t *testing.T) {
	var out bytes.Buffer
	path := filepath.Join(t.TempDir(), "access.log")
	n := startNode(t, &Main{DB: sqliteDSN(t), HTTPAddr: "127.0.0.1:0", Demo: true, Stdout: &out, AccessLog: path})
	match := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]{32,})`).FindStringSubmatch(out.String())
	for range 50 {
		n.mustCall(match[1], match[2], "customer/details")
	}
	if err := n.m.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if c := strings.Count(string(b), `"msg":"request"`); c != 50 {
		t.Fatalf("%d access-log lines after Close, want 50", c)
	}
	if strings.Contains(string(b), match[2]) {
		t.Fatal("the access log contains the key")
	}
}
