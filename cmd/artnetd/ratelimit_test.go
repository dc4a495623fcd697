package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// TestRateLimit: artnetd serve --rate-limit 5 --rate-burst 5 answers a
// burst beyond it HTTP 429 rate-limited with Retry-After; the SDK
// completes a longer burst without an error by waiting for Retry-After;
// an operator's override (artnetd admin customer rate-limit) lifts or
// tightens one customer's limit on the running node.
func TestRateLimit(t *testing.T) {
	dsn := sqliteDSN(t)
	var out bytes.Buffer
	n := startNode(t, &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Demo: true, Stdout: &out, RateLimit: 5, RateBurst: 5})
	match := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]{32,})`).FindStringSubmatch(out.String())
	if match == nil {
		t.Fatalf("no demo credentials: %q", out.String())
	}
	id, key := match[1], match[2]
	post := func() *http.Response {
		resp, err := http.PostForm("http://"+n.m.Addr()+"/api/services/list", url.Values{"id": {id}, "api_key": {key}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	limited := 0
	for range 10 {
		resp := post()
		if resp.StatusCode == http.StatusTooManyRequests {
			limited++
			if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 1 {
				t.Fatalf("Retry-After %q, want 1 (one token at 5/s)", resp.Header.Get("Retry-After"))
			}
		}
	}
	if limited == 0 {
		t.Fatal("10 requests at once, none refused by a limit of 5/s with a burst of 5")
	}
	body := n.call(id, key, "services/list")
	if body["success"] != false || body["error"].(map[string]any)["code"] != "rate-limited" {
		t.Fatalf("over the limit: %v", body)
	}

	// The SDK waits for Retry-After: 20 requests, no error.
	var debug syncBuffer
	idNum, _ := strconv.ParseInt(id, 10, 64)
	c := artnet.NewClient(idNum, key, artnet.WithEndpoint("http://"+n.m.Addr()+"/api"), artnet.WithDebug(&debug))
	for i := range 20 {
		if _, err := c.Services.List(context.Background(), artnet.ServiceListOpts{}); err != nil {
			t.Fatalf("SDK request %d: %v", i, err)
		}
	}
	waits := strings.Count(debug.String(), "<-- 429 ")
	if waits == 0 {
		t.Fatal("the SDK's burst was never limited")
	}
	t.Logf("the SDK's 20 requests met %d answers 429 and waited for Retry-After", waits)

	// An override lifts the customer's limit on the running node.
	runOK(t, "admin", "customer", "rate-limit", "--db", dsn, "--id", id, "--rps", "0")
	if err := n.m.feed.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		if resp := post(); resp.StatusCode != 200 {
			t.Fatalf("request %d with the limit lifted: HTTP %d", i, resp.StatusCode)
		}
	}
	if got := runOK(t, "admin", "customer", "rate-limit", "--db", dsn, "--list"); !strings.Contains(got, "customer "+id+": 0 requests a second") {
		t.Fatalf("--list: %q", got)
	}
	runOK(t, "admin", "customer", "rate-limit", "--db", dsn, "--id", id, "--clear")
	if err := n.m.feed.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	limited = 0
	for range 10 {
		if post().StatusCode == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("the limit did not come back after --clear")
	}
}
