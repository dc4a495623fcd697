package main

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
)

// TestReadYourWritesMultiNode runs two nodes on one PostgreSQL database,
// each following the change log as artnetd does by default (every second,
// and at once on NOTIFY), and writes through node 1: fail-over-ip/switch
// (what fail-over-ip/details shows comes from the services cache) and
// customer/edit. Node 1 must show every write in the very next read; node
// 2 must show it within 5 s. How long node 2 takes is logged (p50, p99,
// max, from the write's answer to node 2's first read that shows it), not
// asserted.
func TestReadYourWritesMultiNode(t *testing.T) {
	const (
		iterations = 200
		bound      = 5 * time.Second
	)
	dsn := pgtest.NewSchema(t)
	var out bytes.Buffer
	n1 := startNode(t, &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Demo: true, Stdout: &out, Follow: time.Second})
	n2 := startNode(t, &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Follow: time.Second})
	match := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]{32,})`).FindStringSubmatch(out.String())
	if match == nil {
		t.Fatalf("no demo credentials: %q", out.String())
	}
	id, key := match[1], match[2]

	type write struct {
		name  string
		write func(n *node, i int) map[string]any
		// shown reads n and reports whether it shows write i.
		shown func(n *node, i int) (bool, string)
	}
	realIP := func(i int) string { return []string{"123.123.125.10", "123.123.123.123"}[i%2] }
	city := func(i int) string { return fmt.Sprintf("Kraków %d", i) }
	writes := []write{
		{"fail-over-ip/switch → fail-over-ip/details real_ip",
			func(n *node, i int) map[string]any {
				return n.call(id, key, "fail-over-ip/switch", "service_id", "12353", "real_ip", realIP(i))
			},
			func(n *node, i int) (bool, string) {
				d, _ := n.mustCall(id, key, "fail-over-ip/details", "service_id", "12353")["service_details"].(map[string]any)
				return d["real_ip"] == realIP(i), fmt.Sprint(d["real_ip"])
			}},
		{"customer/edit → customer/details city",
			func(n *node, i int) map[string]any {
				return n.call(id, key, "customer/edit", "customer[city]", city(i))
			},
			func(n *node, i int) (bool, string) {
				c, _ := n.mustCall(id, key, "customer/details")["customer"].(map[string]any)
				return c["city"] == city(i), fmt.Sprint(c["city"])
			}},
	}
	for _, w := range writes {
		var lag []time.Duration
		stale := 0
		for i := range iterations {
			// Both nodes have read the value before the write (their
			// caches hold it).
			w.shown(n1, i)
			w.shown(n2, i)
			if a := w.write(n1, i); a["success"] != true {
				t.Fatalf("%s: write %d: %v", w.name, i, a)
			}
			written := time.Now()
			if ok, got := w.shown(n1, i); !ok {
				stale++
				if stale <= 5 {
					t.Errorf("%s: write %d: node 1 read right after it shows %s", w.name, i, got)
				}
			}
			for {
				ok, got := w.shown(n2, i)
				if ok {
					lag = append(lag, time.Since(written))
					break
				}
				if time.Since(written) > bound {
					t.Fatalf("%s: write %d: node 2 still shows %s after %s", w.name, i, got, bound)
				}
				time.Sleep(time.Millisecond)
			}
		}
		if stale > 0 {
			t.Errorf("%s: node 1 was stale right after %d of %d writes, want 0", w.name, stale, iterations)
		}
		slices.Sort(lag)
		t.Logf("%s: node 1 stale after %d of %d writes; node 2 shows the write after p50 %s, p99 %s, max %s",
			w.name, stale, iterations, lag[len(lag)/2], lag[len(lag)*99/100], lag[len(lag)-1])
	}
}
