// Command follow measures read-your-writes across nodes on the built
// artnetd: two nodes (go build, default logging to a file) share one
// PostgreSQL database; node 1 switches a fail-over IP n times, reads it
// back at once (a stale read there is a bug) and node 2 is polled until it
// shows the switch. It prints the stale reads on node 1 and the p50, p99
// and max time from node 1's answer to node 2 showing the change.
//
//	scripts/pgtest.sh go run ./bench/follow        # a throwaway cluster
//	go run ./bench/follow -db postgres://…          # a database of yours (emptied demo)
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/artnet-panel/artnet-panel/bench/internal/artnetdbin"
)

func main() {
	db := flag.String("db", os.Getenv("ARTNET_TEST_POSTGRES"), "PostgreSQL DSN of an empty database (default: $ARTNET_TEST_POSTGRES)")
	n := flag.Int("n", 200, "switches")
	flag.Parse()
	if *db == "" {
		log.Fatal("-db postgres://… (or run under scripts/pgtest.sh)")
	}
	dir, err := os.MkdirTemp("", "artnet-bench-follow-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bin := artnetdbin.Build(dir)
	var nodes [2]*artnetdbin.Server
	for i := range nodes {
		addr := artnetdbin.FreeAddr()
		nodes[i] = artnetdbin.Start(bin, nil, filepath.Join(dir, fmt.Sprintf("node%d.log", i+1)), addr,
			"serve", "--demo", "--db", *db, "--http", addr)
		defer nodes[i].Stop()
	}
	out, err := os.ReadFile(filepath.Join(dir, "node1.log"))
	if err != nil {
		log.Fatal(err)
	}
	m := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]+)`).FindSubmatch(out)
	if m == nil {
		log.Fatal("node 1 printed no demo key: use an empty database")
	}
	call := func(s *artnetdbin.Server, cmd string, kv ...string) map[string]any {
		v := url.Values{"id": {string(m[1])}, "api_key": {string(m[2])}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		resp, err := http.PostForm("http://"+s.Addr+"/api/"+cmd, v)
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body["success"] != true {
			log.Fatalf("%s: %v %v", cmd, body, err)
		}
		return body
	}
	realIP := func(s *artnetdbin.Server) any {
		return call(s, "fail-over-ip/details", "service_id", "12353")["service_details"].(map[string]any)["real_ip"]
	}
	targets := []string{"123.123.125.10", "123.123.123.123"}
	stale := 0
	var lags []time.Duration
	for i := range *n {
		want := targets[i%2]
		call(nodes[0], "fail-over-ip/switch", "service_id", "12353", "real_ip", want)
		answered := time.Now()
		if realIP(nodes[0]) != want {
			stale++
		}
		for realIP(nodes[1]) != want {
			if time.Since(answered) > 5*time.Second {
				log.Fatalf("switch %d: node 2 did not show it within 5 s", i)
			}
			time.Sleep(200 * time.Microsecond)
		}
		lags = append(lags, time.Since(answered))
	}
	slices.Sort(lags)
	q := func(p float64) time.Duration { return lags[min(len(lags)-1, int(p*float64(len(lags))))] }
	fmt.Printf("fail-over-ip/switch on node 1 → fail-over-ip/details, %d switches, built artnetd, PostgreSQL\n", *n)
	fmt.Printf("  node 1 (the writer): %d stale reads\n", stale)
	fmt.Printf("  node 2 shows it after: p50 %v  p99 %v  max %v\n",
		q(0.50).Round(10*time.Microsecond), q(0.99).Round(10*time.Microsecond), lags[len(lags)-1].Round(10*time.Microsecond))
}
