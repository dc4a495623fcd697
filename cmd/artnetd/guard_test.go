package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
)

// login posts customer/get-language as customer id with key from the client address
// client (through X-Forwarded-For: the nodes trust 127.0.0.1 as a proxy)
// and returns the HTTP status and error code.
func (n *node) login(id, key, client string) (int, string) {
	n.t.Helper()
	v := url.Values{"id": {id}, "api_key": {key}}
	req, err := http.NewRequest("POST", "http://"+n.m.Addr()+"/api/customer/get-language", strings.NewReader(v.Encode()))
	if err != nil {
		n.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", client)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error struct{ Code string } `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Error.Code
}

// TestLoginGuardAcrossNodes: two nodes on one PostgreSQL database count
// the failed logins of an address together, both refuse it once blocked,
// and a node started later (a restart) knows the block and the failures
// counted so far.
func TestLoginGuardAcrossNodes(t *testing.T) {
	dsn := pgtest.NewSchema(t)
	proxy := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	var out bytes.Buffer
	// Polling every minute: what arrives sooner came through NOTIFY.
	n1 := startNode(t, &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Demo: true, Stdout: &out, Follow: time.Minute, TrustedProxies: proxy})
	n2 := startNode(t, &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Follow: time.Minute, TrustedProxies: proxy})
	match := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]{32,})`).FindStringSubmatch(out.String())
	if match == nil {
		t.Fatalf("no demo credentials: %q", out.String())
	}
	id, key := match[1], match[2]
	const attacker, bystander = "198.51.100.66", "198.51.100.67"
	// Ten failures, alternating between the nodes: each node saw five.
	for i := range 10 {
		n := []*node{n1, n2}[i%2]
		if status, code := n.login(id, "wrong"+strconv.Itoa(i), attacker); status != 200 || code != "authorization-failed" {
			t.Fatalf("failure %d: %d %s", i+1, status, code)
		}
	}
	// Both refuse the address, even with the right key (node 1 counted the
	// 10th failure at once; node 2 hears of the block through NOTIFY).
	start := time.Now()
	for _, n := range []*node{n2, n1} {
		for {
			status, code := n.login(id, key, attacker)
			if status == http.StatusTooManyRequests && code == "too-many-failed-logins" {
				break
			}
			if time.Since(start) > 10*time.Second {
				t.Fatalf("node %s never blocked the address: %d %s", n.m.Addr(), status, code)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	t.Logf("block seen by the other node after %v", time.Since(start))
	// Other clients behind the proxy are not affected.
	for _, n := range []*node{n1, n2} {
		if status, code := n.login(id, key, bystander); status != 200 || code != "" {
			t.Fatalf("bystander: %d %s", status, code)
		}
	}
	// Nine failures of a second address, then node 1 goes away; a node
	// started afterwards still refuses the blocked address and blocks the
	// second one at its tenth failure.
	const second = "198.51.100.68"
	for i := range 9 {
		if _, code := n1.login(id, "wrong", second); code != "authorization-failed" {
			t.Fatalf("second address, failure %d: %s", i+1, code)
		}
	}
	if err := n1.m.Close(); err != nil {
		t.Fatal(err)
	}
	n3 := startNode(t, &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Follow: time.Minute, TrustedProxies: proxy})
	if status, _ := n3.login(id, key, attacker); status != http.StatusTooManyRequests {
		t.Fatalf("restarted node lets the blocked address in: %d", status)
	}
	if status, code := n3.login(id, key, second); status != 200 || code != "" {
		t.Fatalf("second address before its 10th failure: %d %s", status, code)
	}
	n3.login(id, "wrong", second)
	if status, _ := n3.login(id, key, second); status != http.StatusTooManyRequests {
		t.Fatalf("10th failure (9 before the restart) did not block: %d", status)
	}
	// Without the proxy trusted, the header is ignored: the address is the
	// TCP peer's, which is not blocked.
	n4 := startNode(t, &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Follow: time.Minute})
	if status, code := n4.login(id, key, attacker); status != 200 || code != "" {
		t.Fatalf("untrusted X-Forwarded-For was believed: %d %s", status, code)
	}
}
