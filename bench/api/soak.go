package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/bench/internal/artnetdbin"
	"github.com/artnet-panel/artnet-panel/bench/internal/loadgen"
)

// soak drives artnetd alone with the load of the comparison (conns
// keep-alive connections posting path) for d, and prints its resident
// memory and goroutine count (from /metrics: process_resident_memory_bytes,
// go_goroutines) before the load, at every quarter of it, and after the
// load once idle connections closed, so that growth shows.
func soak(ours *proc, path, body string, conns int, d time.Duration) {
	fmt.Printf("soak: %d conns posting %s for %s\n", conns, path, d)
	// A short warm-up fills the pools and caches first.
	loadgen.Run(ours.url+path, body, conns, min(d/10, 2*time.Second))
	time.Sleep(time.Second)
	rss0, gor0 := readGauges(ours.metrics)
	fmt.Printf("  before:  RSS %6.1f MiB   goroutines %d\n", rss0/(1<<20), int(gor0))
	quarter := d / 4
	var parts []loadgen.Result
	for i := range 4 {
		r := loadgen.Run(ours.url+path, body, conns, quarter)
		parts = append(parts, r)
		rss, gor := readGauges(ours.metrics)
		fmt.Printf("  %3d%%:    RSS %6.1f MiB   goroutines %-4d  %7.0f req/s   p99 %s   errors %d\n",
			(i+1)*25, rss/(1<<20), int(gor), r.Rate, r.P99.Round(time.Microsecond), r.Errors)
	}
	total := loadgen.Merge(parts)
	// The load's connections are closed by run; give the server a moment.
	time.Sleep(2 * time.Second)
	rss1, gor1 := readGauges(ours.metrics)
	fmt.Printf("  after:   RSS %6.1f MiB   goroutines %d\n", rss1/(1<<20), int(gor1))
	fmt.Printf("  total %d requests, %.0f req/s, p50 %s, p99 %s, errors %d\n", total.N, total.Rate,
		total.P50.Round(time.Microsecond), total.P99.Round(time.Microsecond), total.Errors)
	fmt.Printf("  RSS change %+.1f MiB, goroutine change %+d\n", (rss1-rss0)/(1<<20), int(gor1-gor0))
}

// readGauges returns process_resident_memory_bytes and go_goroutines of
// the metrics at base ("http://host:port").
func readGauges(base string) (rss, goroutines float64) {
	g := artnetdbin.Gauges(strings.TrimPrefix(base, "http://"), "process_resident_memory_bytes", "go_goroutines")
	return g["process_resident_memory_bytes"], g["go_goroutines"]
}
